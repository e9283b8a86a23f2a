"""Family settings have a flag and a ``-S`` spelling: ``-S simulator=verilator`` is
``--simulator verilator`` (likewise ``lang``, ``shots``; ``hls_include`` and ``equiv`` are
suite options that their flags fill in)."""
from __future__ import annotations

import pytest

from harness.cli import _kv, build_parser
from harness.commands import _config
from harness.config import RunConfig
from harness.errors import UsageError
from harness.runner import make_suite


def parsed(*argv: str) -> RunConfig:
    args = build_parser().parse_args(["run", "--suite", "verilog-core", *argv])
    args.suite_options = _kv(args.suite_options, "-S")
    return _config(args)


def test_suite_option_spelling_sets_the_field() -> None:
    cfg = parsed("-S", "simulator=verilator", "-S", "lang=cuda", "-S", "shots=2", "-S", "lint=off")
    assert (cfg.simulator, cfg.lang, cfg.shots) == ("verilator", "cuda", 2)
    assert cfg.suite_options == {"lint": "off"}  # the aliases are not left as unknown -S keys
    assert parsed("--simulator", "verilator").to_json() == parsed("-S", "simulator=verilator").to_json()


def test_same_value_twice_is_fine_and_a_conflict_is_refused() -> None:
    assert parsed("--simulator", "verilator", "-S", "simulator=verilator").simulator == "verilator"
    with pytest.raises(UsageError, match="-S simulator=icarus and --simulator verilator: give the setting once"):
        parsed("--simulator", "verilator", "-S", "simulator=icarus")


@pytest.mark.parametrize(("pair", "message"), [
    ("simulator=vcs", "expected one of icarus, verilator"),
    ("lang=cobol", "expected one of triton, cuda"),
    ("shots=9", "between 0 and 4"),
    ("shots=two", "between 0 and 4"),
])
def test_values_are_checked_like_the_flags(pair: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parsed("-S", pair)


def test_configs_from_elsewhere_are_normalised_too() -> None:
    cfg = RunConfig.from_json({"suites": ["verilog-core"], "suite_options": {"simulator": "verilator"}})
    assert cfg.simulator == "verilator" and cfg.suite_options == {}


def test_suites_receive_the_setting_either_way() -> None:
    suite = make_suite("verilog-core", parsed("-S", "simulator=verilator", "--hls-include", "/x", "--equiv"))
    assert suite.options.simulator == "verilator"
    assert suite.options.get("hls_include") == "/x" and suite.options.get("equiv") == "on"
