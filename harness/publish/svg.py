"""Inline SVG charts for the leaderboard page: interval bars, pass-rate heat map, status bars.

Each function returns an ``<svg>`` string with every label escaped; nothing is fetched at
view time. Hover text comes from ``<title>`` elements.
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

#: colours of the verdict statuses (DESIGN.md vocabulary); unknown statuses are grey
STATUS_COLORS = {
    "pass": "#2e7d32", "fail": "#c62828", "syntax_error": "#ef6c00", "timeout": "#6a1b9a",
    "runtime_error": "#ad1457", "no_code": "#9e9e9e", "rejected": "#37474f", "infra_error": "#1565c0",
}
_OTHER = "#bdbdbd"
_LABEL_W = 230
_FONT = 'font-family="sans-serif" font-size="12"'


_MAX_LABEL = 80  # characters; a longer label is shortened with "…" (its full text is the hover title)


def label_width(labels: Sequence[str]) -> int:
    """Room for the longest label at 12 px sans-serif (about 7 px a character), so none is clipped."""
    return max(120, 7 * min(_MAX_LABEL, max((len(t) for t in labels), default=0)) + 16)


def label_text(text: str) -> str:
    """The label as drawn (escaped): at most ``_MAX_LABEL`` characters, with a hover title."""
    shown = text if len(text) <= _MAX_LABEL else text[:_MAX_LABEL - 1] + "…"
    return f"<title>{escape(text)}</title>{escape(shown)}"


def fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def rate_color(rate: float | None) -> str:
    """Red (0) through yellow (0.5) to green (1); light grey for no data."""
    if rate is None:
        return "#eeeeee"
    r = max(0.0, min(1.0, rate))
    if r < 0.5:
        a, b, t = (198, 40, 40), (251, 192, 45), r / 0.5
    else:
        a, b, t = (251, 192, 45), (46, 125, 50), (r - 0.5) / 0.5
    return "#{:02x}{:02x}{:02x}".format(*(round(x + (y - x) * t) for x, y in zip(a, b)))


def interval_bars(items: Sequence[tuple[str, dict[str, Any] | None]], metric: str, width: int = 640) -> str:
    """Horizontal bars of ``metric`` means with 95% interval whiskers, one per (label, stat)."""
    bar_h, gap, top = 18, 8, 24
    values = [v for _, s in items if s for v in (s.get("mean"), *(s.get("ci95") or [])) if v is not None]
    vmax = max([1.0, *values])
    label_w = label_width([label for label, _ in items])
    plot_w = width - _LABEL_W - 70
    width = label_w + plot_w + 70
    height = top + len(items) * (bar_h + gap) + 20

    def x(v: float) -> float:
        return label_w + plot_w * max(0.0, v) / vmax

    parts = [f'<svg class="bars" width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(metric)} by model">',
             f'<text x="{label_w}" y="14" {_FONT} font-weight="bold">{escape(metric)} '
             f'(bar: mean; whisker: 95% interval)</text>']
    for tick in (0.0, vmax / 2, vmax):
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top - 4}" y2="{height - 16}" '
                     f'stroke="#ddd"/><text x="{x(tick):.1f}" y="{height - 4}" {_FONT} '
                     f'text-anchor="middle">{tick:g}</text>')
    for i, (label, stat) in enumerate(items):
        y = top + i * (bar_h + gap)
        mean = stat.get("mean") if stat else None
        lo, hi = (stat.get("ci95") or [None, None]) if stat else (None, None)
        tip = f"{label}: {metric} {fmt(mean)}, 95% interval [{fmt(lo)}, {fmt(hi)}]"
        parts.append(f'<g><title>{escape(tip)}</title>'
                     f'<text x="{label_w - 6}" y="{y + 13}" {_FONT} text-anchor="end">{label_text(label)}</text>')
        if mean is not None:
            parts.append(f'<rect x="{label_w}" y="{y}" width="{x(mean) - label_w:.1f}" height="{bar_h}" '
                         f'fill="#5c6bc0"/>')
            parts.append(f'<text x="{x(max(mean, hi or 0)) + 6:.1f}" y="{y + 13}" {_FONT}>{fmt(mean)}</text>')
        if lo is not None and hi is not None:
            cy = y + bar_h / 2
            parts.append(f'<path d="M{x(lo):.1f} {cy} H{x(hi):.1f} M{x(lo):.1f} {cy - 5} V{cy + 5} '
                         f'M{x(hi):.1f} {cy - 5} V{cy + 5}" stroke="#212121" stroke-width="1.5" fill="none"/>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def heat_map(rows: Sequence[tuple[str, dict[str, dict[str, int]]]], problems: Sequence[str],
             excluded: set[str] | None = None) -> str:
    """A model x problem grid of pass rates c/n. ``rows``: (label, per_problem {id: {n, c}})."""
    cell_w, cell_h = 14, 18
    top = min(220, 12 + 6 * max((len(p) for p in problems), default=4))
    excluded = excluded or set()
    label_w = label_width([label for label, _ in rows])
    width = label_w + len(problems) * cell_w + 20
    height = top + len(rows) * cell_h + 10
    parts = [f'<svg class="heatmap" width="{width}" height="{height}" '
             f'role="img" aria-label="pass rate per model and problem">']
    for j, pid in enumerate(problems):
        cx = label_w + j * cell_w + cell_w / 2
        parts.append(f'<text transform="translate({cx + 3.5:.1f},{top - 4}) rotate(-90)" {_FONT} '
                     f'font-size="10"><title>{escape(pid)}</title>{escape(pid)}</text>')
    for i, (label, per_problem) in enumerate(rows):
        y = top + i * cell_h
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" {_FONT} text-anchor="end">{label_text(label)}</text>')
        for j, pid in enumerate(problems):
            pc = per_problem.get(pid)
            rate = pc["c"] / pc["n"] if pc and pc["n"] else None
            if pid in excluded:
                tip = f"{pid}: excluded (reference fails its own checks)"
            elif rate is None or pc is None:
                tip = f"{pid}: not scored"
            else:
                tip = f"{label} on {pid}: {pc['c']}/{pc['n']} samples pass ({rate:.2f})"
            parts.append(f'<rect x="{label_w + j * cell_w}" y="{y}" width="{cell_w - 1}" height="{cell_h - 1}" '
                         f'fill="{rate_color(rate)}"><title>{escape(tip)}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def status_bars(items: Sequence[tuple[str, dict[str, int]]], width: int = 640) -> str:
    """One 100%-stacked bar of verdict statuses per (label, status_counts)."""
    bar_h, gap = 18, 8
    label_w = label_width([label for label, _ in items])
    plot_w = width - _LABEL_W - 20
    width = label_w + plot_w + 20
    height = len(items) * (bar_h + gap) + 4
    parts = [f'<svg class="statuses" width="{width}" height="{height}" '
             f'role="img" aria-label="verdict statuses">']
    for i, (label, counts) in enumerate(items):
        y = 2 + i * (bar_h + gap)
        total = sum(counts.values())
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" {_FONT} text-anchor="end">{label_text(label)}</text>')
        x = float(label_w)
        for status in _status_order(counts):
            n = counts[status]
            if not n:
                continue
            w = plot_w * n / total
            tip = f"{label}: {status} {n}/{total} ({n / total:.1%})"
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{STATUS_COLORS.get(status, _OTHER)}"><title>{escape(tip)}</title></rect>')
            x += w
    parts.append("</svg>")
    return "".join(parts)


def _status_order(counts: dict[str, int]) -> list[str]:
    known = [s for s in STATUS_COLORS if s in counts]
    return known + sorted(s for s in counts if s not in STATUS_COLORS)


def rate_legend() -> str:
    """HTML legend chips for the heat map colours."""
    chips = [(rate_color(r), f"{r:g}") for r in (0.0, 0.25, 0.5, 0.75, 1.0)] + [(rate_color(None), "not scored")]
    return " ".join(f'<span class="chip"><span class="swatch" style="background:{c}"></span>{escape(t)}</span>'
                    for c, t in chips)


def status_legend(statuses: Sequence[str]) -> str:
    """HTML legend chips for the statuses present on the page."""
    return " ".join(f'<span class="chip"><span class="swatch" style="background:{STATUS_COLORS.get(s, _OTHER)}">'
                    f'</span>{escape(s)}</span>' for s in statuses)
