"""``replay:FILE.jsonl``: completions from a file.

Lines carry ``suite``, ``problem_id``, ``sample_idx``, ``completion``: the same fields as a run's
completions.jsonl, so any run's completions replay as they are.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from harness.backend import Backend, BackendOptions, GenerationRequest
from harness.errors import DataError, UsageError
from harness.types import Completion

REQUIRED = ("suite", "problem_id", "sample_idx", "completion")


def load_replay(path: Path) -> dict[tuple[str, str, int], str]:
    if not path.is_file():
        raise UsageError(f"replay file not found: {path}")
    table: dict[tuple[str, str, int], str] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc
            if not isinstance(obj, dict):
                raise DataError(f"{path}:{lineno}: expected a JSON object")
            missing = [k for k in REQUIRED if k not in obj]
            if missing:
                raise DataError(f"{path}:{lineno}: missing field(s) {', '.join(missing)}")
            if not isinstance(obj["completion"], str) or not isinstance(obj["sample_idx"], int):
                raise DataError(f"{path}:{lineno}: 'completion' must be a string and 'sample_idx' an integer")
            table[(str(obj["suite"]), str(obj["problem_id"]), obj["sample_idx"])] = obj["completion"]
    return table


class ReplayBackend(Backend):
    name = "replay"
    concurrency = 4

    def __init__(self, model: str | None = None, options: BackendOptions | None = None) -> None:
        super().__init__(model, options)
        if not model:
            raise UsageError("replay needs a file: --model replay:FILE.jsonl")
        self.path = Path(model)
        self.table = load_replay(self.path)

    def check_requests(self, keys: Sequence[tuple[str, str, int]]) -> None:
        """Every requested sample needs its line: a missing one is an input error, never no_code."""
        missing = [k for k in keys if k not in self.table]
        if missing:
            shown = ", ".join(f"{s}/{p}#{i}" for s, p, i in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise DataError(f"{self.path}: no line for {len(missing)} of the {len(keys)} requested samples "
                            f"(suite/problem#sample: {shown}{more}); add them, or select fewer problems "
                            "(--problems, --limit) or samples (--n-samples)")

    def generate(self, request: GenerationRequest) -> list[Completion]:
        out = []
        for i in request.sample_indices:
            key = (request.suite.name, request.problem.id, i)
            text = self.table.get(key)
            out.append(Completion(*key, completion=text or "", prompt_sha256=request.prompt.sha256,
                                  error=None if text is not None else f"no line for {key} in {self.path}"))
        return out
