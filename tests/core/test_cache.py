"""``harness.cache``: keyed JSON records, atomic writes and folders, damaged entries read as misses."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from harness.cache import JsonCache, atomic_dir, atomic_write_json, key_of, read_json
from harness.results import write_json_atomic


def test_key_is_stable_and_order_free() -> None:
    assert key_of({"a": 1, "b": [1, 2]}, "x") == key_of({"b": [1, 2], "a": 1}, "x")
    assert key_of({"a": 1}, "x") != key_of({"a": 2}, "x")
    assert len(key_of(Path("/p"))) == 64  # non-JSON values go through str()


def test_get_put_round_trip_and_layout(tmp_path: Path) -> None:
    cache = JsonCache(tmp_path / "c")
    key = key_of("k")
    assert cache.get(key) is None
    assert cache.put(key, {"v": [1, 2]})
    assert cache.get(key) == {"v": [1, 2]}
    assert cache.path(key) == tmp_path / "c" / key[:2] / f"{key}.json"
    assert [p.name for p in cache.path(key).parent.iterdir()] == [f"{key}.json"]  # no temporary left


def test_flat_layout(tmp_path: Path) -> None:
    cache = JsonCache(tmp_path, flat=True)
    key = key_of("f")
    assert cache.put(key, [1]) and cache.get(key) == [1]
    assert cache.path(key) == tmp_path / f"{key}.json" and [p.name for p in tmp_path.iterdir()] == [f"{key}.json"]


def test_damaged_entry_is_a_miss(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = JsonCache(tmp_path, label="test cache")
    key = key_of("d")
    cache.path(key).parent.mkdir(parents=True)
    cache.path(key).write_text('{"half": ')
    assert cache.get(key) is None
    assert "test cache: ignoring unreadable" in caplog.text


def test_failed_write_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    cache = JsonCache(tmp_path / "file")  # its folders cannot be made under a file
    assert cache.put(key_of("x"), {"a": 1}) is False


def test_concurrent_writers_never_leave_a_torn_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    big = {str(i): "x" * 2000 for i in range(50)}

    def write(tag: int) -> None:
        for _ in range(20):
            atomic_write_json(path, {**big, "tag": tag})

    def read(errors: list[str]) -> None:
        for _ in range(200):
            if path.exists():
                try:
                    json.loads(path.read_text())
                except ValueError as exc:
                    errors.append(str(exc))

    errors: list[str] = []
    threads = [threading.Thread(target=write, args=(t,)) for t in range(3)]
    threads.append(threading.Thread(target=read, args=(errors,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert json.loads(path.read_text())["tag"] in (0, 1, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.json"]


def test_run_files_are_written_through_it(tmp_path: Path) -> None:
    write_json_atomic(tmp_path / "results.json", {"b": 1, "a": 2})
    text = (tmp_path / "results.json").read_text()
    assert text == '{\n  "a": 2,\n  "b": 1\n}\n'


def test_read_json_missing_damaged_and_good(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert read_json(tmp_path / "none.json") is None
    (tmp_path / "bad.json").write_text("[1, ")
    assert read_json(tmp_path / "bad.json", label="items") is None and "items: ignoring unreadable" in caplog.text
    atomic_write_json(tmp_path / "good.json", {"a": [1]}, indent=1)
    assert read_json(tmp_path / "good.json") == {"a": [1]}


def test_atomic_dir_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    final = tmp_path / "entries" / "k1"
    with atomic_dir(final) as tmp:
        assert tmp.parent == final.parent and tmp.is_dir() and not final.exists()
        (tmp / "a.json").write_text("1")
        assert not final.exists()  # nothing shows before the block ends
    assert sorted(p.name for p in final.iterdir()) == ["a.json"]
    assert sorted(p.name for p in final.parent.iterdir()) == ["k1"]  # no temporary folder left


def test_atomic_dir_error_leaves_nothing(tmp_path: Path) -> None:
    final = tmp_path / "k2"
    with pytest.raises(RuntimeError, match="boom"), atomic_dir(final) as tmp:
        (tmp / "half.json").write_text("{")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_atomic_dir_first_writer_wins(tmp_path: Path) -> None:
    final = tmp_path / "k3"
    with atomic_dir(final) as first, atomic_dir(final) as second:
        (first / "who").write_text("first")
        (second / "who").write_text("second")
    # the inner block (second) ended first and was renamed into place; the first was dropped
    assert (final / "who").read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k3"]
