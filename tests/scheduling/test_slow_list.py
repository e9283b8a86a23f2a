"""The measured ``slow`` list (tests/slow.txt, tests/timing.py): what goes on it, and that a listed
test is marked ``slow`` at collection, so ``make test-fast`` leaves it out."""
from __future__ import annotations

import re
from pathlib import Path

from tests import timing

ROOT = Path(__file__).resolve().parents[2]


def test_the_list_takes_slow_unmarked_tests_only() -> None:
    rows = [{"test": "tests/a/test_x.py::fast", "wall": 0.1}, {"test": "tests/a/test_x.py::slow", "wall": 3.0},
            {"test": "tests/a/test_x.py::edge", "wall": timing.THRESHOLD_S},
            {"test": "tests/a/test_x.py::marked", "wall": 9.0}]
    ids = timing.measured_slow(rows, marked=frozenset({"tests/a/test_x.py::marked"}))
    assert ids == ["tests/a/test_x.py::edge", "tests/a/test_x.py::slow"]


def test_load_reads_ids_and_files_and_skips_comments(tmp_path: Path) -> None:
    path = tmp_path / "slow.txt"
    path.write_text(timing.render(["tests/a/test_x.py::t[p-1]"]) + "tests/b/test_y.py  # a whole file\n\n")
    listed = timing.load(path)
    assert listed == {"tests/a/test_x.py::t[p-1]", "tests/b/test_y.py"}
    assert timing.is_listed("tests/b/test_y.py::anything", listed)
    assert timing.is_listed("tests/a/test_x.py::t[p-1]", listed)
    assert not timing.is_listed("tests/a/test_x.py::t[p-2]", listed)
    assert timing.load(tmp_path / "absent.txt") == frozenset()


def test_every_listed_test_exists() -> None:
    stale = []
    for entry in sorted(timing.load()):
        path, _, name = entry.partition("::")
        if not (ROOT / path).is_file():
            stale.append(entry)
        elif name and not re.search(rf"def {re.escape(name.split('[')[0].split('::')[-1])}\(",
                                    (ROOT / path).read_text()):
            stale.append(entry)
    assert not stale, f"tests/slow.txt names tests that are gone: {stale[:5]}"


def test_a_listed_test_is_marked_slow_at_collection(monkeypatch) -> None:
    from tests import conftest

    class Item:
        def __init__(self, nodeid: str) -> None:
            self.nodeid, self.marks = nodeid, []

        def add_marker(self, mark) -> None:
            self.marks.append(mark.name)

    listed, other = sorted(timing.load())[0], "tests/scheduling/test_slow_list.py::not_listed"
    items = [Item(listed), Item(other)]
    conftest.pytest_collection_modifyitems(None, items)  # type: ignore[arg-type]
    assert items[0].marks == ["slow"] and items[1].marks == []
    monkeypatch.setenv("HWEVAL_SLOW_LIST", "off")
    items = [Item(listed)]
    conftest.pytest_collection_modifyitems(None, items)  # type: ignore[arg-type]
    assert items[0].marks == []
