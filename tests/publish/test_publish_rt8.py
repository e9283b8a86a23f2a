"""Red team round 8b, S1: ``publish --rescore`` rebuilt its configuration from the submitter's
recorded ``config.run``, executor and Ray address included, so the "trust nothing" re-evaluation
ran on a Ray cluster the submitter controlled (whose workers returned ``pass`` for everything).
Now a re-evaluation takes from a run only what defines its problems and verdicts
(:data:`harness.publish.scope.RUN_KEYS`); where and how it runs is this machine's.
"""
from __future__ import annotations

from harness.config import RESUME_KEYS
from harness.publish.scope import MAX_TIMEOUT_S, PublishChecks

#: a submitter's recorded settings pointing the re-evaluation elsewhere
SUBMITTED = {"suites": ["verilog-core"], "model": "replay:answers.jsonl", "n_samples": 2, "seed": 7,
             "problems": ["and_gate"], "suite_options": {"synth": "off"}, "executor": "ray",
             "ray_address": "192.0.2.2:6391", "base_url": "http://192.0.2.2:8000/v1", "api_key_env": "EVIL",
             "generation_cache": "on", "sandbox": "none", "allow_unsandboxed": True, "workers": 64,
             "timeout_s": 1e9, "out": "/somewhere/else"}


def test_a_recorded_ray_cluster_is_not_used_by_the_re_evaluation() -> None:
    cfg = PublishChecks().run_config(SUBMITTED, out="rescore-here", resume=True)
    assert cfg.executor == "local" and cfg.ray_address is None
    assert cfg.base_url is None and cfg.api_key_env is None
    assert cfg.sandbox == "local" and cfg.allow_unsandboxed is False and cfg.out == "rescore-here"


def test_what_was_evaluated_is_kept() -> None:
    cfg = PublishChecks(workers=2).run_config(SUBMITTED)
    assert (cfg.suites, cfg.problems, cfg.n_samples, cfg.seed) == (["verilog-core"], ["and_gate"], 2, 7)
    assert cfg.suite_options == {"synth": "off"} and cfg.workers == 2
    assert cfg.timeout_s == MAX_TIMEOUT_S  # a recorded wall limit is kept up to the cap
    assert PublishChecks().run_config({**SUBMITTED, "timeout_s": 90}).timeout_s == 90


def test_every_setting_taken_from_a_run_defines_its_problems_or_verdicts() -> None:
    taken = set(RESUME_KEYS)
    assert not taken & {"executor", "ray_address", "base_url", "api_key_env", "out", "resume", "sandbox",
                        "allow_unsandboxed", "workers", "generation_cache"}
