"""Scoring of HLS bug-finding answers: per item, then aggregated.

Per item: the detection outcome (``tp``/``fn`` on buggy items, ``tn``/``fp`` on controls,
``unanswered`` when a control gets no verdict; a verdict is the answer's ``buggy`` field, or
"buggy" where it names a line or type or changes the code, never "no bug" from unchanged code: a
buggy item with no verdict is ``fn`` and no fix is run, status ``no_code``), whether the named line lies in a bug's span,
whether the type matches (:func:`type_hit`: the type of the bug the line located, or of any bug
where it located none), and fix@exec: the answer's kernel file passes integrity checks and a
bounded diff, then compiles and passes the testbench under every build, starting with the build
that caught the bug (so its symptom must be gone). Only the kernel file of the answer is used.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import random
import re
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from harness.cache import code_digest
from harness.families.hls import integrity, scan
from harness.families.hls.answer import HlsAnswer
from harness.families.hls.csim import (
    BUILDS,
    COMPILE_TIMEOUT_S,
    KERNEL_FILE,
    CsimInfraError,
    Runner,
    ap_include_dir,
    compiler_version,
    csim,
    include_fingerprint,
)
from harness.families.hls.guard import GuardInfraError, compile_bases, inspect_fix
from harness.families.hls.integrity import FIX_MAX_CHANGED_LINES, changed_lines
from harness.families.hls.items import HlsItem
from harness.families.hls.sandboxed import sandbox_runner
from harness.families.hls.taxonomy import all_types
from harness.sandbox import safefs
from harness.sandbox.base import Limits, Sandbox

log = logging.getLogger(__name__)


@dataclass
class FixVerdict:
    status: str  # pass | fail | syntax_error | timeout | runtime_error | no_code | rejected | infra_error
    reason: str = ""
    changed: int | None = None
    builds: dict[str, str] = field(default_factory=dict)  # build -> status


@dataclass
class ItemScore:
    item_id: str
    buggy: bool
    predicted: bool | None
    detection: str  # tp | fn | tn | fp | unanswered
    line: int | None
    line_hit: bool | None  # None on controls
    true_types: list[str]
    predicted_type: str | None
    type_hit: bool | None  # None on controls
    fix: FixVerdict | None  # None where not applicable (controls, items without testbench)
    status: str  # the item's overall status (vocabulary above)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemScore:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["fix"] = FixVerdict(**data["fix"]) if data.get("fix") else None
        return cls(**fields)


def _runner_for(runner: Runner | None, sandbox: Sandbox | None, limits: Limits | None, include: Path | None,
                cache: Path | None) -> Runner | None:
    if runner is not None or sandbox is None:
        return runner
    inc = include or ap_include_dir()
    return sandbox_runner(sandbox, limits or Limits(), [inc, *([cache / "pch"] if cache else [])])


def check_text_rules(fix: str, original: str, *, macros_checked: bool = False) -> str | None:
    """The text rules of the gate (``guard.check_fix_text``); with ``macros_checked`` a
    ``#define``/``#undef`` before an ``#include`` is left to :func:`early_macros_rule`."""
    return (scan.check_text(fix, original, macros_checked=macros_checked) or integrity.check_fix(fix)
            or scan.check_raw_strings(fix))


#: The flags of the preprocessing that shows what the headers compile to: their tokens after
#: expansion and (``-dD``) every macro they define or undefine; without the working folder's
#: marker that ``-g1`` (the sanitize build) writes (the sandbox runs each command in a folder of its own).
_MACRO_PREPROCESS = ("-E", "-dD", "-fno-working-directory")
_FAMILY = Path(__file__).resolve().parent


def _preprocess_headers(runner: Runner, base: list[str], folder: Path) -> tuple[bool, list[str] | None]:
    """``(timed out, the header lines of kernel.cpp in folder preprocessed with base)`` (None
    where it does not preprocess)."""
    out = folder / "kernel.dd.ii"
    try:
        res = runner([*base, *_MACRO_PREPROCESS, KERNEL_FILE, "-o", out.name], folder, COMPILE_TIMEOUT_S, None)
    except CsimInfraError as exc:
        raise GuardInfraError(str(exc)) from exc
    lines = None
    if res.ok:
        try:
            with os.fdopen(safefs.open_regular(out), "rb") as f:
                lines = scan.header_lines(f.read().decode(errors="replace"))
        except OSError as exc:  # it preprocessed, so its output is there
            raise GuardInfraError(f"the preprocessed fix could not be read: {exc}") from exc
    out.unlink(missing_ok=True)
    return res.timed_out, lines


def early_macros_rule(fix: str, item: HlsItem, workdir: Path, *, runner: Runner, include: Path,
                      cxx: str = "g++", cache: Path | None = None) -> str | None:
    """The ``define`` rule for a ``#define``/``#undef`` before an ``#include`` (honest round 16:
    ``#define N 8`` above an added ``#include <algorithm>`` was refused outright): the fix is
    preprocessed (``-E -dD``, in the sandbox) with every build's kernel command as the gate and
    C-simulation run it, and so is its text with those directives blanked
    (:func:`scan.without_early_macros`); where the lines of the headers (their expanded tokens,
    the macros they define, the files they include, the predefined and command-line macros) differ
    in any build, a macro reaches a header and the fix is rejected, naming it. Identical header
    lines are the same header code compiled, so the macro only reaches the fix's own lines, which
    every other rule reads. None when the fix has no such directive or passes; GuardInfraError
    when the sandbox or a tool failed. Cached by content like the gate's verdicts."""
    early = scan.early_macros(fix)
    if not early:
        return None
    assert item.kernel_dir is not None
    try:
        bases, _ = compile_bases(include, cxx, cache)
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc
    headers = {h.name: h.read_bytes() for h in sorted(item.kernel_dir.glob("*.h"))}
    h = hashlib.sha256()
    parts: list[str | bytes] = ["macros-1", code_digest(_FAMILY), fix, json.dumps(bases), compiler_version(cxx),
                                include_fingerprint(include), *headers, *headers.values()]
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    key = h.hexdigest()
    path = cache / "macros" / key[:2] / f"{key}.json" if cache is not None else None
    if path is not None and path.is_file():
        return json.loads(path.read_text())["reason"]
    texts = {"fix": fix, "moved": scan.without_early_macros(fix)}
    reason: str | None = None
    folder = workdir / "macros"
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        safefs.make_folder(folder)  # written between sandboxed runs: never through a link left there
        for hname, data in headers.items():
            safefs.write_file(folder / hname, data)
    except OSError as exc:
        raise GuardInfraError(str(exc)) from exc
    for label, base in bases.items():
        seen: dict[str, list[str] | None] = {}
        for name, text in texts.items():
            try:
                safefs.write_file(folder / KERNEL_FILE, text.encode())
            except OSError as exc:
                raise GuardInfraError(str(exc)) from exc
            timed_out, seen[name] = _preprocess_headers(runner, base, folder)
            if timed_out:
                shutil.rmtree(workdir / "macros", ignore_errors=True)
                return f"compile-time: the fix did not preprocess within {COMPILE_TIMEOUT_S:g}s ({label} build)"
        if seen["fix"] is None:  # no preprocessing: C-simulation reports its syntax_error
            continue
        if seen["fix"] != seen["moved"]:
            reason = _reaching(early, seen["fix"], seen["moved"], label)
            break
    shutil.rmtree(workdir / "macros", ignore_errors=True)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"reason": reason}))
    return reason


def _reaching(early: list[tuple[str, str]], ours: list[str], moved: list[str] | None, label: str) -> str:
    """The ``define`` reason naming the first early macro whose name the headers' lines hold (the
    first early macro where none does: a name pasted together by a header's ``##``)."""
    text = "\n".join([*ours, *(moved or [])])
    directive, name = next(((d, n) for d, n in early if re.search(rf"(?<![\w$]){re.escape(n)}(?![\w$])", text)),
                           early[0])
    build = label.replace("+pch", " (precompiled headers)")
    return (f"define: `#{directive} {name}` before an #include reaches a header (the headers preprocess differently "
            f"with it, {build} build); define the kernel's macros after the last #include")


def fix_at_exec(item: HlsItem, fix: str | None, workdir: Path, *, include: Path | None = None,
                cache: Path | None = None, timeout_s: float = 10.0, max_changed: int = FIX_MAX_CHANGED_LINES,
                runner: Runner | None = None, sandbox: Sandbox | None = None, limits: Limits | None = None,
                gate: bool = True) -> FixVerdict:
    """Execute the fixed kernel of an answer against ``item``'s testbench.

    Every compile and run goes through ``runner`` or, without one, ``sandbox`` (with ``limits``);
    there is no unsandboxed default: with neither, the verdict is ``infra_error``. Cache hits run
    nothing. Before it runs, the fix passes the integrity gate (:mod:`harness.families.hls.guard`):
    a broken rule is ``rejected`` with the rule named. ``gate=False`` skips the gate: only for
    code that is ours (the audit's mutants of our kernels).
    """
    if not item.executable or item.tb_path is None:
        return FixVerdict("infra_error", "item has no testbench")
    if not fix or not fix.strip():
        return FixVerdict("no_code", "no fixed code in the answer")
    runner = _runner_for(runner, sandbox, limits, include, cache)
    if runner is None:
        return FixVerdict("infra_error", "no sandbox given: a fix is never executed unsandboxed")
    problem = check_text_rules(fix, item.original, macros_checked=gate)
    if problem:
        return FixVerdict("rejected", problem)
    changed = changed_lines(item.code, fix)
    if changed > max_changed:
        return FixVerdict("rejected", f"size: {changed} lines changed (at most {max_changed} allowed)", changed)
    if changed == 0 and item.buggy:
        return FixVerdict("fail", "the fix does not change the code", 0)
    inc = include or ap_include_dir()
    if gate and fix.strip() != item.original.strip():  # the original is our own code
        try:
            problem = early_macros_rule(fix, item, workdir / "guard", runner=runner, include=inc, cache=cache) \
                or inspect_fix(fix, item, workdir / "guard", runner=runner, include=inc, cache=cache)
        except GuardInfraError as exc:
            return FixVerdict("infra_error", f"integrity gate: {exc}", changed)
        if problem:
            return FixVerdict("rejected", problem, changed)
    first = (item.symptom or {}).get("build")
    order = ([first] if first in BUILDS else []) + [b for b in BUILDS if b != first]
    res = csim(fix, item.tb_path, workdir, include=inc, cache=cache, timeout_s=timeout_s, builds=order,
               stop_on_failure=True, runner=runner)
    builds = {b: r.status for b, r in res.builds.items()}
    if res.passed:
        return FixVerdict("pass", "passes the testbench under every build", changed, builds)
    bad = res.first_failure
    reason = f"{bad.build}: {bad.symptom}" if bad else "not every build ran"
    return FixVerdict(bad.status if bad else "infra_error", reason, changed, builds)


def _predicted_buggy(item: HlsItem, answer: HlsAnswer) -> bool | None:
    """The answer's verdict: its ``buggy`` field, else "buggy" where it names a line or a type (the
    format's fields for a bug) or changes the code (a fix claims a bug), else none. Unchanged code is
    never read as "no bug" (red team 15 item 5: prose saying "this kernel is buggy" and the file
    echoed unchanged scored a correct "no bug" on a control; it is unanswered now)."""
    if answer.buggy is not None:
        return answer.buggy
    if answer.line is not None or answer.type is not None:
        return True
    return True if answer.fix is not None and changed_lines(item.code, answer.fix) > 0 else None


def type_hit(item: HlsItem, line: int | None, typ: str | None) -> bool:
    """Whether ``typ`` is credited on ``item``: where ``line`` lies in bugs' spans, it must be the
    type of one of those bugs (the bug the answer located); where it lies in none (or is missing),
    the type of any of the item's bugs counts, as on a one-bug item (red team 15 item 6: on a
    two-bug item the line of one bug and the type of the other both counted)."""
    if typ is None or typ not in item.types:
        return False
    if line is None or len(item.spans) != len(item.types):
        return True
    located = [t for (a, b), t in zip(item.spans, item.types) if a <= line <= b]
    return typ in located if located else True


#: Why an answer with no verdict is not executed: no "buggy" field, line, type or changed code.
NO_VERDICT = 'the answer states no verdict (no "buggy" field, line or type in the required format, and no change)'


def score_item(item: HlsItem, answer: HlsAnswer | None, workdir: Path, *, include: Path | None = None,
               cache: Path | None = None, timeout_s: float = 10.0, execute: bool = True,
               max_changed: int = FIX_MAX_CHANGED_LINES, runner: Runner | None = None,
               sandbox: Sandbox | None = None, limits: Limits | None = None) -> ItemScore:
    """Score one answer (None: nothing usable came back) on ``item``; a fix is executed only
    through ``runner`` or ``sandbox`` (see :func:`fix_at_exec`)."""
    if answer is None:
        return ItemScore(item.id, item.buggy, None, "fn" if item.buggy else "unanswered", None,
                         False if item.buggy else None, list(item.types), None, False if item.buggy else None,
                         FixVerdict("no_code", "no answer") if item.buggy and item.executable else None, "no_code")
    pred = _predicted_buggy(item, answer)
    if not item.buggy:
        detection = "unanswered" if pred is None else ("fp" if pred else "tn")
        status = "pass" if detection == "tn" else ("no_code" if pred is None else "fail")
        return ItemScore(item.id, False, pred, detection, answer.line, None, [], answer.type, None, None, status)
    detection = "tp" if pred else "fn"
    line_hit = bool(pred) and item.line_in_span(answer.line)
    typed = bool(pred) and type_hit(item, answer.line, answer.type)
    verdict: FixVerdict | None = None
    if item.executable and execute:
        if pred is None:
            verdict = FixVerdict("no_code", NO_VERDICT)
        elif pred:
            verdict = fix_at_exec(item, answer.fix, workdir, include=include, cache=cache, timeout_s=timeout_s,
                                  max_changed=max_changed, runner=runner, sandbox=sandbox, limits=limits)
        else:
            verdict = FixVerdict("fail", "answer says the code is correct")
        status = verdict.status
    else:
        status = "pass" if detection == "tp" and line_hit else ("no_code" if pred is None else "fail")
    return ItemScore(item.id, True, pred, detection, answer.line, line_hit, list(item.types), answer.type, typed,
                     verdict, status)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def detection_metrics(tp: int, fn: int, tn: int, fp: int) -> dict[str, float | None]:
    """Precision, recall, F1, balanced accuracy and Matthews correlation of a detection table
    (a control left unanswered counts as a false alarm, a buggy item left unanswered as a miss).

    Balanced accuracy is the mean of the recall on buggy items and on controls, and MCC the
    correlation of answers and truth: answering "buggy" everywhere gets 0.5 and 0 whatever the
    share of controls, while its F1 only reflects that share. None where undefined (no buggy
    items, or no controls for balanced accuracy); MCC is 0 when a row or column is empty.
    """
    n_buggy, n_controls = tp + fn, tn + fp
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, n_buggy)
    den = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    return {
        "detection_precision": precision if tp + fp else (0.0 if n_buggy else None),
        "detection_recall": recall if n_buggy else None,
        "detection_f1": _ratio(2 * precision * recall, precision + recall) if n_buggy else None,
        "detection_balanced_accuracy": (recall + tn / n_controls) / 2 if n_buggy and n_controls else None,
        "detection_mcc": (tp * tn - fp * fn) / math.sqrt(den) if den else (0.0 if n_buggy and n_controls else None),
    }


def always_buggy_baseline(n_buggy: int, n_controls: int) -> dict[str, float | None]:
    """What answering "buggy" on every item scores on a suite of this make-up."""
    return detection_metrics(n_buggy, 0, 0, n_controls)


def always_clean_baseline(n_buggy: int, n_controls: int) -> dict[str, float | None]:
    """What answering "no bug" on every item scores on a suite of this make-up: its detection
    metrics and its pass@1, the share of controls (each control answered "no bug" passes), which
    is the chance floor of pass@1 on a bug-finding suite."""
    total = n_buggy + n_controls
    return {**detection_metrics(0, n_buggy, n_controls, 0), "pass@1": n_controls / total if total else None}


def _table(scores: Sequence[ItemScore]) -> tuple[int, int, int, int]:
    det = Counter(s.detection for s in scores)
    return det["tp"], det["fn"], det["tn"], det["fp"] + det["unanswered"]


def type_macro_f1(scores: Sequence[ItemScore]) -> float:
    """Macro-F1 over bug types, on buggy items: a credited type (``type_hit``: the located bug's
    type, or any bug's where the line located none) is a hit, otherwise a miss of the item's first
    type (and a false positive of the predicted type)."""
    known = set(all_types())
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for s in scores:
        if not s.buggy:
            continue
        pred = s.predicted_type if s.predicted else None
        if pred is not None and s.type_hit:  # the pairing rule of :func:`type_hit`
            tp[pred] += 1
            continue
        fn[s.true_types[0]] += 1
        if pred is not None and pred in known:
            fp[pred] += 1
    classes = set(tp) | set(fp) | set(fn)  # secondary types of a correctly typed item do not count
    f1s = [_ratio(2 * tp[c], 2 * tp[c] + fp[c] + fn[c]) for c in sorted(classes)]
    return sum(f1s) / len(f1s) if f1s else 0.0


def aggregate(scores: Sequence[ItemScore]) -> dict[str, Any]:
    """Suite metrics: detection precision/recall/F1, localisation accuracy, type macro-F1,
    fix@exec rate (over buggy items that have a testbench) and status counts."""
    det = Counter(s.detection for s in scores)
    buggy = [s for s in scores if s.buggy]
    precision = _ratio(det["tp"], det["tp"] + det["fp"])
    recall = _ratio(det["tp"], len(buggy))
    fixable = [s for s in buggy if s.fix is not None]
    per_type: dict[str, dict[str, float]] = {}
    for typ in sorted({t for s in buggy for t in s.true_types}):
        mine = [s for s in buggy if typ in s.true_types]
        per_type[typ] = {"n": len(mine), "recall": _ratio(sum(s.detection == "tp" for s in mine), len(mine)),
                         "localisation": _ratio(sum(bool(s.line_hit) for s in mine), len(mine))}
    return {
        "n_items": len(scores), "n_buggy": len(buggy), "n_controls": len(scores) - len(buggy),
        "detection": dict(sorted(det.items())),
        "detection_precision": precision, "detection_recall": recall,
        "detection_f1": _ratio(2 * precision * recall, precision + recall),
        "detection_balanced_accuracy": detection_metrics(*_table(scores))["detection_balanced_accuracy"],
        "detection_mcc": detection_metrics(*_table(scores))["detection_mcc"],
        "always_buggy": always_buggy_baseline(len(buggy), len(scores) - len(buggy)),
        "localisation_accuracy": _ratio(sum(bool(s.line_hit) for s in buggy), len(buggy)),
        "type_macro_f1": type_macro_f1(scores),
        "fix_at_exec": _ratio(sum(s.fix.status == "pass" for s in fixable if s.fix), len(fixable)),
        "n_fix_scored": len(fixable),
        "fix_status": dict(sorted(Counter(s.fix.status for s in fixable if s.fix).items())),
        "status": dict(sorted(Counter(s.status for s in scores).items())),
        "per_type": per_type,
    }


#: The headline metrics, reported with statistics by :func:`metrics_with_stats`.
HEADLINE: tuple[str, ...] = ("detection_precision", "detection_recall", "detection_f1", "detection_balanced_accuracy",
                             "detection_mcc", "localisation_accuracy", "type_macro_f1", "fix_at_exec")


def _headline(scores: Sequence[ItemScore]) -> dict[str, float | None]:
    buggy = [s for s in scores if s.buggy]
    fixable = [s for s in buggy if s.fix is not None]
    return {
        **detection_metrics(*_table(scores)),
        "localisation_accuracy": _ratio(sum(bool(s.line_hit) for s in buggy), len(buggy)) if buggy else None,
        "type_macro_f1": type_macro_f1(scores) if buggy else None,
        "fix_at_exec": _ratio(sum(s.fix.status == "pass" for s in fixable if s.fix), len(fixable)) if fixable else None,
    }


def metrics_with_stats(groups: Sequence[Sequence[ItemScore]], *, seed: int = 0, resamples: int = 2000,
                       execute: bool = True) -> dict[str, Any]:
    """Suite metrics as ``{mean, stderr, ci95, n}`` records, plus the counts under ``hls``.

    ``groups`` holds each problem's sample scores. The value (``mean``) is computed over every
    sample; ``stderr`` (the bootstrap standard deviation) and ``ci95`` (percentile interval)
    come from resampling problems with replacement, each with all its samples; ``n`` is the
    number of problems the metric is over (all, buggy, or with an executed fix). F1 scores are not means of per-item values, hence the bootstrap for all.
    Without ``execute`` (no testbenches) ``fix_at_exec`` is left out.
    """
    groups = [list(g) for g in groups if g]
    flat = [s for g in groups for s in g]
    point = _headline(flat)
    names = [m for m in HEADLINE if execute or m != "fix_at_exec"]
    rng = random.Random(seed)
    boot: dict[str, list[float]] = {m: [] for m in names}
    n = len(groups)
    for _ in range(resamples if n > 1 else 0):
        values = _headline([s for _ in range(n) for s in groups[rng.randrange(n)]])
        for m in names:
            v = values[m]
            if v is not None:
                boot[m].append(v)
    n_buggy = sum(any(s.buggy for s in g) for g in groups)
    sizes = {"detection_precision": n, "detection_f1": n, "detection_balanced_accuracy": n, "detection_mcc": n,
             "detection_recall": n_buggy, "localisation_accuracy": n_buggy,
             "type_macro_f1": n_buggy, "fix_at_exec": sum(any(s.fix is not None for s in g) for g in groups)}
    out: dict[str, Any] = {}
    for m in names:
        vals = sorted(boot[m])
        if point[m] is None:
            out[m] = {"mean": None, "stderr": None, "ci95": [None, None], "n": sizes[m]}
            continue
        if len(vals) < 2:
            out[m] = {"mean": point[m], "stderr": 0.0, "ci95": [point[m], point[m]], "n": sizes[m]}
            continue
        mu = sum(vals) / len(vals)
        sd = math.sqrt(sum((v - mu) ** 2 for v in vals) / (len(vals) - 1))
        lo, hi = vals[int(0.025 * (len(vals) - 1))], vals[int(math.ceil(0.975 * (len(vals) - 1)))]
        out[m] = {"mean": point[m], "stderr": sd, "ci95": [lo, hi], "n": sizes[m]}
    counts = aggregate(flat)
    out["hls"] = {k: v for k, v in counts.items() if k not in HEADLINE and (execute or "fix" not in k)}
    n_controls = sum(not any(s.buggy for s in g) for g in groups)
    out["hls"]["always_buggy"] = always_buggy_baseline(n_buggy, n_controls)
    out["hls"]["always_clean"] = always_clean_baseline(n_buggy, n_controls)
    return out
