"""Red team 9b S1/S1b: ``publish --rescore`` re-read what a submitted run pointed it at.

S1: ``-S hls_cache=<folder in the run>`` made the re-evaluation load a forged hls-bugs item list
(every item a bug-free control). S1b: the recorded ``--data`` (a forged KernelBench copy in the
run folder) was the benchmark the re-evaluation read. Now the options that name files or folders
(each suite's ``path_options``) are dropped, and a run that read a benchmark source is
re-evaluated only on the source the maintainer gives (``--rescore-data SUITE=SOURCE``).
"""
from __future__ import annotations

import pytest

from harness.errors import UsageError
from harness.publish.rescore import trusted_inputs
from tests.helpers import hweval_in_process


def test_path_options_of_the_run_are_not_taken() -> None:
    run = {"suites": ["hls-bugs"], "suite_options": {"hls_cache": "sub/hlscache", "hls_include": "sub/inc",
                                                     "timeout": "20", "verdict_cache": "sub/vc"}}
    options, data = trusted_inputs(run, {})
    assert options == {"timeout": "20", "verdict_cache": "off"} and data is None
    run = {"suites": ["verilogeval-v1-human"], "data": "v1", "suite_options": {"descriptions": "sub/d.jsonl"}}
    assert trusted_inputs(run, {"verilogeval-v1-human": "/mine/v1"}) == ({"verdict_cache": "off"}, "/mine/v1")


def test_a_recorded_benchmark_source_needs_the_maintainers_own() -> None:
    run = {"suites": ["kernelbench"], "data": "sub2/kb", "suite_options": {"lang": "triton"}}
    with pytest.raises(UsageError, match=r"--rescore-data kernelbench=SOURCE"):
        trusted_inputs(run, {})
    with pytest.raises(UsageError):
        trusted_inputs(run, {"tritonbench-g": "/mine/tbg"})
    assert trusted_inputs(run, {"kernelbench": "/mine/kb"}) == ({"lang": "triton", "verdict_cache": "off"},
                                                                "/mine/kb")
    # red team 9c S5: chrysalis-hls also reads its benchmark from the suite option `-S data=`
    opt = {"suites": ["chrysalis-hls"], "data": None, "suite_options": {"data": "/work/forged"}}
    with pytest.raises(UsageError, match="/work/forged"):
        trusted_inputs(opt, {})
    assert trusted_inputs(opt, {"chrysalis-hls": "/mine/c"}) == ({"verdict_cache": "off"}, "/mine/c")


def test_the_flag_is_checked_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = hweval_in_process("publish", str(tmp_path), "--rescore", "--rescore-data", "kernelbench")
    assert r.returncode == 2 and "SUITE=SOURCE" in r.stderr
