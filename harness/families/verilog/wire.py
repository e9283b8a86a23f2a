"""Byte budgets for the records a Verilog sandbox job sends back (docs/integrity.md, "Verilog").

A job's records travel as JSON lines on a stdout the sandbox caps in bytes (``Limits.output_bytes``,
256 KiB by default; past it only a head and a tail are kept, and a record cut in the middle is
lost). Logs quote what the candidate wrote, and JSON (``ensure_ascii``) spends up to 12 bytes on
one character (an astral one: two ``\\uXXXX`` escapes), so a cap counted in characters is no
bound. :func:`fit_record` bounds a record's *encoded* size by cutting its diagnostic text (logs,
reasons, tails), never the fields a verdict is read from; each job gives every stage a budget,
and the budgets sum to well under the cap.
"""
from __future__ import annotations

import json
from typing import Any

#: Encoded bytes per stage record; together under 256 KiB (the default output cap).
BUDGETS = {"integrity": 120 * 1024, "syntax": 40 * 1024, "lint": 12 * 1024, "function": 48 * 1024}
#: The fields a record may lose text from (diagnostics only), in ``data`` or at the top level.
TRIMMABLE = ("log", "tail", "warnings", "reason")
_CUT = "\n...[cut]...\n"


def size(value: Any) -> int:
    """Bytes of ``value`` as a job sends it (``json.dumps``, ASCII-escaped)."""
    return len(json.dumps(value))


def fit_text(text: str, nbytes: int) -> str:
    """``text``, or its head and tail around a cut mark, whose JSON takes at most ``nbytes``."""
    if size(text) <= nbytes:
        return text
    lo, hi = 0, len(text)  # the most characters kept (half head, half tail) that fit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if size(text[: mid // 2] + _CUT + text[len(text) - (mid - mid // 2):]) <= nbytes:
            lo = mid
        else:
            hi = mid - 1
    return text[: lo // 2] + _CUT + text[len(text) - (lo - lo // 2):] if lo else _CUT.strip()


def fit_record(record: dict[str, Any], budget: int | None = None) -> dict[str, Any]:
    """``record`` with its diagnostic text cut until its JSON takes at most ``budget`` bytes
    (default: its stage's entry in :data:`BUDGETS`). Other fields are left whole."""
    budget = budget if budget is not None else BUDGETS.get(str(record.get("stage")), 48 * 1024)
    found = record.get("data")
    data: dict[str, Any] = found if isinstance(found, dict) else {}
    holders: tuple[dict[str, Any], ...] = (record, data)
    while (excess := size(record) - budget) > 0:
        fields = [(size(holder[key]), holder, key) for holder in holders for key in TRIMMABLE
                  if isinstance(holder.get(key), str) and size(holder[key]) > 64]
        if not fields:
            break
        length, holder, key = max(fields, key=lambda f: f[0])
        holder[key] = fit_text(holder[key], max(64, length - excess - 16))
    return record
