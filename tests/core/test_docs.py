"""The docs (README.md, docs/*.md) refer only to files that are in the repository."""
from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: folders of the repository a path in backticks may start with
TOP = ("harness", "benchmarks", "tests", "docs", "sandboxes", "scripts", "results")
#: places runs write to: named in the docs, made by the commands, not kept in the repository
OUTPUTS = ("results/runs",)
LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
TICKED = re.compile(r"`((?:" + "|".join(TOP) + r")/[\w./-]*)`")


@cache
def tracked() -> frozenset[str]:
    """Every tracked file and every folder holding one, as repository-relative POSIX paths."""
    proc = subprocess.run(["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip("not a git checkout")
    out: set[str] = set()
    for line in proc.stdout.splitlines():
        path = PurePosixPath(line)
        out.add(str(path))
        out.update(str(parent) for parent in path.parents if str(parent) != ".")
    return frozenset(out)


def references(doc: Path) -> list[str]:
    """Repository paths a doc names: relative links, and backticked paths under a top folder."""
    text = doc.read_text(encoding="utf-8")
    refs = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:...
            continue
        refs.append((doc.parent / target).resolve().relative_to(ROOT).as_posix())
    refs.extend(t.rstrip("/.") for t in TICKED.findall(text))
    return [r for r in refs if not r.startswith(OUTPUTS)]


def test_the_checker_sees_references() -> None:
    refs = references(ROOT / "docs" / "architecture.md")
    assert "harness/results.py" in refs and "harness/schemas" in refs


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_referenced_file_is_in_the_repository(doc: Path) -> None:
    missing = sorted({r for r in references(doc) if r not in tracked()})
    assert missing == [], f"{doc.relative_to(ROOT)} refers to files not in the repository: {missing}"
