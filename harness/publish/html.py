"""The leaderboard as one self-contained HTML page (inline CSS, SVG and script; no network).

Sections: a per-model summary, then per family a sortable table (click a header; or open the
page with ``#sort=KEY`` / ``#sort=KEY:asc``), per suite interval bars and a model x problem heat
map, and per model the breakdown of verdict statuses. The leaderboard JSON is embedded in a
``<script type="application/json" id="leaderboard-data">`` element.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from html import escape
from typing import Any

from harness.publish import svg
from harness.publish.leaderboard import HEADLINE, metric_order

_CSS = """
body{font-family:sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#212121}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #5c6bc0;padding-bottom:.2em;margin-top:1.6em}
.meta{color:#616161;font-size:.9em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #e0e0e0;padding:.3em .55em;text-align:right;white-space:nowrap}
th{background:#e8eaf6;cursor:pointer;user-select:none}th:focus{outline:2px solid #5c6bc0}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.text,th.text{text-align:left}tbody tr:nth-child(even){background:#fafafa}
small{color:#757575}.scroll{overflow-x:auto;max-width:100%}
.chip{display:inline-block;margin-right:1em;font-size:.9em}
.swatch{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:middle}
details{margin:.5em 0}summary{cursor:pointer;color:#3949ab}
.scroll table{position:relative}
.scroll th:first-child,.scroll td:first-child{position:sticky;left:0;z-index:1;background:#fff;
box-shadow:1px 0 0 #bdbdbd}
.scroll th:first-child{background:#e8eaf6}.scroll tbody tr:nth-child(even) td:first-child{background:#fafafa}
svg{max-width:none}
"""

_JS = """
(function () {
  function value(row, idx, type) {
    var cell = row.cells[idx], v = cell.getAttribute('data-value');
    if (v === null) v = cell.textContent;
    if (type === 'num') return v === '' ? NaN : parseFloat(v);
    return v.toLowerCase();
  }
  function sortTable(table, key, dir) {
    var ths = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var idx = ths.findIndex(function (th) { return th.getAttribute('data-key') === key; });
    if (idx < 0) return false;
    var th = ths[idx], type = th.getAttribute('data-type') || 'text', now = th.getAttribute('aria-sort');
    if (!dir) dir = now === 'descending' ? 'asc' : now === 'ascending' ? 'desc' : (type === 'num' ? 'desc' : 'asc');
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, idx, type), y = value(b, idx, type);
      if (type === 'num') {
        if (isNaN(x) || isNaN(y)) return isNaN(x) - isNaN(y);
        return dir === 'asc' ? x - y : y - x;
      }
      return dir === 'asc' ? x.localeCompare(y) : y.localeCompare(x);
    });
    rows.forEach(function (r) { body.appendChild(r); });
    ths.forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 'asc' ? 'ascending' : 'descending');
    return true;
  }
  window.hwevalSort = sortTable;
  document.querySelectorAll('table.sortable').forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.tabIndex = 0;
      th.title = 'sort by ' + th.textContent;
      th.addEventListener('click', function () { sortTable(table, th.getAttribute('data-key')); });
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter') sortTable(table, th.getAttribute('data-key'));
      });
    });
  });
  function fromHash() {
    var m = /(?:^#|&)sort=([^&]+)/.exec(location.hash);
    if (!m) return;
    var parts = decodeURIComponent(m[1]).split(':');
    document.querySelectorAll('table.sortable').forEach(function (t) { sortTable(t, parts[0], parts[1]); });
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
"""


def settings_label(settings: dict[str, Any], also: Sequence[str] = ()) -> str:
    """A short text for the settings that usually differ between runs, plus the keys ``also``."""
    parts = [f"n={settings.get('n_samples')}", f"T={settings.get('temperature')}"]
    for k in ("seed", "limit"):
        v = settings.get(k)
        if v not in (None, 0):
            parts.append(f"{k}={v}")
    if settings.get("problems"):
        parts.append(f"{len(settings['problems'])} problems")
    if settings.get("suite_options"):
        parts.append(" ".join(f"{k}={v}" for k, v in sorted(settings["suite_options"].items())))
    shown = " ".join(parts)
    for k in also:
        text = f"{k}={_short(settings.get(k))}"
        if text not in shown:
            parts.append(text)
    return " ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, list | dict):
        text = json.dumps(value, sort_keys=True)
        return text if len(text) <= 40 else text[:37] + "..."
    return str(value)


def differing(rows: Sequence[dict[str, Any]]) -> dict[int, list[str]]:
    """Per row (by index): the settings keys on which rows of its (model, suite) differ."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[(r["model"], r["suite"])].append(i)
    out: dict[int, list[str]] = {}
    for idx in groups.values():
        keys = sorted({k for i in idx for k in rows[i]["settings"]})
        diff = [k for k in keys if len({json.dumps(rows[i]["settings"].get(k), sort_keys=True) for i in idx}) > 1]
        for i in idx:
            out[i] = diff
    return out


def row_labels(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Model names, with the settings added where a model has several rows of one suite (always
    naming the settings those rows differ in, so no two labels are the same)."""
    diff = differing(rows)
    return [r["model"] if not diff[i] else f"{r['model']} [{settings_label(r['settings'], diff[i])}]"
            for i, r in enumerate(rows)]


def _stat_cell(stat: dict[str, Any] | None) -> str:
    if not stat or stat.get("mean") is None:
        return '<td data-value="">-</td>'
    mean, se, (lo, hi), n = stat["mean"], stat.get("stderr"), stat.get("ci95") or [None, None], stat.get("n")
    tip = f"95% interval [{svg.fmt(lo)}, {svg.fmt(hi)}]" + (f"; n={n}" if n is not None else "")
    se_text = f" <small>±{se:.3f}</small>" if se is not None else ""
    return f'<td data-value="{mean!r}" title="{escape(tip)}">{mean:.3f}{se_text}</td>'


def _th(key: str, label: str, kind: str) -> str:
    cls = ' class="text"' if kind == "text" else ""
    return f'<th data-key="{escape(key)}" data-type="{kind}"{cls}>{escape(label)}</th>'


def _text_cell(text: str, value: str | None = None) -> str:
    v = f' data-value="{escape(value)}"' if value is not None else ""
    return f'<td class="text"{v}>{escape(text)}</td>'


def family_table(family: str, rows: Sequence[dict[str, Any]]) -> str:
    metrics = metric_order({m for r in rows for m in r["metrics"]})
    head = [_th("model", "model", "text"), _th("suite", "suite", "text"), _th("settings", "settings", "text"),
            _th("n_problems", "problems", "num"), _th("n_samples", "samples", "num")]
    head += [_th(m, m, "num") for m in metrics]
    body = []
    diff = differing(rows)
    for i, r in enumerate(rows):
        cells = [_text_cell(r["model"]), _text_cell(r["suite"]),
                 f'<td class="text" title="{escape(json.dumps(r["settings"], sort_keys=True))}">'
                 f'{escape(settings_label(r["settings"], diff[i]))}</td>',
                 f'<td data-value="{r["n_problems"]}" title="{escape(scope_text(r["scope"]) if r.get("scope") else "")}"'
                 f'>{r["n_problems"]}</td>',
                 f'<td data-value="{r["n_samples"]}">{r["n_samples"]}</td>']
        cells += [_stat_cell(r["metrics"].get(m)) for m in metrics]
        body.append(f'<tr data-model="{escape(r["model"])}" data-suite="{escape(r["suite"])}">{"".join(cells)}</tr>')
    body += baseline_rows(rows, metrics)
    return (f'<div class="scroll"><table class="sortable board" data-family="{escape(family)}">'
            f'<thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def constant_answer(row: dict[str, Any], policy: str) -> dict[str, Any] | None:
    """The scores of a constant answer a bug-finding suite reports: ``hls.always_buggy`` (answer
    "buggy" on every item) or ``hls.always_clean`` (answer "no bug" everywhere)."""
    found = (row.get("other_metrics", {}).get("hls") or {}).get(policy)
    return found if isinstance(found, dict) else None


#: The constant answers shown as baseline rows: (key under ``hls``, model label, what it answers).
BASELINES = (("always_buggy", "always buggy (baseline)", 'answers "buggy" on every item'),
             ("always_clean", "always clean (baseline)", 'answers "no bug" on every item'))


def baseline_rows(rows: Sequence[dict[str, Any]], metrics: Sequence[str]) -> list[str]:
    """Rows per bug-finding suite: what answering "buggy" everywhere and "no bug" everywhere
    score on its metrics, so a model's F1 and pass@1 can be read against policies that find
    nothing (answering "no bug" passes every control: pass@1's chance floor is their share)."""
    out, seen = [], set()
    for r in rows:
        if r["suite"] in seen:
            continue
        for key, label, what in BASELINES:
            base = constant_answer(r, key)
            if base is None:
                continue
            seen.add(r["suite"])
            cells = [_text_cell(label), _text_cell(r["suite"]), _text_cell(what),
                     f'<td data-value="{r["n_problems"]}">{r["n_problems"]}</td>', '<td data-value="">-</td>']
            for m in metrics:
                value = base.get(m)
                cells.append(f'<td data-value="{value!r}">{value:.3f}</td>' if isinstance(value, (int, float))
                             else '<td data-value="">-</td>')
            out.append(f'<tr class="baseline" data-model="{key.replace("_", "-")}" data-suite="{escape(r["suite"])}">'
                       f'{"".join(cells)}</tr>')
    return out


def provenance(rows: Sequence[dict[str, Any]]) -> str:
    head = "".join(f'<th class="text">{h}</th>' for h in ("model", "suite", "run", "finished", "config hash",
                                                           "content hash", "harness", "git", "tools"))
    body = []
    for r in rows:
        tools = "; ".join(f"{k}: {v}" for k, v in r["tools"].items() if v)
        cells = [r["model"], r["suite"], r["run"]["dir"], r["run"]["finished_at"], r["config_hash"],
                 f"{r['content_hash']} (v{r['suite_version']})", r["harness_version"], (r["git_hash"] or "-")[:12]]
        body.append("<tr>" + "".join(_text_cell(c) for c in cells)
                    + f'<td class="text" title="{escape(tools)}">{len(r["tools"])} tools</td></tr>')
    return (f'<details><summary>provenance (runs, hashes, tool versions)</summary><div class="scroll"><table>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div></details>')


def _rounds(row: dict[str, Any]) -> list[int]:
    """The rounds of a row's ``pass@1@rN`` metrics, in order."""
    return sorted(int(m[len("pass@1@r"):]) for m in row["metrics"] if re.fullmatch(r"pass@1@r\d+", m))


def suite_section(suite: str, info: dict[str, Any], rows: Sequence[dict[str, Any]]) -> str:
    labels = row_labels(rows)
    metrics = metric_order({m for r in rows for m in r["metrics"]})
    main = HEADLINE if HEADLINE in metrics else (metrics[0] if metrics else None)
    out = [f'<h3 id="suite-{escape(suite)}">{escape(suite)} <small>version {escape(info["suite_version"])}, '
           f'content {escape(info["content_hash"])}, {max((r["n_problems"] for r in rows), default=0)} '
           f'problems</small></h3>']
    scopes = defaultdict(list)
    for lab, r in zip(labels, rows):
        if r.get("scope"):
            scopes[scope_text(r["scope"])].append(lab)
    for text, labs in scopes.items():
        who = "" if len(scopes) == 1 else f"{', '.join(labs)}: "
        out.append(f'<p class="meta scope">{escape(who + text)}</p>')
    if main is not None:
        out.append(svg.interval_bars([(lab, r["metrics"].get(main)) for lab, r in zip(labels, rows)], main))
        curve = [(f"{lab} · round {n}", r["metrics"][f"pass@1@r{n}"]) for lab, r in zip(labels, rows)
                 for n in _rounds(r)]
        if curve:  # repair rounds (--rounds): pass@1 after each round, one bar per round
            out.append(svg.interval_bars(curve, "pass@1 after each repair round"))
        others = [m for m in metrics if m != main]
        if others:
            out.append("<details><summary>other metrics</summary>" + "".join(
                svg.interval_bars([(lab, r["metrics"].get(m)) for lab, r in zip(labels, rows)], m) for m in others)
                + "</details>")
    excluded = {e["problem_id"] for r in rows for e in r["excluded"]}
    problems = sorted({p for r in rows for p in r["per_problem"]} | excluded)
    if problems:
        note = f"; {len(excluded)} excluded: reference fails its own checks" if excluded else ""
        out.append(f'<p class="meta">pass rate per problem (passing samples / samples{note}) '
                   f'{svg.rate_legend()}</p>')
        out.append('<div class="scroll">' + svg.heat_map([(lab, r["per_problem"]) for lab, r in zip(labels, rows)],
                                                          problems, excluded) + "</div>")
    return "".join(out)


def scope_text(scope: dict[str, Any]) -> str:
    """'43 problems loaded; 2 excluded, reference fails its own tests (fail 2); 1 not run here (...)'."""
    parts = [f"{scope['n_loaded']} problems loaded"]
    if scope.get("load_exclusions"):
        parts.append(f"{sum(scope['load_exclusions'].values())} dropped by the loader ("
                     + ", ".join(f"{k}: {v}" for k, v in scope["load_exclusions"].items()) + ")")
    if scope.get("n_selected") is not None and scope["n_selected"] != scope["n_loaded"]:
        parts.append(f"{scope['n_selected']} selected")
    if scope["n_excluded"]:
        parts.append(f"{scope['n_excluded']} excluded, reference fails its own tests ("
                     + ", ".join(f"{k} {v}" for k, v in scope["excluded_by_reason"].items()) + ")")
    if scope["n_not_run"]:
        parts.append(f"{scope['n_not_run']} not run here ("
                     + "; ".join(f"{k}: {v}" for k, v in scope["not_run_by_reason"].items()) + ")")
    return "; ".join(parts)


def summary_table(doc: dict[str, Any]) -> str:
    suites = sorted(doc["suites"])
    head = [_th("model", "model", "text"), _th("mean", f"mean {HEADLINE}", "num")]
    head += [_th(f"suite:{s}", s, "num") for s in suites]
    body = []
    for m in doc["models"]:
        cells = [_text_cell(m["model"]), _stat_cell({"mean": m["mean_headline"]} if m["mean_headline"] is not None
                                                    else None)]
        cells += [_stat_cell({"mean": m["headline"][s]}) if m["headline"].get(s) is not None
                  else '<td data-value="">-</td>' for s in suites]
        body.append(f'<tr data-model="{escape(m["model"])}">{"".join(cells)}</tr>')
    return (f'<div class="scroll"><table class="sortable summary"><thead><tr>{"".join(head)}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def status_section(doc: dict[str, Any]) -> str:
    by_model: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in doc["rows"]:
        by_model[r["model"]].append(r)
    present = sorted({s for r in doc["rows"] for s in r["status_counts"]},
                     key=lambda s: (list(svg.STATUS_COLORS).index(s) if s in svg.STATUS_COLORS else 99, s))
    out = [f'<p>{svg.status_legend(present)}</p>']
    for m in doc["models"]:
        rows = by_model[m["model"]]
        diff = differing(rows)
        labels = [f"{r['suite']} [{settings_label(r['settings'], diff[i])}]" for i, r in enumerate(rows)]
        items = [(lab, r["status_counts"]) for lab, r in zip(labels, rows)]
        counts = " ".join(f"{k}={v}" for k, v in m["status_counts"].items())
        out.append(f'<h3 class="model-status">{escape(m["model"])} <small>{escape(counts)}</small></h3>'
                   + svg.status_bars(items))
    return "".join(out)


def _n(items: Any, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def render(doc: dict[str, Any]) -> str:
    """The whole page for a leaderboard document."""
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in doc["rows"]:
        families[r["family"]].append(r)
    body = [f'<h1>hweval leaderboard</h1><p class="meta">{_n(doc["models"], "model")}, {_n(doc["suites"], "suite")}, '
            f'{_n(doc["rows"], "result")}; generated {escape(doc["generated_at"])} by hweval '
            f'{escape(doc["harness_version"])}; schema {escape(doc["schema"])}. Means carry their standard error '
            f'(±) and, on hover, a 95% bootstrap interval over problems. Click a column header to sort.</p>',
            f'<h2 id="models">Models</h2><p class="meta">{HEADLINE} of each model\'s newest run per suite.</p>',
            summary_table(doc)]
    for family in sorted(families):
        rows = families[family]
        body.append(f'<section class="family" id="family-{escape(family)}"><h2>{escape(family)}</h2>')
        body.append(family_table(family, rows))
        body.append(provenance(rows))
        for suite in sorted({r["suite"] for r in rows}):
            body.append(suite_section(suite, doc["suites"][suite], [r for r in rows if r["suite"] == suite]))
        body.append("</section>")
    body.append('<section id="statuses"><h2>Verdict statuses per model</h2>' + status_section(doc) + "</section>")
    data = json.dumps(doc, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>hweval leaderboard</title><style>{_CSS}</style></head><body>{''.join(body)}"
            f'<script type="application/json" id="leaderboard-data">{data}</script>'
            f"<script>{_JS}</script></body></html>\n")
