"""Pull the Python answer out of a model response.

Preference: a fenced ```python block that defines ``ModelNew`` (the last one: models often
sketch first and answer last) > any fenced python block > an untagged fenced block that parses >
the whole response if it parses as Python. ``None`` means ``no_code``.
"""
from __future__ import annotations

import ast
import re

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([A-Za-z0-9_+.-]*)[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)
_OPEN_TAIL = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*(python|py|python3)[^\n]*\n(.*)\Z", re.M | re.S | re.I)
_THINK = re.compile(r"<think>.*?</think>", re.S | re.I)
_PY_TAGS = {"python", "py", "python3", "py3"}


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language tag, body) for every closed fenced block, in order."""
    return [(m.group(2).lower(), m.group(3)) for m in _FENCE.finditer(text)]


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # too deep to parse: not code Python runs
        return False
    return bool(code.strip())


def _defines_model_new(code: str) -> bool:
    return re.search(r"^\s*class\s+ModelNew\b", code, re.M) is not None


def extract_code(response: str | None) -> str | None:
    """The answer's Python module text, or ``None`` when the response holds no code."""
    if not response or not response.strip():
        return None
    text = _THINK.sub("", response)
    blocks = fenced_blocks(text)
    python = [body for tag, body in blocks if tag in _PY_TAGS]
    if not python:  # a truncated response: an opened ```python block that never closes
        tail = _OPEN_TAIL.search(text)
        if tail and not blocks:
            python = [tail.group(3)]
    for pool in (python, [body for tag, body in blocks if not tag]):
        with_model = [b for b in pool if _defines_model_new(b)]
        if with_model:
            return with_model[-1].strip("\n") + "\n"
        if pool and pool is python:
            return pool[-1].strip("\n") + "\n"
    untagged = [b for tag, b in blocks if not tag and _parses(b)]
    if untagged:
        return untagged[-1].strip("\n") + "\n"
    if not blocks and _parses(text):
        return text.strip("\n") + "\n"
    return None
