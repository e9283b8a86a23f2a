"""Family settings are suite options that the suites declare; their flags are documented aliases:
``--simulator verilator`` is ``-S simulator=verilator`` (likewise ``--lang``, ``--shots``,
``--hls-include``, ``--equiv``). The run configuration holds them in ``suite_options`` only."""
from __future__ import annotations

import json

import pytest

from harness import registry
from harness.cli import _kv, build_parser
from harness.commands import _config
from harness.config import OPTION_ALIASES, RunConfig, check_resume_compatible
from harness.errors import UsageError
from harness.preflight import check_suite_settings
from harness.runner import make_suite
from harness.suite import SuiteOptions


def parsed(*argv: str, suite: str = "verilog-core") -> RunConfig:
    args = build_parser().parse_args(["run", "--suite", suite, *argv])
    args.suite_options = _kv(args.suite_options, "-S")
    return _config(args)


def test_flags_and_suite_options_are_one_setting() -> None:
    cfg = parsed("-S", "simulator=verilator", "-S", "lang=cuda", "-S", "shots=2", "-S", "lint=off")
    assert cfg.suite_options == {"simulator": "verilator", "lang": "cuda", "shots": "2", "lint": "off"}
    by_flags = parsed("--simulator", "verilator", "--lang", "cuda", "--shots", "2", "-S", "lint=off")
    assert by_flags.to_json() == cfg.to_json()
    assert parsed("--hls-include", "/x", "--equiv").suite_options == {"hls_include": "/x", "equiv": "on"}
    assert parsed().suite_options == {}  # a flag left at its default sets nothing
    for key in OPTION_ALIASES:  # the core record has no field for a family setting
        assert key not in cfg.to_json() and not hasattr(cfg, key)


def test_same_value_twice_is_fine_and_a_conflict_is_refused() -> None:
    assert parsed("--simulator", "verilator", "-S", "simulator=verilator").suite_options["simulator"] == "verilator"
    with pytest.raises(UsageError, match="-S simulator=icarus and --simulator verilator: give the setting once"):
        parsed("--simulator", "verilator", "-S", "simulator=icarus")


@pytest.mark.parametrize(("pair", "message"), [
    ("simulator=vcs", "expected one of icarus, verilator"),
    ("lang=cobol", "expected one of triton, cuda"),
    ("shots=9", "between 0 and 4"),
    ("shots=two", "between 0 and 4"),
    ("equiv=maybe", "expected on or off"),
])
def test_values_are_checked_like_the_flags(pair: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parsed("-S", pair)


def test_configs_from_elsewhere_are_normalised_too() -> None:
    """config.json files written before the aliases moved keep their meaning (``hweval evaluate``)."""
    old = {"suites": ["verilog-core"], "simulator": "verilator", "lang": None, "shots": 0, "equiv": True,
           "hls_include": None, "suite_options": {"lint": "off"}}
    cfg = RunConfig.from_json(old)
    assert cfg.suite_options == {"lint": "off", "simulator": "verilator", "equiv": "on"}
    check_resume_compatible({"run": old}, cfg, "DIR")  # type: ignore[arg-type]  # the same settings: no refusal
    with pytest.raises(UsageError, match="other settings"):
        check_resume_compatible({"run": {**old, "simulator": "icarus"}}, cfg, "DIR")  # type: ignore[arg-type]
    assert json.loads(json.dumps(cfg.to_json())) == cfg.to_json()


def test_suites_declare_the_options_they_read() -> None:
    schemas = {name: registry.load("suites", name).options_schema
               for name in ("verilog-core", "kernels-core", "verilogeval-v2-spec", "hls-bugs")}
    assert "simulator" in schemas["verilog-core"] and "equiv" in schemas["verilog-core"]
    assert "lang" in schemas["kernels-core"] and "shots" in schemas["verilogeval-v2-spec"]
    assert "hls_include" in schemas["hls-bugs"]
    assert "lang" not in schemas["verilog-core"] and "simulator" not in schemas["kernels-core"]


def test_suites_receive_the_setting_either_way() -> None:
    suite = make_suite("verilog-core", parsed("-S", "simulator=verilator", "--hls-include", "/x", "--equiv"))
    assert suite.options.get("simulator") == "verilator" and suite.options.get("equiv") == "on"
    assert suite.options.get("hls_include") is None  # not a Verilog option: the suite never sees it


def test_an_alias_no_selected_suite_reads_is_ignored_as_the_flag_was() -> None:
    """``HWEVAL_LANG=cuda`` exported for kernel runs must not break a Verilog run."""
    cfg = parsed("--lang", "cuda")
    check_suite_settings({"verilog-core": registry.load("suites", "verilog-core")}, cfg.suite_options, None)
    assert make_suite("verilog-core", cfg).options.get("lang") is None
    with pytest.raises(UsageError, match="-S nonsense: not an option"):
        check_suite_settings({"verilog-core": registry.load("suites", "verilog-core")}, {"nonsense": "1"}, None)


def test_verdict_keys_keep_their_meaning() -> None:
    """A family fills in the default it reads: no flag and the default flag share verdicts; another
    simulator, language or equivalence setting does not; prompt-only ``shots`` is not part of it."""
    def key(suite: str, *argv: str) -> object:
        return make_suite(suite, parsed(*argv, suite=suite)).verdict_options()

    assert key("verilog-core") == key("verilog-core", "-S", "simulator=icarus") != key("verilog-core",
                                                                                       "--simulator", "verilator")
    assert key("verilog-core") != key("verilog-core", "--equiv")
    assert key("kernels-core") == key("kernels-core", "--lang", "triton") != key("kernels-core", "--lang", "cuda")
    assert key("verilog-core")["options"]["simulator"] == "icarus"  # type: ignore[index]


def test_suite_options_accept_the_old_keywords() -> None:
    opts = SuiteOptions(lang="cuda", simulator="verilator", shots=1, extra={"lint": "off"})
    assert opts.extra == {"lint": "off", "lang": "cuda", "simulator": "verilator", "shots": "1"}
    assert opts.get("lang") == "cuda" and not hasattr(opts, "lang")
