"""Leaderboard rows, merging rules and refusals (synthetic run folders in the real format)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import DataError, UsageError
from harness.publish.leaderboard import build
from tests.publish.runs import write_run

T0 = 1_700_000_000.0


def _rows(doc: dict) -> dict[tuple[str, str], dict]:
    return {(r["model"], r["suite"]): r for r in doc["rows"]}


def test_row_carries_every_metric_with_statistics_and_provenance(tmp_path: Path) -> None:
    run = write_run(tmp_path / "m", "mutant", {"p1": (3, 0), "p2": (3, 2), "p3": (3, 3)})
    doc = build([run]).doc
    (row,) = doc["rows"]
    assert set(row["metrics"]) == {"syntax_rate", "pass@1", "pass@2", "pass@3"}
    assert row["k_values"] == [1, 2, 3]
    assert row["metrics"]["pass@1"]["mean"] == pytest.approx((0 + 2 / 3 + 1) / 3)
    for stat in row["metrics"].values():
        assert stat["stderr"] is not None and len(stat["ci95"]) == 2 and stat["n"] == 3
        assert stat["ci95"][0] <= stat["mean"] <= stat["ci95"][1]
    assert (row["n_problems"], row["n_samples"]) == (3, 3)
    assert row["content_hash"] == "0123456789abcdef" and row["suite_version"] == "1"
    assert row["harness_version"] == "0.1.0" and row["tools"]["iverilog"].startswith("Icarus")
    assert len(row["config_hash"]) == 16 and row["run"]["dir"] == str(run)
    assert row["per_problem"]["p2"] == {"n": 3, "c": 2}
    assert doc["suites"] == {"toy-suite": {"family": "verilog", "suite_version": "1",
                                           "content_hash": "0123456789abcdef"}}


def test_model_summary_and_order(tmp_path: Path) -> None:
    runs = [write_run(tmp_path / "ref", "reference", {"p1": (1, 1), "p2": (1, 1)}),
            write_run(tmp_path / "mut", "mutant", {"p1": (1, 0), "p2": (1, 1)}),
            write_run(tmp_path / "ref2", "reference", {"q1": (1, 1)}, suite="other", family="hls",
                      content_hash="fedcba9876543210")]
    doc = build(runs).doc
    assert [m["model"] for m in doc["models"]] == ["reference", "mutant"]
    ref = doc["models"][0]
    assert ref["headline"] == {"other": 1.0, "toy-suite": 1.0} and ref["mean_headline"] == 1.0
    assert ref["suites"] == ["other", "toy-suite"] and ref["status_counts"] == {"pass": 3}
    assert doc["models"][1]["mean_headline"] == 0.5
    assert [(r["family"], r["model"]) for r in doc["rows"]] == [("hls", "reference"), ("verilog", "reference"),
                                                                 ("verilog", "mutant")]


def test_newer_run_of_same_key_replaces_older(tmp_path: Path) -> None:
    new = write_run(tmp_path / "new", "mutant", {"p1": (1, 1)}, mtime=T0 + 60)
    old = write_run(tmp_path / "old", "mutant", {"p1": (1, 0)}, mtime=T0)
    built = build([new, old])  # order on the command line does not matter, the time does
    (row,) = built.doc["rows"]
    assert row["run"]["dir"] == str(new) and row["metrics"]["pass@1"]["mean"] == 1.0
    assert built.replaced == [f"mutant/toy-suite: {old} -> {new}"]


def test_different_settings_are_separate_rows(tmp_path: Path) -> None:
    a = write_run(tmp_path / "t0", "m", {"p1": (1, 1)}, temperature=0.0)
    b = write_run(tmp_path / "t8", "m", {"p1": (1, 0)}, temperature=0.8)
    doc = build([a, b]).doc
    assert sorted(r["settings"]["temperature"] for r in doc["rows"]) == [0.0, 0.8]
    assert len({r["settings_hash"] for r in doc["rows"]}) == 2
    assert doc["models"][0]["n_rows"] == 2


def test_runs_of_different_suite_versions_are_refused(tmp_path: Path) -> None:
    a = write_run(tmp_path / "v1", "a", {"p1": (1, 1)}, version="1", content_hash="1111111111111111")
    b = write_run(tmp_path / "v2", "b", {"p1": (1, 1)}, version="2", content_hash="2222222222222222")
    with pytest.raises(DataError, match="suite toy-suite: runs of different suite versions cannot be mixed") as e:
        build([a, b])
    assert str(a) in str(e.value) and str(b) in str(e.value)


def test_merge_into_existing_file_drops_rows_of_an_older_suite_version(tmp_path: Path) -> None:
    board = tmp_path / "board.json"
    old_a = write_run(tmp_path / "old-a", "a", {"p1": (1, 0)}, content_hash="1111111111111111", mtime=T0)
    other = write_run(tmp_path / "other", "a", {"q": (1, 1)}, suite="other", content_hash="3333333333333333")
    board.write_text(json.dumps(build([old_a, other]).doc))
    new_b = write_run(tmp_path / "new-b", "b", {"p1": (1, 1)}, content_hash="2222222222222222")
    built = build([new_b], existing=board)
    rows = _rows(built.doc)
    assert set(rows) == {("b", "toy-suite"), ("a", "other")}  # a/toy-suite was of the old version
    assert len(built.dropped) == 1 and "a/toy-suite" in built.dropped[0] and str(old_a) in built.dropped[0]
    assert built.doc["suites"]["toy-suite"]["content_hash"] == "2222222222222222"


def test_merge_into_existing_file_keeps_and_replaces(tmp_path: Path) -> None:
    board = tmp_path / "board.json"
    first = write_run(tmp_path / "first", "a", {"p1": (1, 0)}, mtime=T0)
    keep = write_run(tmp_path / "keep", "b", {"p1": (1, 1)}, mtime=T0)
    board.write_text(json.dumps(build([first, keep]).doc))
    second = write_run(tmp_path / "second", "a", {"p1": (1, 1)}, mtime=T0 + 1)
    rows = _rows(build([second], existing=board).doc)
    assert rows[("a", "toy-suite")]["run"]["dir"] == str(second)
    assert rows[("b", "toy-suite")]["run"]["dir"] == str(keep)


def test_family_metrics_of_any_family_are_kept(tmp_path: Path) -> None:
    extra = {"fast_1": {"mean": 0.25, "stderr": 0.1, "ci95": [0.0, 0.5], "n": 4},
             "speedup_geomean": 1.7, "per_level": {"level1": 0.5}}
    run = write_run(tmp_path / "k", "m", {"a": (1, 1), "b": (1, 0)}, family="kernel", extra_metrics=extra)
    (row,) = build([run]).doc["rows"]
    assert row["family"] == "kernel"
    assert row["metrics"]["fast_1"] == extra["fast_1"]
    assert row["metrics"]["speedup_geomean"] == {"mean": 1.7, "stderr": None, "ci95": [None, None], "n": None}
    assert row["other_metrics"] == {"per_level": {"level1": 0.5}}


def test_refuses_infra_errors_and_unfinished_runs_naming_each(tmp_path: Path) -> None:
    good = write_run(tmp_path / "good", "a", {"p1": (1, 1)})
    infra = write_run(tmp_path / "infra", "b", {"p1": (2, 1)},
                      status_counts={"pass": 1, "infra_error": 1})
    partial = write_run(tmp_path / "partial", "c", {"p1": (1, 1)}, complete=False)
    missing = tmp_path / "generated-only"
    missing.mkdir()
    with pytest.raises(UsageError) as e:
        build([good, infra, partial, missing])
    msg = str(e.value)
    assert f"{infra}: suite toy-suite has 1 infra_error sample(s)" in msg
    assert f"{partial}: suite toy-suite is unfinished" in msg
    assert f"{missing}: unfinished run, no results.json" in msg
    assert str(good) + ":" not in msg


def test_publish_command_refusal_exit_code_and_output(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    infra = write_run(tmp_path / "infra", "b", {"p1": (2, 1)}, status_counts={"pass": 1, "infra_error": 1})
    out = tmp_path / "lb.json"
    assert main(["publish", str(infra), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "refusing to publish" in err and str(infra) in err and "infra_error" in err
    assert not out.exists()


def test_publish_command_writes_json_and_html(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", "reference", {"p1": (1, 1)})
    out, page = tmp_path / "site" / "lb.json", tmp_path / "site" / "lb.html"
    assert main(["publish", str(a), "--out", str(out), "--html", str(page)]) == 0
    assert json.loads(out.read_text())["rows"][0]["model"] == "reference"
    assert "reference" in page.read_text()
    b = write_run(tmp_path / "b", "mutant", {"p1": (1, 0)})
    assert main(["publish", str(b), "--out", str(out)]) == 0  # merged with the file's rows
    assert {r["model"] for r in json.loads(out.read_text())["rows"]} == {"reference", "mutant"}
    assert main(["publish", str(b), "--out", str(out), "--fresh"]) == 0
    assert {r["model"] for r in json.loads(out.read_text())["rows"]} == {"mutant"}


def test_corrupt_existing_leaderboard_is_named(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "lb.json"
    out.write_text('{"schema": "something-else"}')
    a = write_run(tmp_path / "a", "reference", {"p1": (1, 1)})
    assert main(["publish", str(a), "--out", str(out)]) == 2
    assert f"{out}: schema 'something-else'" in capsys.readouterr().err
