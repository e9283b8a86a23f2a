"""``harness.cache``: keyed JSON records, atomic writes, damaged entries read as misses."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from harness.cache import JsonCache, atomic_write_json, key_of
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
