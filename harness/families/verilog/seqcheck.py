"""Which sequential cells an answer's area and depth may be scored with: ordinary registers only.

``ltp -noff`` stops at every flip-flop and latch, and ``stat`` prices a cell by its type, whatever
drives it. So a flip-flop wired as a transparent element (clocked on one edge of a carry, set or
reset on the other: it follows the carry at once), a flip-flop on an edge the reference never uses
(a half-cycle stage given half the period), or a latch opened by a zero-width pulse (``clk & ~q``)
passes the tests and scores a shorter path or a smaller area than any register design could (red
team 10a S1, 11a S6, S7, S12).

After synthesis yosys writes the sequential cells with the buffers and inverters
(``SEQ_SCRIPT``, ``seq.json``), and :func:`clocking` reads, for each flip-flop, what drives its
clock and its asynchronous set/reset/load pins, followed back through ``$_BUF_``/``$_NOT_`` cells (an
inverter flips the edge; a buffer or an inverter adds no pulse and no data dependence). A pin
whose driver is a module input port (or a constant) is ordinary; anything else is of a kind
(:func:`_kinds`): a clock or an asynchronous pin driven by a flip-flop's output (that flip-flop
ordinary itself, or not), by logic (a gate), or a port that both clocks and sets or resets. The
design's clocks are the (port, edge) pairs of its flip-flops.

:func:`irregular` then compares an answer with its reference. The answer's cells are ordinary when
each kind it has is one the reference has too and may share (:func:`shareable`: a divider chain,
a reset synchroniser, set and reset together; never a clock made in logic or a port that clocks
and resets: honest answers 11b F5, O1), every (clock port, edge) is one the reference's
flip-flops use, and it has no latch (or other sequential cell type) the reference lacks, and its
netlist has no more combinational loops than the reference's (yosys ``scc`` after synthesis: a
``$_MUX_`` fed back on itself holds a value like a latch, priced as a mux and invisible to
``ltp``; red team 11c S2). Kinds are compared one by one: a flip-flop whose asynchronous reset
comes from a flip-flop that is itself reset so (a gate in zero time per step of the chain) is
another kind than a reset synchroniser's output.
Otherwise area, cells and depth are withheld (the verdict stands), with the reason in the synth stage. Inside a trusted wrapper
the ports are those of the answer's modules (each per-parameter-set module is read; the wrapper's
own cells are not).
"""
from __future__ import annotations

import json
import re
from typing import Any

SEQ_FILE = "seq.json"
#: a longer ``seq.json`` is not brought back (its scores are withheld); yosys writes about 550
#: characters per flip-flop: ``inflate_fixed``'s reference, 32,900 flip-flops, wrote 18.4 MB
SEQ_MAX_CHARS = 64_000_000
#: the attribute ``scc`` gives each cell of a combinational loop (its value: the loop's number)
LOOP_ATTR = "hweval_loop"
#: after ``stat``/``ltp`` (and the netlist): the cells of combinational loops marked, then every
#: cell but the sequential ones, buffers, inverters and loop cells removed (``keep`` so that
#: ``opt_clean`` leaves a flip-flop whose output went to a removed gate), the rest written as JSON
SEQ_SCRIPT = (
    f"scc -set_attr {LOOP_ATTR} {{}}",
    rf"select -set hweval_seq t:$_*DFF* t:$_DLATCH* t:$_SR_* t:$_FF_ t:$_BUF_ t:$_NOT_ a:{LOOP_ATTR}",
    "setattr -set keep 1 @hweval_seq",
    "delete c:* @hweval_seq %d",
    "opt_clean",
    f"write_json {SEQ_FILE}",
)
#: yosys's combinational generic cells; every other primitive is sequential
COMBINATIONAL = frozenset({
    "$_BUF_", "$_NOT_", "$_AND_", "$_NAND_", "$_OR_", "$_NOR_", "$_XOR_", "$_XNOR_", "$_ANDNOT_",
    "$_ORNOT_", "$_MUX_", "$_NMUX_", "$_MUX4_", "$_MUX8_", "$_MUX16_", "$_AOI3_", "$_OAI3_",
    "$_AOI4_", "$_OAI4_", "$_TBUF_",
})
#: verification cells (an immediate ``assert`` in an ``always`` block becomes ``$assert``): no state, no
#: hardware, so not a sequential cell the reference lacks (honest answers 11b F10)
FORMAL = frozenset({"$assert", "$assume", "$cover", "$live", "$fair", "$check", "$print", "$scopeinfo"})
_FF = re.compile(r"\$_(DFF|DFFE|SDFF|SDFFE|SDFFCE|ALDFF|ALDFFE|DFFSR|DFFSRE)_([NP01]+)_")
_LATCH = ("$_DLATCH", "$_SR_")
_MAX_NOTES = 6


def _async_pins(kind: str, code: str) -> tuple[str, ...]:
    """The asynchronous control pins of a flip-flop type (``$_DFF_PN0_``: ``R``; ``$_SDFF*``: none,
    its reset is synchronous, a data input)."""
    if kind in ("DFF", "DFFE") and len(code) >= 3:
        return ("R",)
    if kind.startswith("DFFSR"):
        return ("S", "R")
    if kind.startswith("ALDFF"):
        return ("L",)
    return ()


def _root(bit: Any, drivers: dict[int, tuple[Any, bool]], ports: dict[int, str],
          outputs: dict[int, str]) -> tuple[str | None, bool, str]:
    """The input port (``name`` or ``name[i]``), constant (``'0'``...) or flip-flop (its cell name,
    ``outputs``: Q bit to cell) behind ``bit`` through buffers and inverters, whether an odd number
    of inverters lies between, and which of ``port``, ``const``, ``ff`` or ``logic`` (None) it is."""
    inverted = False
    for _ in range(256):
        if isinstance(bit, str):
            return f"'{bit}'", inverted, "const"
        if bit in ports:
            return ports[bit], inverted, "port"
        if bit in outputs:
            return outputs[bit], inverted, "ff"
        if bit not in drivers:
            return None, inverted, "logic"
        bit, inv = drivers[bit]
        inverted ^= inv
    return None, inverted, "logic"


def _roots(cells: dict[str, Any], drivers: dict[int, tuple[Any, bool]],
           ports: dict[int, str]) -> dict[str, tuple[re.Match[str], dict[str, tuple[str | None, bool, str]]]]:
    """For each flip-flop: its type's match and the root (:func:`_root`) of its clock (``C``) and
    asynchronous pins."""
    ffs = {name: (m, c.get("connections") or {}) for name, c in cells.items() if (m := _FF.fullmatch(str(c.get("type"))))}
    outputs = {(conn.get("Q") or ["x"])[0]: name for name, (_, conn) in ffs.items()}
    return {name: (m, {pin: _root((conn.get(pin) or ["x"])[0], drivers, ports, outputs)
                       for pin in ("C", *_async_pins(m.group(1), m.group(2)))}) for name, (m, conn) in ffs.items()}


def _kinds(roots: dict[str, tuple[re.Match[str], dict[str, tuple[str | None, bool, str]]]],
           clocks: set[str]) -> list[tuple[str, str]]:
    """(kind, note) for each clock or asynchronous pin of a flip-flop that is not ordinary (a port's,
    or a constant's for an asynchronous pin, not the port that clocks it); ``clocks`` gets each
    ordinary (``port:edge``). A flip-flop's output is ``ordinary`` when that flip-flop is."""
    plain = {name for name, (_, pins) in roots.items()
             if all(what == "port" or (what == "const" and pin != "C") for pin, (_, _, what) in pins.items())
             and not any(pins[pin][::2] == pins["C"][::2] for pin in pins if pin != "C")}
    out = []
    for name, (m, pins) in roots.items():
        family = m.group(1).rstrip("E")  # DFFE: DFF, DFFSRE: DFFSR, ALDFFE: ALDFF
        for pin, (src, inv, what) in pins.items():
            if what == "ff":
                where = "a flip-flop's output" if src in plain else "the output of a flip-flop that is not ordinary"
            elif what == "logic":
                where = "logic"
            elif pin == "C":
                clocks.add(f"{src}:{'posedge' if (m.group(2)[0] == 'P') != inv else 'negedge'}")
                continue
            elif what == "port" and (src, what) == pins["C"][::2]:
                kind = f"clocked and asynchronously {pin}-driven by the same port {src}"
                out.append((kind, f"{m.group(0)} {kind}"))
                continue
            else:
                continue
            tail = f"clocked by {where}" if pin == "C" else f"asynchronous {pin} pin driven by {where}"
            out.append((tail if pin == "C" else f"{family} {tail}", f"{m.group(0)} {'' if pin == 'C' else 'with its '}{tail}"))
    return out


def _module(mod: dict[str, Any]) -> tuple[set[str], list[tuple[str, str]], int]:
    """The clocks (``port:posedge``) of one netlist module, (kind, note) of what is not ordinary in
    it, and how many combinational loops it has."""
    ports: dict[int, str] = {}
    for name, port in (mod.get("ports") or {}).items():
        if port.get("direction") == "input":
            bits = port.get("bits") or []
            for i, b in enumerate(bits):
                if isinstance(b, int):
                    ports[b] = name if len(bits) == 1 else f"{name}[{i}]"
    cells = mod.get("cells") or {}
    loops = {str((c.get("attributes") or {})[LOOP_ATTR]) for c in cells.values()
             if LOOP_ATTR in (c.get("attributes") or {})}
    drivers = {c["connections"]["Y"][0]: (c["connections"]["A"][0], c["type"] == "$_NOT_")
               for c in cells.values() if c.get("type") in ("$_BUF_", "$_NOT_")}
    clocks: set[str] = set()
    notes = _kinds(_roots(cells, drivers, ports), clocks)
    return clocks, notes, len(loops)


def clocking(json_text: str, skip: str = "") -> dict[str, Any]:
    """From ``seq.json``: ``clocks`` (sorted ``port:edge``), ``irregular`` (what is not ordinary, a
    few examples), ``n_irregular``, ``kinds`` (``{kind: [count, example]}``) and ``loops``
    (combinational loops); the module ``skip`` (a trusted wrapper) is not read. An unreadable file
    gives ``{"error": ...}``."""
    try:
        mods = json.loads(json_text).get("modules") or {}
    except (json.JSONDecodeError, AttributeError) as exc:
        return {"error": f"unreadable {SEQ_FILE}: {exc}"}
    clocks: set[str] = set()
    notes: list[tuple[str, str]] = []
    loops = 0
    for name, mod in mods.items():
        if name.lstrip("\\") == skip.lstrip("\\") and skip:
            continue
        c, n, k = _module(mod)
        clocks |= c
        notes += n
        loops += k
    kinds: dict[str, list[Any]] = {}
    for kind, note in notes:
        kinds.setdefault(kind, [0, note])[0] += 1
    uniq = sorted({note for _, note in notes})
    return {"clocks": sorted(clocks), "irregular": uniq[:_MAX_NOTES], "n_irregular": len(notes), "kinds": kinds,
            "loops": loops}


def _sequential(by_type: dict[str, int]) -> set[str]:
    return {t for t in by_type if t not in COMBINATIONAL and t not in FORMAL and not _FF.fullmatch(t)}


def shareable(kind: str) -> bool:
    """Whether an answer may have a ``kind`` of storage its reference has too: a flip-flop clocked
    by a flip-flop's output (a divider chain), an asynchronous pin driven by a flip-flop's output (a
    reset synchroniser) or by logic (set and reset together, ``S = set & rst_n``); never a clock
    made in logic or a port that both clocks and sets or resets (red team 11a S7, S12)."""
    return not kind.startswith(("clocked by logic", "clocked and asynchronously"))


def irregular(cand_types: dict[str, int], cand_clocking: dict[str, Any],
              ref_types: dict[str, int] | None, ref_clocking: dict[str, Any] | None) -> str:
    """Why the answer's sequential cells are not ordinary against the reference's ('' when they
    are): the reason area, cells and depth are withheld."""
    if "error" in cand_clocking or not cand_clocking:
        return cand_clocking.get("error") or "sequential cells not read"
    ref_types = ref_types or {}
    if cand_clocking.get("n_irregular"):
        ref_kinds = {k for k in (ref_clocking or {}).get("kinds") or {} if shareable(k)}
        kinds = cand_clocking.get("kinds") or {}
        left = {k: v for k, v in kinds.items() if k not in ref_kinds}
        if left or not kinds:  # (a record without kinds: all of it)
            notes = [str(v[1]) for _, v in sorted(left.items())][:_MAX_NOTES] or cand_clocking["irregular"]
            count = sum(int(v[0]) for v in left.values()) or cand_clocking["n_irregular"]
            shared = " (the reference has the others)" if len(left) < len(kinds) else ""
            return "; ".join(notes) + (f" ({count} such pins or cells)" if count > 1 else "") + shared
    loops, ref_loops = int(cand_clocking.get("loops") or 0), int((ref_clocking or {}).get("loops") or 0)
    if loops > ref_loops:
        return f"{loops} combinational loop(s) in the netlist (the reference has {ref_loops})"
    ref_latch = any(t.startswith(_LATCH) for t in ref_types)
    extra = sorted(t for t in _sequential(cand_types)
                   if not (t.startswith(_LATCH) and ref_latch) and t not in ref_types)
    if extra:
        kind = "latches" if all(t.startswith(_LATCH) for t in extra) else "sequential cells"
        return f"{kind} ({', '.join(extra)}) the reference does not have"
    if ref_clocking is None:  # no synthesised reference: nothing to compare the edges with
        return ""
    edges = sorted(set(cand_clocking.get("clocks") or []) - set(ref_clocking.get("clocks") or []))
    if edges:
        return f"flip-flops on clock edges the reference does not use ({', '.join(edges)})"
    return ""
