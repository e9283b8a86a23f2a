"""The pieces under the backends: retry timing, URL redaction, cache keys, the vLLM batcher."""
from __future__ import annotations

import email.utils
import importlib.util
import threading
import time
from pathlib import Path

import pytest

from harness.backend import Backend, BackendOptions, GenerationRequest
from harness.backends.cache import GenerationCache
from harness.backends.http import RetryPolicy, parse_retry_after, redact_url
from harness.backends.vllm import MicroBatcher
from harness.errors import UsageError
from harness.generate import cache_key
from harness.types import Completion, GenerationSettings


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (parse_retry_after({"retry-after": later}) or 0) <= 31
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def test_backoff_grows_with_jitter_and_caps() -> None:
    policy = RetryPolicy(base_s=1.0, max_s=5.0, retry_after_cap_s=60.0)
    for attempt, hi in ((0, 1.0), (1, 2.0), (2, 4.0), (6, 5.0)):
        delays = [policy.delay(attempt, None) for _ in range(50)]
        assert all(hi / 2 <= d <= hi for d in delays) and len(set(delays)) > 1
    assert policy.delay(0, 12.0) == 12.0 and policy.delay(0, 1e6) == 60.0


def test_redact_url() -> None:
    assert redact_url("https://user:pw@host:8443/v1?api-version=1&api_key=s3cret") == \
        "https://host:8443/v1?api-version=1&api_key=REDACTED"
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"


def test_backend_options_parsing() -> None:
    opts = BackendOptions(extra={"n": "4", "flag": "off"})
    assert opts.get("n", 1, int) == 4 and opts.get("flag", True, bool) is False and opts.get("x", 7, int) == 7
    with pytest.raises(UsageError, match="-B n=4"):
        BackendOptions(extra={"n": "4"}).get("n", 1.0, bool)
    with pytest.raises(UsageError, match="colour"):
        BackendOptions(extra={"colour": "red"}).check_extra("demo", {"n": "samples"})


class _Echo(Backend):
    name = "echo"

    def generate(self, request: GenerationRequest) -> list[Completion]:
        return []

    def identity(self) -> dict:
        return {"backend": self.name, "model": self.model, "mode": self.options.extra.get("mode")}


def test_cache_key_covers_everything_that_changes_a_sample() -> None:
    base = cache_key(_Echo("m"), GenerationSettings(), "p" * 64, 0)
    variants = [
        cache_key(_Echo("m"), GenerationSettings(), "p" * 64, 1),  # sample index
        cache_key(_Echo("m2"), GenerationSettings(), "p" * 64, 0),  # model
        cache_key(_Echo("m", BackendOptions(extra={"mode": "completion"})), GenerationSettings(), "p" * 64, 0),
        cache_key(_Echo("m"), GenerationSettings(temperature=0.5), "p" * 64, 0),
        cache_key(_Echo("m"), GenerationSettings(seed=1), "p" * 64, 0),
        cache_key(_Echo("m"), GenerationSettings(stop=("x",)), "p" * 64, 0),
        cache_key(_Echo("m"), GenerationSettings(), "q" * 64, 0),  # prompt
    ]
    assert len({base, *variants}) == 1 + len(variants)
    assert base == cache_key(_Echo("m"), GenerationSettings(), "p" * 64, 0)


def test_generation_cache_round_trip(tmp_path: Path) -> None:
    cache = GenerationCache(tmp_path)
    good = Completion("s", "p", 0, "text", "sha", usage={"completion_tokens": 3}, latency_s=1.5, cache_key="ab" * 32)
    cache.put(good)
    cache.put(Completion("s", "p", 1, "", error="refused", cache_key="cd" * 32))  # never cached
    hit = cache.get("ab" * 32, "s2", "p2", 5)
    assert hit is not None and (hit.suite, hit.problem_id, hit.sample_idx, hit.completion) == ("s2", "p2", 5, "text")
    assert hit.usage == {"completion_tokens": 3, "cached": 1} and hit.latency_s == 1.5
    assert cache.get("cd" * 32, "s", "p", 1) is None
    (tmp_path / "ab" / f"{'ab' * 32}.json").write_text("{broken")
    assert cache.get("ab" * 32, "s", "p", 0) is None  # a damaged entry is a miss


def test_micro_batcher_gathers_concurrent_requests() -> None:
    calls: list[list[int]] = []

    def run(items: list[int]) -> list[int]:
        calls.append(items)
        time.sleep(0.05)
        return [i * 10 for i in items]

    batcher: MicroBatcher[int, int] = MicroBatcher(run, max_batch=8, gather_s=0.1)
    results: dict[int, list[int]] = {}

    def worker(k: int) -> None:
        results[k] = batcher.submit([k, k + 100])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    batcher.close()
    assert results == {k: [k * 10, (k + 100) * 10] for k in range(4)}
    assert sum(len(c) for c in calls) == 8 and len(calls) < 4  # several requests per engine call


def test_micro_batcher_hands_errors_to_callers() -> None:
    def run(items: list[int]) -> list[int]:
        raise RuntimeError("engine died")

    batcher: MicroBatcher[int, int] = MicroBatcher(run, max_batch=4, gather_s=0.0)
    with pytest.raises(RuntimeError, match="engine died"):
        batcher.submit([1])
    batcher.close()


@pytest.mark.skipif(importlib.util.find_spec("vllm") is not None, reason="vLLM is installed")
def test_vllm_missing_is_a_clear_usage_error(hweval, tmp_path: Path) -> None:
    code, err = hweval("generate", "--suite", "verilog-core", "--model", "vllm:some/model", "--limit", "1",
                       "--out", str(tmp_path / "run"))
    assert code == 2
    assert "pip install 'hweval[vllm]'" in err and "openai:" in err
