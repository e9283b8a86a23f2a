"""Bug-type codes (Chrysalis-HLS names) and their one-line definitions."""
from __future__ import annotations

#: The types the mutation operators inject, in a fixed order.
BUG_TYPES: dict[str, str] = {
    "OOB": "out-of-bounds array index (an access past either end of an array)",
    "INIT": "missing initialisation (a variable or buffer is read before it is given a value)",
    "SHFT": "wrong shift (wrong direction or amount of a << or >> shift)",
    "INF": "non-terminating loop (a loop condition or update that never lets the loop end)",
    "USE": "sign or width misuse (signed/unsigned mix-up, or a type too narrow for its values)",
    "MLU": "wrong loop bound (a loop runs too few or too many iterations, staying in bounds)",
    "ZERO": "division or zero handling (a missing or wrong guard for a zero divisor or zero value)",
    "BUF": "buffer misuse (shift register, line buffer or state updated in the wrong order or slot)",
    "OP": "operator swap (a wrong arithmetic, logical, bitwise or comparison operator)",
    "CONST": "constant swap (a wrong literal: coefficient, mask, polynomial, limit)",
}

#: Further codes that appear in the Chrysalis-HLS dataset (mostly directive misuse).
EXTRA_TYPES: dict[str, str] = {
    "ILNU": "Chrysalis code: incorrect loop unrolling directive",
    "MLP": "Chrysalis code: misused loop pipelining directive",
    "DFP": "Chrysalis code: misused dataflow directive",
    "SMA": "Chrysalis code: wrong memory/array interface directive",
    "AMS": "Chrysalis code: wrong interface mode directive",
    "IDAP": "Chrysalis code: wrong array partitioning directive",
    "RAMB": "Chrysalis code: wrong RAM binding/resource directive",
    "APT": "Chrysalis code: wrong array partition type",
    "FND": "Chrysalis code: function directive misuse",
    "DID": "Chrysalis code: wrong dependence directive",
}

_ALIASES: dict[str, str] = {
    "OUT_OF_BOUNDS": "OOB", "OUTOFBOUNDS": "OOB", "INDEX": "OOB", "BOUNDS": "OOB",
    "UNINITIALIZED": "INIT", "UNINITIALISED": "INIT", "INITIALIZATION": "INIT", "INITIALISATION": "INIT",
    "SHIFT": "SHFT", "INFINITE": "INF", "INFINITE_LOOP": "INF", "NONTERMINATING": "INF",
    "SIGN": "USE", "WIDTH": "USE", "TYPE": "USE", "LOOP_BOUND": "MLU", "LOOP": "MLU",
    "DIVISION": "ZERO", "DIV": "ZERO", "DIVIDE_BY_ZERO": "ZERO", "BUFFER": "BUF",
    "OPERATOR": "OP", "CONSTANT": "CONST",
}


def all_types() -> dict[str, str]:
    return {**BUG_TYPES, **EXTRA_TYPES}


def normalize_type(value: object) -> str | None:
    """A known code for a model's type string (case and common spellings forgiven), else its
    upper-cased form, or None when empty."""
    if value is None:
        return None
    text = str(value).strip().upper().replace("-", "_").replace(" ", "_")
    if not text:
        return None
    head = text.split("(")[0].strip("_ .:")
    if head in BUG_TYPES or head in EXTRA_TYPES:
        return head
    if head in _ALIASES:
        return _ALIASES[head]
    for code in (*BUG_TYPES, *EXTRA_TYPES):
        if head.startswith(code + "_") or head.startswith(code + ":"):
            return code
    return head
