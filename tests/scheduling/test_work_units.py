"""The xdist work units of `make test` (tests/conftest.py): each file is one unit, handed out
the listed ones first (suite builds, then the longest), each unit's tests together and in collection order."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import _SHARED_GROUPS, LONGEST_FIRST, unit_order, work_unit

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_unit_exists() -> None:
    groups = set(_SHARED_GROUPS.values())
    stale = [u for u in LONGEST_FIRST if u not in groups and not (ROOT / u).is_file()]
    assert not stale, f"tests/conftest.py LONGEST_FIRST names files that are gone: {stale}"
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)


def test_listed_units_go_first_in_their_order_then_most_tests_first() -> None:
    first, second = [u for u in LONGEST_FIRST if u.startswith("tests/")][:2]
    ids = ["tests/a/test_small.py::t1",
           "tests/a/test_many.py::t1", "tests/a/test_many.py::t2", "tests/a/test_many.py::t3",
           f"{second}::x", "tests/b/test_two.py::t1", f"{first}::y", f"{second}::z", "tests/b/test_two.py::t2"]
    order = unit_order(ids)
    assert sorted(order) == sorted(ids)
    assert order[:3] == [f"{first}::y", f"{second}::x", f"{second}::z"]  # each unit together, in its order
    assert order[3:] == ["tests/a/test_many.py::t1", "tests/a/test_many.py::t2", "tests/a/test_many.py::t3",
                         "tests/b/test_two.py::t1", "tests/b/test_two.py::t2", "tests/a/test_small.py::t1"]


def test_a_shared_group_is_one_unit() -> None:
    assert "plugins" in _SHARED_GROUPS.values()
    order = unit_order(["tests/plugins/test_p.py::p1", "tests/a/test_x.py::x", "tests/plugins/test_q.py::q1"])
    assert [work_unit(n) for n in order].count("plugins") == 2
    assert order.index("tests/plugins/test_q.py::q1") == order.index("tests/plugins/test_p.py::p1") + 1
