"""``hls-bugs``: find, locate, classify and fix bugs in HLS C++ kernels (issue 7).

Items come from the kernels under ``kernels/`` (each with a self-checking testbench): the
bug-free originals are controls, and mutation variants that C-simulation catches are the buggy
items (``harness.families.hls.build``). ``chrysalis-hls`` serves a Chrysalis-HLS checkout
(``-S data=<path>`` or ``--data``) scored on detection, localisation and type only.

Options: ``--hls-include DIR`` (or ``-S hls_include=DIR``: the folder with ap_int.h..., e.g. a
Vitis include folder; default hls4ml's copy), ``-S timeout=S`` (seconds per testbench run),
``-S hls_cache=DIR`` (where the item list is cached; default ``$HWEVAL_CACHE/hls``, where the
evaluation keeps its compile cache too).

A model's fixed kernel is compiled and run only through ``ctx.sandbox``
(:func:`harness.families.hls.sandboxed.sandbox_runner`); compile-cache hits run nothing.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from harness.errors import DataError, ToolMissingError, UsageError
from harness.families.hls.answer import HlsAnswer, parse_answer
from harness.families.hls.baselines import mutant_answer, reference_answer
from harness.families.hls.build import build_items
from harness.families.hls.chrysalis import ChrysalisLoad, load_chrysalis
from harness.families.hls.csim import ap_include_dir
from harness.families.hls.items import HlsItem
from harness.families.hls.prompt import SYSTEM, build_prompt
from harness.families.hls.sandboxed import sandbox_runner
from harness.families.hls.score import ItemScore, metrics_with_stats, score_item
from harness.suite import COMMON_OPTIONS, EvalContext, Requirements, Suite
from harness.types import Candidate, Completion, Problem, Prompt, Status, Verdict

KERNELS_DIR = Path(__file__).parent / "kernels"


class _HlsSuiteBase(Suite):
    family: ClassVar[str] = "hls"
    _items: dict[str, HlsItem] | None = None
    options_schema: ClassVar[dict[str, str]] = {
        **COMMON_OPTIONS,
        "hls_include": "folder with ap_int.h/hls_stream.h (also --hls-include)",
        "timeout": "seconds per C-simulation build and run (default 10)",
        "hls_cache": "folder of the C-simulation cache",
    }

    def requirements(self) -> Requirements:
        return Requirements(tools=("g++",))

    def load_items(self) -> list[HlsItem]:
        raise NotImplementedError

    def items(self) -> dict[str, HlsItem]:
        if self._items is None:
            self._items = {it.id: it for it in self.load_items()}
        return self._items

    #: whether items carry testbenches whose fixes are executed
    executes_fixes: ClassVar[bool] = True
    #: what suite_metrics says about the scope of the scores (results.json)
    scope: ClassVar[str] = ("detection, localisation, bug type and fix@exec (the fixed kernel is compiled and "
                            "passes the testbench under the plain, sanitizer and pattern-init builds)")

    def _include(self) -> Path:
        """``--hls-include`` / ``-S hls_include``, or hls4ml's ap_types folder."""
        inc = self.options.get("hls_include")
        if inc:
            path = Path(inc).expanduser().resolve()
            if not (path / "ap_int.h").is_file():
                raise UsageError(f"--hls-include {inc}: no ap_int.h in that folder (give a Vitis `include` folder)")
            return path
        try:
            return ap_include_dir()
        except FileNotFoundError as exc:
            raise ToolMissingError(f"{exc} (pip install --no-deps hls4ml==1.3.0, or pass --hls-include DIR)") from exc

    def _timeout(self) -> float:
        raw = self.options.get("timeout", "10") or "10"
        try:
            return float(raw)
        except ValueError:
            raise UsageError(f"-S timeout={raw}: not a number of seconds") from None

    def problems(self) -> Iterator[Problem]:
        for item in self.items().values():
            yield Problem(suite=self.name, id=item.id, reference=item.original,
                          data={"code": item.code, "types": item.types, "spans": item.spans}, path=item.kernel_dir)

    def prompt(self, problem: Problem) -> Prompt:
        return Prompt.user(build_prompt(self.items()[problem.id]), system=SYSTEM)

    def extract(self, problem: Problem, completion: Completion) -> Candidate | None:
        ans = parse_answer(completion.completion)
        if ans is None:
            return None
        labels = {"buggy": ans.buggy, "line": ans.line, "type": ans.type}
        return Candidate(code=ans.fix or "", files={"answer.json": json.dumps(labels, sort_keys=True)}, meta=labels)

    def evaluate(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        item = self.items()[problem.id]
        labels = json.loads(candidate.files.get("answer.json", "{}"))
        answer = HlsAnswer(labels.get("buggy"), labels.get("line"), labels.get("type"), candidate.code or None)
        cache = ctx.cache_dir / "hls" if ctx.cache_dir else None
        include = self._include()
        # untrusted code (the answer's kernel) runs only in the sandbox; cache hits run nothing
        runner = sandbox_runner(ctx.sandbox, ctx.limits, [include, *([cache / "pch"] if cache else [])])
        with ctx.scratch() as work:
            score = score_item(item, answer, work, include=include, cache=cache, timeout_s=self._timeout(),
                               runner=runner)
        reason = score.fix.reason if score.fix else f"detection {score.detection}"
        return Verdict(Status(score.status), reason=reason, metrics={"hls": score.to_json()})

    def reference_response(self, problem: Problem) -> str:
        return reference_answer(self.items()[problem.id])

    def mutant_response(self, problem: Problem, sample_idx: int) -> str:
        return mutant_answer(self.items()[problem.id], sample_idx)

    def suite_metrics(self, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Detection precision/recall/F1, localisation accuracy, type macro-F1 and fix@exec, each
        with statistics, and the counts under ``hls`` (infra errors are left out)."""
        groups: dict[str, list[ItemScore]] = {}
        for rec in records:
            if rec.get("status") == "infra_error":
                continue
            pid = str(rec.get("problem_id"))
            data = (rec.get("metrics") or {}).get("hls")
            if data:
                groups.setdefault(pid, []).append(ItemScore.from_json(data))
            elif pid in self.items():  # no_code (nothing extractable): scored as no answer
                groups.setdefault(pid, []).append(score_item(self.items()[pid], None, Path("."), execute=False))
        out = metrics_with_stats(list(groups.values()), seed=self.options.seed, execute=self.executes_fixes)
        out["hls"]["scope"] = self.scope
        return out


class HlsBugsSuite(_HlsSuiteBase):
    name = "hls-bugs"
    version = "1"
    description = "Find, locate, classify and fix seeded bugs in HLS C++ kernels; fixes are C-simulated"
    takes_data: ClassVar[str] = "none"

    def load_items(self) -> list[HlsItem]:
        from harness.runner import cache_dir

        # The build compiles and runs our own kernels and our own mutants (trusted code), so it
        # runs outside the sandbox, with the direct runner; model answers never take this path.
        cache = self.options.get("hls_cache")
        return build_items(KERNELS_DIR, cache_dir=Path(cache) if cache else cache_dir() / "hls",
                           include=self._include())


class ChrysalisHlsSuite(_HlsSuiteBase):
    name = "chrysalis-hls"
    version = "1"
    description = "Chrysalis-HLS bug records applied to their designs; detection, localisation and type only"
    takes_data: ClassVar[str] = "required"
    options_schema: ClassVar[dict[str, str]] = {**_HlsSuiteBase.options_schema,
                                                "data": "the Chrysalis-HLS checkout (same as --data)"}
    executes_fixes = False
    scope = ("detection, localisation and bug type only: Chrysalis-HLS has no testbenches, so fixes are not "
             "executed and fix@exec is not scored; pass@k counts an answer that detects and locates the bug "
             "(or clears a bug-free control)")
    _load: ChrysalisLoad | None = None

    def load_items(self) -> list[HlsItem]:
        path = self.options.data or self.options.get("data")
        if not path:
            raise UsageError("chrysalis-hls needs --data <Chrysalis-HLS checkout>")
        if not Path(path).is_dir():
            raise DataError(f"--data {path}: not a folder (expected a Chrysalis-HLS checkout)")
        self._load = load_chrysalis(Path(path))
        if not self._load.items:
            raise DataError(f"--data {path}: no HLS_Bug_Dataset/<suite>/<design>/Source_Code found")
        return self._load.items

    def suite_metrics(self, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
        out = super().suite_metrics(records)
        self.items()
        if self._load is not None:
            out["hls"]["chrysalis_records"] = self._load.records
            out["hls"]["chrysalis_skipped"] = self._load.skipped
            out["hls"]["chrysalis_skipped_ids"] = sorted(self._load.skipped_reasons)
        return out
