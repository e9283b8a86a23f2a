"""Testbench sources prepared once per problem so that the one build of each candidate also
checks that the candidate reaches nothing but itself.

A candidate compiled beside a testbench and a reference model could instantiate the reference
(``RefModule``), call a testbench task by its simple name, or read ``tb.stats1.errors`` by an
upward reference: Icarus resolves all of these. Here every identifier of the trusted sources
is renamed with a suffix drawn at random per process (``_hw<16 hex>``), except the names the
testbench shares with the design: the keywords, the design's module name, its ports and
parameters (:func:`interface_names`), and names reached through a design instance. The
renaming is consistent, so the testbench means what it meant; but no name the candidate could
have written before the run refers to a trusted module, instance, block, task or function.
Such a candidate does not elaborate, and the compile log names what it tried to reach
(:func:`reach_rule`), which makes the verdict ``rejected``.

The verdict lines go to a channel only the testbench writes (:func:`route_verdicts`): the
simulator inherits a pipe as fd :data:`CHANNEL_FD`, and the testbench's verdict calls become
``$fdisplay($fopen("/proc/self/fd/9", "w"), ...)``. A candidate may not open files
(:mod:`harness.families.verilog.integrity`), so it can print, but never into that pipe; no
nonce is needed in any file.
"""
from __future__ import annotations

import functools
import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from harness.cache import key_of
from harness.families.verilog.extract import module_spans
from harness.families.verilog.keywords import KEEP_WORDS, TIME_UNITS
from harness.families.verilog.lexer import Token, tokenize
from harness.families.verilog.ports import Ports, one_way_inputs
from harness.families.verilog.reseed import reseed, with_seed

CHANNEL_FD = 9
CHANNEL_FILE = f"/proc/self/fd/{CHANNEL_FD}"
_MACRO_NAME_AFTER = {"`define", "`undef", "`ifdef", "`ifndef", "`elsif"}
_LINE_DIRECTIVES = {"`timescale", "`default_nettype", "`resetall", "`celldefine", "`endcelldefine", "`include",
                    "`line", "`pragma", "`begin_keywords", "`end_keywords", "`unconnected_drive",
                    "`nounconnected_drive"}
_PRINT_TO_FILE = {"$display": "$fdisplay", "$write": "$fwrite", "$strobe": "$fstrobe", "$monitor": "$fmonitor"}
_CALL = re.compile(r'\$(display|write|strobe|monitor)(\s*\(\s*)"((?:[^"\\\n]|\\.)*)"')
_PASS_TEXT = re.compile(r"your\s+design\s+passed", re.IGNORECASE)
_MISMATCHES = re.compile(r"^\s*Mismatches:")
WATCHDOG = "TIMEOUT"


@functools.cache
def suffix() -> str:
    """This process's suffix for trusted names (drawn once; no answer can know it in advance)."""
    return "_hw" + secrets.token_hex(8)


# -- what the testbench shares with the design ---------------------------------------------------
def interface_names(source: str, top: str) -> set[str]:
    """``top`` and the identifiers of its header (ports, parameters) in ``source``."""
    for name, start, end in module_spans(source):
        if name.lstrip("\\") != top:
            continue
        names = {top}
        depth = 0
        for tok in tokenize(source[start:end])[2:]:
            if tok.text in "([{":
                depth += 1
            elif tok.text in ")]}":
                depth -= 1
            elif tok.text == ";" and depth == 0:
                break
            elif tok.kind == "ident" and tok.text not in KEEP_WORDS:
                names.add(tok.text.lstrip("\\"))
        return names
    return {top}


def design_names(sources: Iterable[str], designs: set[str]) -> set[str]:
    """Names the testbench uses to talk to instances of ``designs``: ports and parameters named
    in connections (``.a(x)``, ``.a``, ``#(.W(8))``) and members reached through the instance."""
    from harness.families.verilog.tbeval import instantiations

    keep: set[str] = set()
    for src in sources:
        toks = tokenize(src)
        insts = {inst for mod, inst in instantiations(src) if mod in designs}
        for i, tok in enumerate(toks):
            if tok.kind == "ident" and tok.text in designs:
                keep |= _connection_names(toks, i)
            if tok.kind == "ident" and tok.text in insts and i + 2 < len(toks) and toks[i + 1].text == ".":
                j = i + 1
                while j + 1 < len(toks) and toks[j].text == "." and toks[j + 1].kind == "ident":
                    keep.add(toks[j + 1].text)
                    j += 2
    return keep


def _connection_names(toks: list[Token], i: int) -> set[str]:
    """``.name`` tokens from the instantiation starting at ``toks[i]`` up to its ``;``."""
    out: set[str] = set()
    depth = 0
    for j in range(i + 1, len(toks)):
        t = toks[j]
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        elif t.text == ";" and depth <= 0:
            break
        elif t.text == "." and depth == 1 and j + 1 < len(toks) and toks[j + 1].kind == "ident":
            out.add(toks[j + 1].text)
    return out


def modules_expected(sources: Iterable[str]) -> set[str]:
    """Modules the trusted sources instantiate but do not define: the design's."""
    from harness.families.verilog.tbeval import instantiations

    texts = list(sources)
    defined = {name.lstrip("\\") for src in texts for name, _, _ in module_spans(src)}
    return {mod for src in texts for mod, _ in instantiations(src)} - defined


# -- renaming ------------------------------------------------------------------------------------
def rename(source: str, keep: set[str], tag: str) -> tuple[str, set[str]]:
    """``source`` with every identifier outside ``keep`` renamed ``name + tag``; and those names.

    Left alone: keywords and built-in names, macro names, the arguments of line directives
    (`` `timescale 1 ps/1 ps ``), and time units right after a number (``10ns``).
    """
    toks = tokenize(source)
    out: list[str] = []
    renamed: set[str] = set()
    pos = 0
    skip_until = -1  # end of a line directive's line
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else None
        if tok.kind == "directive":
            if tok.text in _LINE_DIRECTIVES:
                end = source.find("\n", tok.end)
                skip_until = len(source) if end < 0 else end
            continue
        if tok.kind != "ident" or tok.start < skip_until or (prev is not None and prev.text in _MACRO_NAME_AFTER):
            continue
        name = tok.text[1:] if tok.text.startswith("\\") else tok.text
        if name in keep or name in KEEP_WORDS:
            continue
        if name in TIME_UNITS and prev is not None and prev.kind == "number" and prev.end == tok.start:
            continue
        out.append(source[pos:tok.end])
        out.append(tag)
        renamed.add(name)
        pos = tok.end
    out.append(source[pos:])
    return "".join(out), renamed


def route_verdicts(source: str, kind: str) -> tuple[str, int]:
    """``source`` with its verdict and watchdog prints sent to the channel; and how many verdict
    prints there are (``kind``: ``mismatches`` for VerilogEval, ``passline`` for RTLLM)."""
    from harness.families.verilog.lexer import mask_comments

    masked = mask_comments(source)
    edits: list[tuple[int, int, str]] = []
    verdicts = 0
    for m in _CALL.finditer(source):
        if masked[m.start()] != "$":  # inside a comment or a string
            continue
        text = m.group(3)
        is_verdict = bool(_MISMATCHES.match(text)) if kind == "mismatches" else bool(_PASS_TEXT.search(text))
        if not is_verdict and text.strip() != WATCHDOG:
            continue
        verdicts += is_verdict
        task = _PRINT_TO_FILE["$" + m.group(1)]
        edits.append((m.start(), m.end(2), f'{task}{m.group(2)}$fopen("{CHANNEL_FILE}", "w"), '))
    for start, end, text in reversed(edits):  # from the end, so earlier offsets hold
        source = source[:start] + text + source[end:]
    return source, verdicts


# -- per problem, once -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Prepared:
    """Trusted files as compiled, the renamed root module, and the trusted names (original)."""

    files: dict[str, str]
    root: str
    trusted: frozenset[str]
    tag: str
    designs: frozenset[str] = frozenset()  # the design's modules the trusted sources instantiate
    seeded: frozenset[str] = frozenset()  # files whose random calls draw from the run's seed

    def files_for_run(self, seed: int) -> dict[str, str]:
        """The files as one run compiles them: the run's seed in the reseeded ones."""
        return {name: with_seed(text, seed) if name in self.seeded else text for name, text in self.files.items()}


_CACHE: dict[str, Prepared] = {}
_LOCK = threading.Lock()


def prepare(files: dict[str, str], sources: Iterable[str], root: str, keep: Iterable[str],
            route: tuple[str, str] | None = None, ports: Mapping[str, Ports] | None = None,
            reseed_random: bool = False) -> Prepared:
    """``files`` with the trusted Verilog ``sources`` renamed (cached per process by content).

    ``keep``: names shared with the design beyond those found here (modules the sources
    instantiate but do not define, and the ports and parameters they connect by name, are kept
    anyway). ``route``: (file, verdict kind) whose verdict prints go to the channel. ``ports``:
    the design modules' ports (from the reference): connections to their inputs become one-way
    (:func:`harness.families.verilog.ports.one_way_inputs`). ``reseed_random``: unseeded
    ``$random``/``$urandom``/``$urandom_range`` calls draw from a seed each run sets
    (:mod:`harness.families.verilog.reseed`; :meth:`Prepared.files_for_run`).
    """
    sources, keep = tuple(sources), sorted(keep)
    directions = {k: [(str(n), str(d)) for n, d in v] for k, v in (ports or {}).items()}
    key = key_of(files, sources, root, keep, route, directions, reseed_random)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    texts = [files[name] for name in sources if name in files]
    designs = modules_expected(texts)
    shared = set(keep) | designs | design_names(texts, designs)
    tag = suffix()
    out = dict(files)
    trusted: set[str] = set()
    seeded: set[str] = set()
    for name in sources:
        if name not in files:
            continue
        text = files[name]
        if route is not None and name == route[0]:
            text, count = route_verdicts(text, route[1])
            if count == 0:
                raise ValueError(f"{name}: no verdict print to route")
        if directions:
            text = one_way_inputs(text, directions)
        if reseed_random:
            text, calls = reseed(text)
            if calls:
                seeded.add(name)
        out[name], names = rename(text, shared, tag)
        trusted |= names
    prepared = Prepared(files=out, root=root if root in shared else root + tag, trusted=frozenset(trusted), tag=tag,
                        designs=frozenset(designs), seeded=frozenset(seeded))
    with _LOCK:
        if len(_CACHE) > 1024:
            _CACHE.clear()
        _CACHE[key] = prepared
    return prepared


# -- naming what a failed build tried to reach -----------------------------------------------------
_UNRESOLVED = re.compile(
    r"Unknown module type: (?P<mod>\\?[\w$]+)"
    r"|Unable to bind (?:wire/reg/memory|parameter) `(?P<a>[^'\s]+)'"
    r"|unknown task ``(?P<b>[^'\s]+)''"
    r"|No function named `(?P<c>[^'\s]+)'"
    r"|Cannot find scope (?P<d>\S+)"
    r"|Could not find variable ``(?P<e>[^'\s]+)''"
    r"|event <(?P<f>[^>\s]+)> not found"
    r"|Scope of (?P<g>\S+?)\.? not found"
    r"|Unable to bind (?:\w+ )*`(?P<h>[^'\s]+)'"
    # Verilator 5 (the -S fallback=verilator build, or --simulator verilator)
    r"|Cannot find file containing module: '(?P<vmod>\\?[\w$]+)'"
    r"|Can't find (?:definition of )?[\w/ ]+: '(?P<v>[^'\s]+)'"  # ... of variable:, typedef/interface:
    r"|Can't find definition of '[^'\s]+' in dotted [\w/ ]+: '(?P<vdot>[^'\s]+)'"
    r"|In defparam, instance (?P<vdef>\S+) never declared"
    r"|(?:Import|Export) package not found: '(?P<vpkg>[^'\s]+)'"
    r"|Package/class for ':: reference' not found: '(?P<vscope>[^'\s]+)'")


def reach_rule(log: str, trusted: frozenset[str]) -> tuple[str, str] | None:
    """(rule, what) when the compile log shows the candidate naming a trusted module or scope."""
    for m in _UNRESOLVED.finditer(log):
        name = next(g for g in m.groups() if g)
        first = name.removeprefix("$root.").lstrip("\\").split(".")[0]
        if first in trusted:
            if m.group("mod") or m.group("vmod"):
                return "foreign_module", f"instantiates {first}, a module of the testbench or reference"
            return "hierarchical_reference", f"reaches {name}, which belongs to the testbench or reference"
    return None
