"""Inside the sandbox, before any of the candidate runs: see the candidate as the compiler sees it.

The candidate's raw file goes through Icarus's preprocessor (``ivlpp``, called the way
``iverilog`` calls it, or ``iverilog -E`` where ``ivlpp`` is not found), comments are blanked,
and the result is checked against the allowlists of
:mod:`harness.families.verilog.integrity`. Only that checked text is written where the build
reads the design, so what was scanned is exactly what is compiled (and later synthesised).
A file read during preprocessing other than the candidate's own (an `` `include ``, even one a
macro builds) is rule ``include``. Cost: one ``ivlpp`` process (about 10 ms) and a token scan;
an answer without a single backtick skips the call (the preprocessor acts only on backticks,
and the build's own pass over the checked text then changes nothing either).
"""
from __future__ import annotations

import functools
import json
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harness.families.verilog.integrity import prune_unused, scan
from harness.families.verilog.lexer import blank_comments, mask_comments

#: What the integrity scan (a pure function of the answer's text) may raise on text it cannot
#: follow: the answer is ``rejected`` (rule ``unparsed``, or ``too_complex`` for its nesting or
#: size), never ``infra_error``, which would drop the sample from pass@k (red team 12 R2: a
#: definition keyword as the answer's last token raised IndexError and the wrong answer was excluded).
UNREADABLE: tuple[type[BaseException], ...] = (RecursionError, MemoryError, IndexError, KeyError, ValueError,
                                               OverflowError, UnicodeError)
#: The largest preprocessed candidate accepted (a macro that expands without bound is rejected).
MAX_PREPROCESSED = 2 * 1024 * 1024
#: The compiled text travels back to the harness (for synthesis) when its JSON is at most this long.
RETURN_CAP = 96 * 1024


@functools.cache
def ivl_dir() -> Path | None:
    """Icarus's library folder (``ivlpp``, ``include/``), found beside the ``iverilog`` on PATH."""
    found = shutil.which("iverilog")
    if found is None:
        return None
    prefix = Path(found).resolve().parent.parent
    for cand in (prefix / "lib" / "ivl", *sorted(prefix.glob("lib/*/ivl")), prefix / "lib64" / "ivl"):
        if (cand / "ivlpp").is_file():
            return cand
    return None


def preprocess_command(src: str, out: str, deps: str, config: str) -> tuple[list[str], str | None]:
    """The preprocessor call ``iverilog -E -M<deps>`` makes, and its config text (None: use iverilog)."""
    base = ivl_dir()
    if base is None:
        return ["iverilog", "-E", f"-M{deps}", "-o", out, src], None
    # What iverilog's driver writes for a build without -D/-I (see `iverilog -v`).
    text = f"D:__ICARUS__=1\nMa:{deps}\nI:{base / 'include'}\nrelative include:false\n"
    return [str(base / "ivlpp"), f"-F{config}", "-o", out, src], text


def _record(status: str, t0: float, reason: str = "", rule: str | None = None, **data: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {"stage": "integrity", "status": status, "wall_s": time.monotonic() - t0,
                           "reason": reason, "data": data}
    if rule:
        rec["rule"] = rule
    return rec


def _preprocess(raw: str, timeout_s: float, t0: float) -> tuple[str, str] | dict[str, Any]:
    """(preprocessed text, warnings), or the ``integrity`` record that ends the check."""
    out, deps, config = Path("hweval-pp.out"), Path("hweval-pp.deps"), Path("hweval-pp.cfg")
    for path in (out, deps):
        path.unlink(missing_ok=True)
    cmd, text = preprocess_command(raw, str(out), str(deps), str(config))
    if text is not None:
        config.write_text(text)
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s,
                              start_new_session=True)
    except FileNotFoundError as exc:
        return _record("infra_error", t0, f"Icarus Verilog's preprocessor is missing: {exc}")
    except subprocess.TimeoutExpired:
        return _record("timeout", t0, f"preprocessing ran past {timeout_s:g} s")
    log = proc.stderr.decode(errors="replace")[-4000:]
    if proc.returncode != 0 or not out.is_file():
        return _record("syntax_error", t0, "preprocessing failed\n" + log)
    read = [ln.strip() for ln in deps.read_text(errors="replace").splitlines() if ln.strip()] \
        if deps.is_file() else []
    if any(Path(name).resolve() != Path(raw).resolve() for name in read):
        return _record("rejected", t0, "preprocessing read a file besides the answer (`include; candidates "
                       "must be self-contained)", rule="include")
    if out.stat().st_size > MAX_PREPROCESSED:
        return _record("rejected", t0, f"the preprocessed answer is over {MAX_PREPROCESSED // 1024} KiB",
                       rule="size")
    return out.read_text(errors="replace"), log


_MACRO_DIRECTIVES = ("`define", "`undef", "`ifdef", "`ifndef", "`elsif", "`else", "`endif")


def define_lines(text: str) -> str:
    """The macro directives of a trusted file, in order, with the conditionals around them and
    continuation lines kept: what an answer compiled after it sees (a CVDP context file of macros,
    honest11 F5; a macro defined under `` `ifdef `` takes the branch the preprocessor takes, 11b F9)."""
    out, keep = [], False
    for line in text.splitlines():
        if keep or line.lstrip().startswith(_MACRO_DIRECTIVES):
            out.append(line)
            keep = line.rstrip().endswith("\\")
    return "".join(f"{line}\n" for line in out)


def _with_defines(raw: str, defines: str, timeout_s: float, t0: float) -> tuple[str, str] | dict[str, Any]:
    """Preprocess ``raw`` after the trusted ``defines``; only the answer's part of the output is kept."""
    cut = f"hweval_defines_end_{secrets.token_hex(8)}"
    joined = Path("hweval-pp-in.v")
    joined.write_text(f"{defines}\n{cut}\n{Path(raw).read_text(errors='replace')}")
    done = _preprocess(str(joined), timeout_s, t0)
    if isinstance(done, dict):
        return done
    text, log = done
    head, found, tail = text.partition(cut)
    if not found or cut in tail:
        return _record("infra_error", t0, "the preprocessed answer lost the end of the context's defines")
    return tail.split("\n", 1)[1] if "\n" in tail else "", log


def check_candidate(raw: str, compiled: str, roots: Iterable[str] = (), timeout_s: float = 10.0,
                    defines: str = "") -> dict[str, Any]:
    """Preprocess ``raw``, scan it, write the checked text to ``compiled``; an ``integrity`` record.

    ``roots``: the modules the build elaborates from the answer; modules nothing reachable from
    them names are dropped before the scan (an answer's own testbench). ``defines``: trusted
    `` `define `` lines in force before the answer (:func:`define_lines`). Status ``pass``
    (``compiled`` written), ``rejected`` (rule named), ``syntax_error`` (the preprocessor
    refused the text), ``timeout`` or ``infra_error``.
    """
    t0 = time.monotonic()
    text = Path(raw).read_text(errors="replace")
    if "```" in mask_comments(text):
        return _record("syntax_error", t0, "a Markdown code fence (```) inside the code")
    if "`" in text:  # without a backtick the preprocessor has nothing to do: skip the call
        done = _with_defines(raw, defines, timeout_s, t0) if defines.strip() else _preprocess(raw, timeout_s, t0)
        if isinstance(done, dict):
            return done
        text, log = done
    else:
        log = ""
    try:
        source, dropped = prune_unused(blank_comments(text), set(roots))
        found = scan(source, preprocessed=True)
    except UNREADABLE as exc:  # the scan is a pure function of the answer's text: fail closed
        rule = "too_complex" if isinstance(exc, RecursionError | MemoryError) else "unparsed"
        return _record("rejected", t0, f"the integrity scan could not read the answer ({type(exc).__name__}: "
                                       f"{str(exc)[:200]})", rule=rule)
    if found:
        return _record("rejected", t0, "; ".join(detail for _, detail in found), rule=found[0][0])
    Path(compiled).write_text(source)
    # the record travels as JSON on a capped stdout: measure it as it will be sent
    data: dict[str, Any] = {"compiled": source} if len(json.dumps(source)) <= RETURN_CAP else {}
    if log.strip():
        data["warnings"] = log
    if dropped:
        data["unused_modules"] = dropped
    return _record("pass", t0, **data)
