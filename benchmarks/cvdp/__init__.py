"""``cvdp``: NVIDIA's Comprehensive Verilog Design Problems (NVlabs/cvdp_benchmark).

Records come from ``--data``: a CVDP ``.jsonl`` file, a folder of them, or
``hf://nvidia/cvdp-benchmark-dataset`` through ``datasets``. Non-agentic code-generation records
whose harness runs on Icarus are scored: the model writes the files named in ``output.context``
(extracted as CVDP's runner extracts them) and the record's own cocotb harness runs in hweval's
sandbox; the answer passes when every docker-compose service's pytest run passes. The other
records (commercial simulator, comprehension, agentic) are listed under ``unsupported`` in the
suite's metrics, with the reason. See docs/cvdp.md.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from benchmarks.cvdp import answer, records
from benchmarks.cvdp.evaluate import HDL_SUFFIXES, Unsupported, run_harness, services
from benchmarks.cvdp.records import CvdpRecord
from harness.api import check_simulator
from harness.errors import UsageError
from harness.families.verilog.audit import VerilogAuditHooks
from harness.families.verilog.mutate import mutant
from harness.metrics import mean_stats
from harness.suite import EvalContext, Suite
from harness.types import Candidate, Completion, Problem, Prompt, Status, Verdict

log = logging.getLogger(__name__)

DIFFICULTIES = ("easy", "medium", "hard")
NO_REFERENCE = "(this CVDP record has no reference solution: output.context is empty in the data file)"


def _csv_option(value: str | None) -> set[str] | None:
    if not value:
        return None
    return {v.strip() for v in value.split(",") if v.strip()}


class CvdpSuite(VerilogAuditHooks, Suite):  # the Verilog family's audit hooks, as before
    name = "cvdp"
    family = "verilog"
    version = "1"
    description = "NVIDIA CVDP non-agentic code generation, cocotb harnesses on Icarus (--data FILE|DIR|hf://)"
    options_schema: ClassVar[dict[str, str]] = {
        **getattr(Suite, "options_schema", {}),
        "categories": "comma-separated CVDP categories to keep, e.g. cid002,cid003 (default: all)",
        "difficulty": "comma-separated difficulties to keep: easy,medium,hard (default: all)",
        "config": "hf:// only: the dataset configuration (subset) to load",
        "split": "hf:// only: the split to load (default: every split)",
    }
    takes_data: ClassVar[str] = "required"

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self._records: list[CvdpRecord] | None = None
        self._by_id: dict[str, CvdpRecord] | None = None

    # -- data ----------------------------------------------------------------------------------
    def _selected(self) -> list[CvdpRecord]:
        """Every record of ``--data`` that the category and difficulty options keep."""
        if self._records is None:
            cats = _csv_option(self.options.get("categories"))
            diffs = _csv_option(self.options.get("difficulty"))
            bad = sorted((diffs or set()) - set(DIFFICULTIES))
            if bad:
                raise UsageError(f"-S difficulty: unknown value(s) {', '.join(bad)}; choose from "
                                 f"{', '.join(DIFFICULTIES)}")
            bad = sorted(c for c in cats or set() if not (c.startswith("cid") and c[3:].isdigit()))
            if bad:
                raise UsageError(f"-S categories: expected ids like cid003, got {', '.join(bad)}")
            loaded = records.load(self.options.data, self.options.get("config"), self.options.get("split"))
            self._records = [self._classify(r) for r in loaded
                             if (cats is None or r.category in cats) and (diffs is None or r.difficulty in diffs)]
            skipped = [r for r in self._records if r.unsupported]
            if skipped:
                log.info("cvdp: %d record(s) unsupported (listed in results.json)", len(skipped))
        return self._records

    @staticmethod
    def _classify(rec: CvdpRecord) -> CvdpRecord:
        if rec.unsupported:
            return rec
        try:
            services(rec)
        except Unsupported as exc:
            return replace(rec, unsupported=str(exc))
        return rec

    def load_exclusions(self) -> dict[str, int]:
        """Records never yielded as problems, counted by reason (each is listed in the metrics)."""
        counts: dict[str, int] = defaultdict(int)
        for rec in self._selected():
            if rec.unsupported:
                counts[rec.unsupported] += 1
        return dict(counts)

    def unsupported(self) -> list[dict[str, str]]:
        return [{"problem_id": r.id, "category": r.category, "difficulty": r.difficulty,
                 "reason": r.unsupported or ""} for r in self._selected() if r.unsupported]

    def problems(self) -> Iterator[Problem]:
        for rec in self._selected():
            if rec.unsupported:
                continue
            yield Problem(self.name, rec.id, reference=answer.model_answer(rec.outputs) if rec.has_solution else None,
                          data={"category": rec.category, "difficulty": rec.difficulty, "prompt": rec.prompt,
                                "context": rec.context, "files": list(rec.outputs), "harness": rec.harness})

    def _record(self, problem: Problem) -> CvdpRecord:
        if self._by_id is None:
            self._by_id = {rec.id: rec for rec in self._selected()}
        return self._by_id[problem.id]

    # -- prompting and extraction --------------------------------------------------------------
    def prompt(self, problem: Problem) -> Prompt:
        files = list(problem.data["files"])
        return Prompt.user(answer.user_prompt(problem.data["prompt"], problem.data["context"], files),
                           system=answer.system_prompt(problem.data["category"], len(files)))

    def extract(self, problem: Problem, completion: Completion) -> Candidate | None:
        if problem.reference is None and completion.completion == NO_REFERENCE:
            return Candidate(code=NO_REFERENCE, meta={"no_reference": True})
        found = answer.parse_files(completion.completion, list(problem.data["files"]))
        if not found:
            return None
        code = "".join(f"// file: {name}\n{body}\n" for name, body in sorted(found.items()))
        return Candidate(code=code, files=found, meta={"files": sorted(found)})

    def reference_response(self, problem: Problem) -> str:
        return problem.reference if problem.reference is not None else NO_REFERENCE

    def mutant_response(self, problem: Problem, sample_idx: int) -> str:
        """The reference with one seeded bug in its first mutable HDL file (the noise-floor baseline)."""
        if problem.reference is None:
            return NO_REFERENCE
        files = answer.parse_files(problem.reference, list(problem.data["files"]))
        for name in sorted(files):
            if name.lower().endswith(HDL_SUFFIXES):
                mut = mutant(files[name], f"{self.name}/{problem.id}/{name}", sample_idx)
                if mut is not None:
                    return answer.model_answer({**files, name: mut.apply(files[name])})
        return problem.reference

    # -- evaluation ----------------------------------------------------------------------------
    def evaluate(self, problem: Problem, candidate: Candidate, ctx: EvalContext) -> Verdict:
        if candidate.meta.get("no_reference"):
            return Verdict(Status.NO_CODE, reason="no reference solution in the data (use the "
                           "_with_solutions file to validate, or -S validate=off to score without it)")
        rec = self._record(problem)
        if not rec.has_solution:  # the checks that keep a harness's golden model out compare with it (11a S10)
            return Verdict(Status.INFRA_ERROR, reason=f"record {problem.id} has no reference solution, which the "
                           "integrity checks compare the answer with: use the _with_solutions file")
        check_simulator("icarus")  # a missing simulator is the machine's fault, never a syntax error
        return run_harness(rec, candidate, ctx)

    def dedup_key(self, candidate: Candidate) -> str:
        return candidate.sha256

    # -- scoring -------------------------------------------------------------------------------
    def suite_metrics(self, recs: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """pass@1 per category and per difficulty (``pass@1[cid003]``, ``pass@1[easy]``), and the
        unsupported records with their reasons."""
        info = {r.id: r for r in self._selected()}
        per: dict[str, list[bool]] = defaultdict(list)
        for r in recs:
            if r.get("status") == Status.INFRA_ERROR or r.get("problem_id") not in info:
                continue
            per[r["problem_id"]].append(r.get("status") == Status.PASS)
        groups: dict[str, list[float]] = defaultdict(list)
        for pid, outcomes in sorted(per.items()):
            rate = sum(outcomes) / len(outcomes)
            groups[info[pid].category].append(rate)
            groups[info[pid].difficulty].append(rate)
        out: dict[str, Any] = {f"pass@1[{g}]": mean_stats(v, seed=self.options.seed)
                               for g, v in sorted(groups.items())}
        skipped = self.unsupported()
        out["unsupported"] = {"count": len(skipped), "records": skipped}
        return out
