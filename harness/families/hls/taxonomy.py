"""Bug-type codes (Chrysalis-HLS names) and their one-line definitions, per suite."""
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

#: The Chrysalis-HLS dataset's own definitions of its codes (the dataset README, "Bug Type
#: Specification"), used for the ``chrysalis-hls`` suite. Several codes mean something else
#: there than in :data:`BUG_TYPES` (e.g. ``ZERO``, ``BUF``, ``MLU``); each suite's prompt lists the
#: definitions its labels follow.
CHRYSALIS_TYPES: dict[str, str] = {
    "OOB": "out-of-bounds array access",
    "INIT": "read of uninitialized variable",
    "SHFT": "bit shift by an out-of-bounds amount",
    "INF": "an infinite loop arising from an incorrect loop termination",
    "USE": "unintended sign extension",
    "MLU": "errors in manual loop unrolling (an iteration omitted)",
    "ZERO": "variable initialized to zero instead of a nonzero initializer",
    "BUF": "copying from the wrong half of a split buffer",
    "APT": "array partition type error for the pragma '#pragma HLS array_partition'",
    "FND": "factor not divisible for the pragma '#pragma HLS array_partition'",
    "DID": "dim: incorrect dimension for the pragma '#pragma HLS array_partition'",
    "DFP": "dataflow position error for the pragma '#pragma HLS dataflow'",
    "IDAP": "incorrect data access pattern for the pragma '#pragma HLS interface'",
    "RAMB": "m_axi interface accessed randomly in the code, resulting in non-burst AXI read/write, "
            "for the pragma '#pragma HLS interface'",
    "SMA": "scalar values mapped to array interfaces like bram/ap_memory/m_axi/ap_fifo/axis for the pragma "
           "'#pragma HLS interface'",
    "AMS": "array value mapped to scalar interfaces like ap_none/ap_vld/s_axilite for the pragma "
           "'#pragma HLS interface'",
    "MLP": "multi-level pipelining for the pragma '#pragma HLS pipeline'",
    "ILNU": "inner loops not fully unrolled for the pragma '#pragma HLS unroll'",
}

#: Chrysalis codes that :data:`BUG_TYPES` lacks (directive misuse), with the dataset's definitions.
EXTRA_TYPES: dict[str, str] = {k: v for k, v in CHRYSALIS_TYPES.items() if k not in BUG_TYPES}

_ALIASES: dict[str, str] = {
    "OUT_OF_BOUNDS": "OOB", "OUTOFBOUNDS": "OOB", "INDEX": "OOB", "BOUNDS": "OOB",
    "UNINITIALIZED": "INIT", "UNINITIALISED": "INIT", "INITIALIZATION": "INIT", "INITIALISATION": "INIT",
    "SHIFT": "SHFT", "INFINITE": "INF", "INFINITE_LOOP": "INF", "NONTERMINATING": "INF",
    "SIGN": "USE", "WIDTH": "USE", "TYPE": "USE", "LOOP_BOUND": "MLU", "LOOP": "MLU",
    "DIVISION": "ZERO", "DIV": "ZERO", "DIVIDE_BY_ZERO": "ZERO", "BUFFER": "BUF",
    "OPERATOR": "OP", "CONSTANT": "CONST", "DIVISION_BY_ZERO": "ZERO", "UNINITIALISED_VARIABLE": "INIT",
}


def all_types() -> dict[str, str]:
    return {**BUG_TYPES, **EXTRA_TYPES}


_FILLER = frozenset({"OR", "AND", "A", "AN", "THE", "OF", "TO"})


def _words_key(text: str) -> str:
    """A spelling-free key of a type description: upper case, words split at anything but letters
    and digits, filler words (or, and, a, the, of, to) dropped, each word singular (a final S off a
    word of four letters or more, not SS) and British (IZ read as IS): "Sign/width misuses",
    "sign or width misuse" and "SIGN-OR-WIDTH MISUSE" share one key."""
    words = []
    for word in "".join(c if c.isalnum() else " " for c in text.upper()).split():
        if word in _FILLER:
            continue
        if len(word) >= 4 and word.endswith("S") and not word.endswith("SS"):
            word = word[:-1]
        words.append(word.replace("IZ", "IS"))
    return "_".join(words)


def _description_codes() -> dict[str, str]:
    """Each code's short description as a prompt shows it (the text before its parenthesis, of
    :data:`BUG_TYPES` and :data:`CHRYSALIS_TYPES`), and the whole description, by
    :func:`_words_key`. A key two codes share (none today) is left out."""
    found: dict[str, set[str]] = {}
    for table in (BUG_TYPES, CHRYSALIS_TYPES):
        for code, text in table.items():
            for form in (text.split(" (")[0], text):
                found.setdefault(_words_key(form), set()).add(code)
    return {key: next(iter(codes)) for key, codes in found.items() if key and len(codes) == 1}


#: The prompts' descriptions of the codes (honest round 15: "wrong shift", "buffer misuse", "sign
#: or width misuse"... were not read as their codes).
DESCRIPTIONS: dict[str, str] = _description_codes()


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
    raw = str(value).strip()
    for form in (raw.split("(")[0], raw):  # a description, with or without its parenthesis
        key = _words_key(form)  # also a code in quotes or markdown: `USE`, **BUF**, "OP"
        if key in BUG_TYPES or key in EXTRA_TYPES:
            return key
        if key in DESCRIPTIONS:
            return DESCRIPTIONS[key]
        if key in _ALIASES:
            return _ALIASES[key]
    return head
