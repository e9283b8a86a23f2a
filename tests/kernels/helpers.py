"""Paths and small helpers shared by the kernels tests."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROBLEMS = REPO / "benchmarks" / "kernels_core" / "problems"
PROBLEM_IDS = sorted(p.name for p in PROBLEMS.iterdir() if (p / "meta.toml").is_file())
FIXTURES = Path(__file__).resolve().parent / "fixtures"
KERNELBENCH = FIXTURES / "kernelbench"
TRITONBENCH = FIXTURES / "tritonbench"
ANSWERS = FIXTURES / "answers"


def golden(problem: str, lang: str) -> str:
    return (PROBLEMS / problem / f"solution_{lang}.py").read_text()


def rule_of(result: dict) -> str:
    """The rule named by a ``rejected`` reason (``"<rule>: detail"``)."""
    return str(result["reason"]).split(":", 1)[0]


def bwrap_usable() -> bool:
    return shutil.which("bwrap") is not None


def fenced(code: str) -> str:
    return f"Here it is.\n\n```python\n{code}```\n"


def write_replay(path: Path, suite: str, answers: dict[str, str]) -> Path:
    """A replay file answering each problem id with the given code (one sample each)."""
    with path.open("w") as fh:
        for pid, code in answers.items():
            fh.write(json.dumps({"suite": suite, "problem_id": pid, "sample_idx": 0,
                                 "completion": fenced(code)}) + "\n")
    return path


def executions(run_dir: Path) -> dict[tuple[str, int], dict]:
    rows = [json.loads(line) for line in (run_dir / "executions.jsonl").read_text().splitlines() if line.strip()]
    return {(r["problem_id"], r["sample_idx"]): r for r in rows}
