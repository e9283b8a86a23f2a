"""hweval report --plot: a real PNG with the run's metrics and statuses."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageStat

from harness.cli import main
from harness.errors import UsageError
from harness.publish.plots import plot_results
from harness.results import read_results
from tests.publish.runs import write_run


def _not_blank(path: Path) -> Image.Image:
    image = Image.open(path)
    image.load()
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 10
    return image


def test_plot_of_rates_other_metrics_and_statuses(tmp_path: Path) -> None:
    run = write_run(tmp_path / "k", "m", {"a": (3, 1), "b": (3, 3)}, family="kernel",
                    status_counts={"pass": 4, "fail": 1, "weird_status": 1},
                    extra_metrics={"speedup": {"mean": 2.5, "stderr": 0.5, "ci95": [1.5, 3.5], "n": 2}})
    out = plot_results(read_results(run), tmp_path / "plots" / "run.png")
    image = _not_blank(out)
    assert image.size[0] > image.size[1]  # three panels side by side for one suite


def test_report_plot_flag(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    run = write_run(tmp_path / "r", "reference", {"a": (1, 1), "b": (1, 0)})
    assert main(["report", str(run), "--plot", str(tmp_path / "r.png")]) == 0
    assert "plot:" in capsys.readouterr().out
    _not_blank(tmp_path / "r.png")


def test_plot_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    run = write_run(tmp_path / "r", "reference", {"a": (1, 1)})
    with pytest.raises(UsageError, match="--plot .*r.nope"):
        plot_results(read_results(run), tmp_path / "r.nope")


def test_value_labels_of_a_crowded_plot_do_not_overlap(tmp_path: Path) -> None:
    from harness.publish.plots import figure

    extra = {f"rate_{i:02d}": {"mean": 0.5 + 0.01 * i, "stderr": 0.2, "ci95": [0.1, 0.95], "n": 9}
             for i in range(12)}
    run = write_run(tmp_path / "k", "m", {f"p{i}": (3, i % 4) for i in range(9)}, family="kernel",
                    extra_metrics=extra)
    fig = figure(read_results(run))
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    for ax in fig.axes:
        boxes = [t.get_window_extent(renderer) for t in ax.texts]
        for i, a in enumerate(boxes):
            assert ax.bbox.contains(a.x0, a.y1) and ax.bbox.contains(a.x1, a.y0), (ax.get_title(), a, ax.bbox)
            for b in boxes[i + 1:]:
                assert not a.overlaps(b), (ax.get_title(), a, b)
