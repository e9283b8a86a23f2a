"""The measured half of the ``slow`` mark: tests listed in ``tests/slow.txt`` are marked ``slow`` at
collection (tests/conftest.py), so ``make test-fast`` (``-m "not slow and not docker"``) leaves them out.

A test file marks ``slow`` itself where it runs real tools by design; this list adds the tests a
profile found slow anyway (a shared fixture that builds something, a backend server, a subprocess).
Regenerate it from a full run's profile::

    HWEVAL_TEST_PROFILE=prof make test
    .venv/bin/python -m tests.timing prof.gw0 prof.gw1      # rewrites tests/slow.txt

A test in the fast layer that takes more than :data:`WARN_S` is named at the end of the run.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

SLOW_LIST = Path(__file__).resolve().parent / "slow.txt"
#: a test measured at this many seconds or more (setup + call + teardown) goes on the list
THRESHOLD_S = 0.5
#: a test of the fast layer over this many seconds is reported by the conftest
WARN_S = 2.0

_HEADER = """\
# Tests measured at {threshold} s or more (setup + call + teardown, full `make test` on the 2-core
# machine with HWEVAL_TEST_PROFILE) that their files do not mark slow; tests/conftest.py marks
# them `slow`, so `make test-fast` leaves them out. Regenerate: python -m tests.timing PROFILE...
# (see tests/timing.py). One pytest node id or test file per line.
"""


def load(path: Path = SLOW_LIST) -> frozenset[str]:
    """The node ids and file paths listed in ``path`` (comments and blank lines skipped)."""
    if not path.is_file():
        return frozenset()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return frozenset(line for line in lines if line)


def is_listed(nodeid: str, listed: frozenset[str]) -> bool:
    """Whether a test is on the list, by its node id or its file."""
    return nodeid in listed or nodeid.split("::", 1)[0] in listed


def measured_slow(rows: Iterable[dict], threshold: float = THRESHOLD_S,
                  marked: frozenset[str] = frozenset()) -> list[str]:
    """Node ids of profile rows (``{"test": id, "wall": s}``) at ``threshold`` seconds or more that
    are not in ``marked`` (the tests already marked slow by their files), sorted."""
    return sorted({r["test"] for r in rows if r["wall"] >= threshold and r["test"] not in marked})


def render(ids: Iterable[str], threshold: float = THRESHOLD_S) -> str:
    return _HEADER.format(threshold=threshold) + "".join(f"{i}\n" for i in ids)


def _marked_by_files() -> frozenset[str]:
    """Node ids that their own files mark slow (collected without this list)."""
    import subprocess

    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider",
                          "tests", "--ignore=tests/perf", "-m", "slow"],
                         capture_output=True, text=True, env={**__import__("os").environ, "HWEVAL_SLOW_LIST": "off"})
    return frozenset(line.strip() for line in out.stdout.splitlines() if "::" in line)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m tests.timing PROFILE_FILE...", file=sys.stderr)
        return 2
    rows = [json.loads(line) for name in argv for line in Path(name).read_text().splitlines() if line.strip()]
    ids = measured_slow(rows, marked=_marked_by_files())
    SLOW_LIST.write_text(render(ids))
    print(f"{SLOW_LIST}: {len(ids)} tests")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
