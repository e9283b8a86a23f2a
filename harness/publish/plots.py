"""``hweval report DIR --plot FILE.png``: a run's metrics drawn with matplotlib.

One row of panels per suite: the rate metrics (pass@k, syntax rate, ... in [0, 1]) as bars
with 95% interval whiskers, other metrics (speedups ...) on their own axis, and the counts of
verdict statuses. Uses the object-oriented Agg canvas, so no GUI backend or pyplot state.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import ToolMissingError, UsageError
from harness.publish.leaderboard import as_stat, metric_order
from harness.publish.svg import STATUS_COLORS

_OTHER = "#bdbdbd"


def _is_rate(stat: dict[str, Any]) -> bool:
    values = [v for v in (stat["mean"], *stat["ci95"]) if v is not None]
    return all(0.0 <= v <= 1.0 for v in values)


def _bars(ax: Any, stats: dict[str, dict[str, Any]], title: str, rate: bool) -> None:
    names = list(stats)
    means = [stats[m]["mean"] for m in names]
    err_lo = [max(0.0, s["mean"] - s["ci95"][0]) if s["ci95"][0] is not None else 0.0 for s in stats.values()]
    err_hi = [max(0.0, s["ci95"][1] - s["mean"]) if s["ci95"][1] is not None else 0.0 for s in stats.values()]
    ax.bar(range(len(names)), means, color="#5c6bc0", yerr=[err_lo, err_hi], capsize=4, ecolor="#212121")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    crowded = len(names) > 5  # upright labels of neighbouring bars would run into each other
    for i, (m, hi) in enumerate(zip(means, err_hi, strict=True)):  # above the whisker, not on it
        ax.annotate(f"{m:.3f}" if not crowded else f"{m:.2f}", (i, m + hi), textcoords="offset points",
                    xytext=(0, 3), ha="center", va="bottom", fontsize=7 if crowded else 8,
                    rotation=90 if crowded else 0)
    top = max([m + hi for m, hi in zip(means, err_hi, strict=True)] or [1.0])
    if rate:
        ax.set_ylim(0, max(1.0, top) * (1.25 if crowded else 1.12))
    else:
        ax.set_ylim(min(0.0, *means) if means else 0.0, top * (1.3 if crowded else 1.15) if top > 0 else 1.0)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)


def plot_results(results: dict[str, Any], path: Path) -> Path:
    """Draw ``results`` (a results.json document) to the image ``path`` (format from its suffix)."""
    fig = figure(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(path, dpi=110)
    except ValueError as exc:  # unknown image format from the suffix
        raise UsageError(f"--plot {path}: {exc}") from exc
    return path


def figure(results: dict[str, Any]) -> Any:
    """The matplotlib Figure of ``results`` (on an Agg canvas)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ToolMissingError("--plot needs matplotlib: pip install 'hweval[dev]' (or matplotlib)") from exc
    suites = results.get("suites", {})
    if not suites:
        raise UsageError("--plot: results.json holds no suites")
    model = results.get("config", {}).get("run", {}).get("model", "?")
    layout = []
    for name, s in sorted(suites.items()):
        stats = {m: st for m in metric_order(set(s.get("metrics", {})))
                 if (st := as_stat(s["metrics"][m])) is not None and st["mean"] is not None}
        rates = {m: st for m, st in stats.items() if _is_rate(st)}
        others = {m: st for m, st in stats.items() if m not in rates}
        layout.append((name, s, rates, others))
    ncols = 2 + any(others for *_, others in layout)
    fig = Figure(figsize=(4.2 * ncols, 3.6 * len(layout)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(layout), ncols, squeeze=False)
    for row, (name, s, rates, others) in zip(axes, layout):
        head = f"{name} — {model}\n{s.get('n_problems', 0)} problems x {s.get('n_samples', 0)} samples"
        if rates:
            _bars(row[0], rates, f"{head}\nrates (whiskers: 95% interval)", rate=True)
        else:
            row[0].text(0.5, 0.5, "no rate metrics", ha="center", va="center")
            row[0].set_axis_off()
        if ncols == 3:
            if others:
                _bars(row[1], others, f"{name}: other metrics", rate=False)
            else:
                row[1].set_axis_off()
        counts = s.get("status_counts", {})
        ax = row[-1]
        names = [k for k in STATUS_COLORS if k in counts] + sorted(k for k in counts if k not in STATUS_COLORS)
        ax.barh(range(len(names)), [counts[k] for k in names],
                color=[STATUS_COLORS.get(k, _OTHER) for k in names])
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set_title(f"{name}: verdict statuses (samples)", fontsize=10)
        for i, k in enumerate(names):
            ax.annotate(str(counts[k]), (counts[k], i), textcoords="offset points", xytext=(3, 0), fontsize=8,
                        va="center")
        ax.set_xlim(0, max(counts.values() or [1]) * 1.15)
    return fig
