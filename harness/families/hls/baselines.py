"""Model-like answers for the ``reference`` and ``mutant`` baselines.

``reference_answer`` states the true labels and gives the original code as the fix (controls:
``buggy`` false and the code unchanged). ``mutant_answer`` is a deterministic noise floor: per
sample it names a wrong line or a wrong type, always returns the buggy code unchanged as the
"fix", and raises a false alarm on controls.
"""
from __future__ import annotations

import hashlib
import json

from harness.families.hls.items import HlsItem
from harness.families.hls.taxonomy import BUG_TYPES

_TYPES = list(BUG_TYPES)


def _respond(prose: str, fields: dict[str, object], code: str | None) -> str:
    text = f"{prose}\n\n```json\n{json.dumps(fields)}\n```\n"
    if code is not None:
        text += f"\nThe corrected file:\n\n```cpp\n{code.rstrip()}\n```\n"
    return text


def reference_answer(item: HlsItem) -> str:
    if not item.buggy:
        return _respond("I checked every loop bound, index, type and update; the kernel is correct.",
                        {"buggy": False, "line": None, "type": None, "fix": None}, item.code)
    line = item.spans[0][0]
    return _respond(f"Line {line} holds a {item.types[0]} bug ({item.description or 'see the fix'}).",
                    {"buggy": True, "line": line, "type": item.types[0], "fix": None}, item.original)


def _wrong_line(item: HlsItem, salt: int) -> int:
    n_lines = max(1, len(item.code.rstrip("\n").split("\n")))
    for step in range(n_lines):
        line = (item.spans[0][1] + 2 + salt + step) % n_lines + 1 if item.spans else 1 + (salt + step) % n_lines
        if not item.line_in_span(line):
            return line
    return 1


def mutant_answer(item: HlsItem, sample_idx: int) -> str:
    h = int(hashlib.sha256(f"{item.id}\0{sample_idx}".encode()).hexdigest(), 16)
    if not item.buggy:
        line = _wrong_line(item, h % 7)
        return _respond(f"Line {line} looks wrong to me.",
                        {"buggy": True, "line": line, "type": _TYPES[h % len(_TYPES)], "fix": item.code}, None)
    true_type = item.types[0]
    if h % 2 == 0:  # wrong line, right type
        line, typ = _wrong_line(item, h % 5), true_type
    else:  # right line, wrong type
        line = item.spans[0][0]
        others = [t for t in _TYPES if t not in item.types]
        typ = others[h % len(others)]
    return _respond(f"There is a {typ} bug on line {line}; here is the corrected kernel.",
                    {"buggy": True, "line": line, "type": typ, "fix": None}, item.code)
