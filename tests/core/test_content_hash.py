"""Keys built on a suite's problems (verdict cache, reference validation, audit cache) change
when a file in a problem's folder changes: a testbench edit never reuses an older verdict."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harness.suite import Suite, SuiteOptions, problem_files_digest
from harness.types import Candidate, Completion, Problem, Prompt, Status, Verdict


class FolderSuite(Suite):
    name = "folder-suite"
    family = "fake"
    root: Path

    def problems(self) -> Iterator[Problem]:
        for d in sorted(self.root.iterdir()):
            yield Problem(self.name, d.name, reference="ref", data={}, path=d)

    def prompt(self, problem: Problem) -> Prompt:
        return Prompt.user("x")

    def extract(self, problem: Problem, completion: Completion) -> Candidate | None:
        return None

    def evaluate(self, problem: Problem, candidate: Candidate, ctx) -> Verdict:  # type: ignore[no-untyped-def]
        return Verdict(Status.PASS)


def suite_on(tmp_path: Path) -> FolderSuite:
    suite = FolderSuite(SuiteOptions())
    suite.root = tmp_path
    return suite


def make(tmp_path: Path) -> FolderSuite:
    for name in ("p1", "p2"):
        (tmp_path / name / "__pycache__").mkdir(parents=True)
        (tmp_path / name / "tb.cpp").write_text(f"// testbench of {name}\n")
    return suite_on(tmp_path)


def hash_of(tmp_path: Path) -> str:
    """The hash a new run (a new suite object) computes."""
    return suite_on(tmp_path).content_hash()


def test_editing_a_testbench_changes_the_suite_hash_and_the_problem_digest(tmp_path: Path) -> None:
    suite = make(tmp_path)
    before, p1 = suite.content_hash(), next(iter(suite.problems()))
    digest = problem_files_digest(p1)
    assert hash_of(tmp_path) == before  # stable
    (tmp_path / "p1" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert hash_of(tmp_path) == before  # caches do not count
    (tmp_path / "p1" / "tb.cpp").write_text("// testbench of p1, one more check\n")
    assert hash_of(tmp_path) != before
    assert suite.content_hash() == before  # one run keeps the hash it started with
    assert problem_files_digest(p1) != digest
    (tmp_path / "p2" / "extra.h").write_text("#define N 4\n")  # a new file counts too
    after = hash_of(tmp_path)
    (tmp_path / "p2" / "extra.h").unlink()
    assert hash_of(tmp_path) != after


def test_a_problem_without_a_folder_has_an_empty_digest() -> None:
    assert problem_files_digest(Problem("s", "p", reference="r", data={})) == ""
