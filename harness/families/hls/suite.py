"""Suite base classes of the HLS bug-finding family, for built-in and plugin suites.

* :class:`HlsSuite`: prompt, answer parsing, evaluation (every fix compiled and run only in
  ``ctx.sandbox``) and metrics over :class:`~harness.families.hls.items.HlsItem` s from
  :meth:`HlsSuite.load_items`;
* :class:`KernelHlsSuite`: items built from a kernels folder (``<name>/{kernel.cpp,kernel.h,
  tb.cpp,meta.toml}``): each original is a control, and mutants that C-simulation catches are
  the buggy items (:func:`harness.families.hls.build.build_items`). A suite sets
  ``kernels_dir`` (and may set ``build_settings``)::

      class MySuite(KernelHlsSuite):
          name = "my-hls"
          kernels_dir = Path(__file__).parent / "kernels"

Options: ``--hls-include DIR`` (or ``-S hls_include=DIR``), ``-S timeout=S`` (seconds per
testbench run), ``-S hls_cache=DIR`` (where the item list is cached).
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from harness.errors import ToolMissingError, UsageError
from harness.families.hls.answer import HlsAnswer, parse_answer
from harness.families.hls.audit import HlsAuditHooks
from harness.families.hls.baselines import mutant_answer, reference_answer
from harness.families.hls.build import BuildSettings, build_items
from harness.families.hls.csim import ap_include_dir
from harness.families.hls.items import HlsItem
from harness.families.hls.prompt import SYSTEM, build_prompt
from harness.families.hls.sandboxed import sandbox_runner
from harness.families.hls.score import ItemScore, metrics_with_stats, score_item
from harness.suite import COMMON_OPTIONS, EvalContext, Requirements, Suite
from harness.types import Candidate, Completion, Problem, Prompt, Status, Verdict


class HlsSuite(HlsAuditHooks, Suite):
    """An HLS bug-finding suite: items (:class:`HlsItem`) from :meth:`load_items`, the family's
    prompt, answer parsing, sandboxed fix execution and metrics. Subclass it and give
    ``load_items``, or subclass :class:`KernelHlsSuite` and give a kernels folder."""

    family: ClassVar[str] = "hls"
    _items: dict[str, HlsItem] | None = None
    options_schema: ClassVar[dict[str, str]] = {
        **COMMON_OPTIONS,
        "hls_include": "folder with ap_int.h/hls_stream.h (also --hls-include)",
        "timeout": "seconds per C-simulation build and run (default 10)",
        "hls_cache": "folder of the C-simulation cache",
    }
    path_options: ClassVar[frozenset[str]] = frozenset({"verdict_cache", "hls_include", "hls_cache"})

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
        # the shown code: a block that only echoes it is not the fix when another block changes it
        ans = parse_answer(completion.completion, shown=str(problem.data.get("code") or "") or None)
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
        status = Status(score.status)
        # a rejection names its rule (every integrity reason starts "<rule>: ...")
        rule = reason.split(":", 1)[0].strip() or "integrity" if status == Status.REJECTED else None
        return Verdict(status, reason=reason, metrics={"hls": score.to_json()}, rule=rule)

    def reference_response(self, problem: Problem) -> str:
        return reference_answer(self.items()[problem.id])

    def mutant_response(self, problem: Problem, sample_idx: int) -> str:
        return mutant_answer(self.items()[problem.id], sample_idx)

    def suite_metrics(self, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Detection precision/recall/F1, balanced accuracy and MCC, localisation accuracy, type
        macro-F1 and fix@exec, each with statistics, and the counts under ``hls`` (infra errors are
        left out), with ``hls.always_buggy``: what answering "buggy" everywhere scores here."""
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


class KernelHlsSuite(HlsSuite):
    """Items built from ``kernels_dir`` (see the module docstring); the build runs our own
    kernels and mutants (trusted code) outside the sandbox, model answers never take that path."""

    kernels_dir: ClassVar[Path]
    build_settings: ClassVar[BuildSettings] = BuildSettings()

    def load_items(self) -> list[HlsItem]:
        from harness.runner import cache_dir

        cache = self.options.get("hls_cache")
        return build_items(self.kernels_dir, cache_dir=Path(cache).resolve() if cache else cache_dir() / "hls",
                           include=self._include(), settings=self.build_settings)
