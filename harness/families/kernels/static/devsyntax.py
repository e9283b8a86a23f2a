"""The C++ syntax :mod:`.devptr` reads: casts and parentheses around an operand, binary ``+``/``-``
and ``?:`` at the top level, brackets, initialiser lists, struct members and kernel signatures."""
from __future__ import annotations

import re
from typing import NamedTuple

from harness.families.kernels.static.hostmem import _split

_GLOBAL_SIG = re.compile(r"__global__\s+(?:__launch_bounds__\s*\([^)]*\)\s*)?[\w:<>\s*]*?"
                         r"(?:__launch_bounds__\s*\([^)]*\)\s*)?\b([A-Za-z_]\w*)\s*\(")
_TEMPLATE = re.compile(r"\btemplate\s*<([^<>]*(?:<[^<>]*>[^<>]*)*)>\s*$")
_STRUCT = re.compile(r"\b(?:struct|class)\s+([A-Za-z_]\w*)\s*(?::[^{;]*)?\{")
_CAST = re.compile(r"(?:(?:reinterpret_cast|static_cast|const_cast)\s*<[^<>;]*(?:<[^<>;]*>[^<>;]*)*>\s*(?=\()"
                   r"|\(\s*(?:const\s+|volatile\s+|struct\s+)*[A-Za-z_][\w:]*(?:\s+[A-Za-z_][\w:]*)*"
                   r"(?:\s*<[^()<>;]*>)?\s*(?:const\s*)?\*[\s*&]*(?:const\s*|__restrict__\s*)*\)\s*(?=\S))")


def _strip(e: str) -> str:
    """``e`` without the casts and parentheses around it."""
    e = e.strip()
    while True:
        m = _CAST.match(e)
        if m:
            e = e[m.end():].strip()
            continue
        if e.startswith("(") and _close(e, 0) == len(e) - 1:
            e = e[1:-1].strip()
            continue
        return e


def _close(e: str, i: int) -> int:
    depth = 0
    for j in range(i, len(e)):
        depth += (e[j] in "([{") - (e[j] in ")]}")
        if depth == 0:
            return j
    return -1


def _top_split(e: str) -> list[tuple[str, str]]:
    """(operator, operand) pieces of ``e`` split at its binary ``+``/``-`` outside brackets."""
    masked = re.sub(r"(?<=\w)\s*<[^<>;()]*(?:<[^<>;()]*>[^<>;()]*)*>", lambda m: " " * len(m.group(0)), e)
    masked = masked.replace("->", "  ")
    out, depth, begin, op = [], 0, 0, ""
    for j, ch in enumerate(masked):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch in "+-" and masked[j + 1:j + 2] not in ("+", "-", "=") and \
                masked[j - 1:j] not in ("+", "-") and re.search(r"[\w)\]]\s*$", masked[begin:j]):
            out.append((op, e[begin:j]))
            op, begin = ch, j + 1
    return [*out, (op, e[begin:])]


def _ternary(e: str) -> tuple[str, str] | None:
    """The two branches of ``e`` when it is ``c ? a : b`` at the top level."""
    depth, q = 0, -1
    for j, ch in enumerate(e):
        depth += (ch in "([{") - (ch in ")]}")
        if ch == "?" and depth == 0:
            q = j
            break
    if q < 0:
        return None
    depth, nest = 0, 0
    for k in range(q + 1, len(e)):
        ch = e[k]
        depth += (ch in "([{") - (ch in ")]}")
        if depth == 0 and ch == "?":
            nest += 1
        elif depth == 0 and ch == ":" and e[k - 1] != ":" and e[k + 1:k + 2] != ":":
            if nest == 0:
                return e[q + 1:k], e[k + 1:]
            nest -= 1
    return None


def _in_parens(code: str, at: int) -> bool:
    """Is ``at`` inside parentheses (a parameter list; a ``for`` header's declarations are not)?"""
    depth = 0
    for j in range(at - 1, -1, -1):
        ch = code[j]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                return ch == "(" and not re.search(r"\bfor\s*$", code[:j])
            depth -= 1
    return False


def _in_brace_list(code: str, at: int) -> bool:
    """Is ``at`` an item of a ``{...}`` initialiser list (``void* args[] = {&p, &n}``: read, not written)?"""
    depth = 0
    for j in range(at - 1, -1, -1):
        ch = code[j]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                return ch == "{" and re.search(r"=\s*$", code[:j]) is not None
            depth -= 1
        elif ch == ";" and depth == 0:
            return False
    return False


class Member(NamedTuple):
    """A struct's data member: ``ptr`` when its type (or its array's element type) is a pointer,
    ``size`` the text of its array bound (``None``: not an array), ``type`` the text before its name."""

    name: str
    ptr: bool
    default: str
    size: str | None
    type: str


def _struct_members(code: str) -> dict[str, list[Member]]:
    """For each struct or class: its data members in order."""
    out: dict[str, list[Member]] = {}
    for m in _STRUCT.finditer(code):
        end = _close(code, m.end() - 1)
        body = code[m.end():end] if end != -1 else ""
        members = []
        for stmt in re.split(r";", re.sub(r"\{[^{}]*\}", ";", body)):
            if "(" in stmt or not stmt.strip():
                continue
            base = ""
            for decl in _split(stmt):
                d = re.match(r"\s*(.*?)([A-Za-z_]\w*)\s*(?:\[([^\]]*)\])?\s*(?:=\s*(.*))?$", decl, re.S)
                if d and not re.search(r"\b(?:public|private|protected|static|using|typedef)\b", d.group(1)):
                    base = base or d.group(1)  # `Inner a, b;`: b's type is the first declarator's
                    before = re.split(r"\b" + d.group(2) + r"\b", stmt)[0]
                    members.append(Member(d.group(2), "*" in d.group(1) or "*" in before, (d.group(4) or "").strip(),
                                          d.group(3), base))
        out[m.group(1)] = members
    return out


def kernel_params(code: str) -> dict[str, list[tuple[str, bool]]]:
    """Each kernel's parameters as (type text, is a template type parameter)."""
    out: dict[str, list[tuple[str, bool]]] = {}
    for m in _GLOBAL_SIG.finditer(code):
        start = code.rfind("__global__", 0, m.end())
        head = code[max(code.rfind(c, 0, start) for c in ";}") + 1:start].strip()
        tm = _TEMPLATE.search(head)
        tparams = set(re.findall(r"(?:class|typename)\s+([A-Za-z_]\w*)", tm.group(1))) if tm else set()
        params = []
        for p in _split(code[m.end():_close(code, m.end() - 1)]):
            ptype = re.sub(r"[A-Za-z_]\w*\s*(?:\[[^\]]*\]\s*)?(?:=.*)?$", "", p.strip(), flags=re.S)
            params.append((ptype or p, bool(set(re.findall(r"[A-Za-z_]\w*", ptype)) & tparams)))
        out.setdefault(m.group(1), params)
    return out
