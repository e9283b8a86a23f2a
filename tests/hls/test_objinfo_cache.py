"""The integrity gate's object facts (the header probe, the original kernel's and testbench's
facts) are made once per cache entry: threads of a run and processes sharing the cache folder
that need the same entry wait for the first and read what it wrote (the probe is a compile of
about 20 CPU-s). ``make`` is a slow stand-in that counts its calls; the lock, the file and its
reading are the real ones."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness.families.hls.objcheck import ObjInfo, cached_infos


def _counting_make(calls: list[int], delay_s: float = 0.0) -> Callable[[], dict[str, ObjInfo]]:
    lock = threading.Lock()

    def make() -> dict[str, ObjInfo]:
        with lock:
            calls.append(1)
        time.sleep(delay_s)
        return {"headers": ObjInfo(undefined=["fprintf", f"call{len(calls)}"])}
    return make


def test_concurrent_callers_of_one_entry_make_it_once(tmp_path: Path) -> None:
    calls: list[int] = []
    make = _counting_make(calls, 0.5)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: cached_infos(tmp_path, "k" * 64, make), range(3)))
    assert len(calls) == 1  # the others waited, then read the entry
    assert all(r == results[0] for r in results) and results[0]["headers"].undefined == ["fprintf", "call1"]
    assert [p.suffix for p in sorted((tmp_path / "objinfo").glob("k*"))] == [".json", ".lock"]


def test_other_keys_and_no_cache_still_make(tmp_path: Path) -> None:
    calls: list[int] = []
    make = _counting_make(calls)
    cached_infos(tmp_path, "a" * 64, make)
    cached_infos(tmp_path, "a" * 64, make)
    assert len(calls) == 1
    cached_infos(tmp_path, "b" * 64, make)
    cached_infos(None, "a" * 64, make)
    cached_infos(None, "a" * 64, make)
    assert len(calls) == 4
    (tmp_path / "objinfo" / f"{'a' * 40}.json").write_text("{not json")  # a damaged entry is made again
    assert cached_infos(tmp_path, "a" * 64, make)["headers"].undefined == ["fprintf", "call5"]
