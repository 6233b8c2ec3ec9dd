"""Draw a results file as a plain, hand-written SVG: no plotting library needed.

Top: latency of each post during the fan-out window (p50 and p99 across clients),
Rencontre against bare. Bottom: p50 / p99 / max of every fan-out scenario.
"""

from __future__ import annotations

import json
import math
import re
from html import escape
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 920, 680
LEFT, RIGHT = 70, 30
COLORS = {"rencontre": "#1d4e89", "bare": "#c2571a"}
GOAL_MS = 250.0


def _nice(value: float) -> float:
    """A round upper bound for an axis."""
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step:
            return float(step)
    return float(int(value) + 1)


def _text(x: float, y: float, text: str, size: int = 12, anchor: str = "start",
          weight: str = "normal", color: str = "#222") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{color}">{escape(text)}</text>')


def _sizes(record: dict[str, Any]) -> str:
    """"10,000 clients" from a scenario's title, for labels."""
    found = re.search(r"\(([\d,]+) clients", record["title"])
    return f"{int(found.group(1).replace(',', '')) // 1000}k" if found else ""


def _axes(top: float, height: float, y_max: float, label: str,
          ticks: list[float] | None = None, place=None) -> list[str]:  # noqa: ANN001
    out = []
    right = WIDTH - RIGHT
    ticks = ticks or [y_max * k / 4 for k in range(5)]
    place = place or (lambda v: top + height - height * v / y_max)
    for value in ticks:
        y = place(value)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                   'stroke="#ddd" stroke-width="1"/>')
        out.append(_text(LEFT - 6, y + 4, f"{value:g}", 11, "end", color="#555"))
    out.append(_text(16, top + height / 2, label, 11, "middle", color="#555").replace(
        "<text", f'<text transform="rotate(-90 16 {top + height / 2:.1f})"', 1))
    return out


def _timeline(record: dict[str, Any], top: float, height: float) -> list[str]:
    series = record.get("series", {})
    peak = max([GOAL_MS] + [v for s in series.values() for v in s.get("p99", [])])
    y_max = _nice(peak * 1.05)
    x_max = max([1.0] + [t for s in series.values() for t in s.get("post", [])])
    span = WIDTH - LEFT - RIGHT
    out = [_text(LEFT, top - 12, f"Scenario {record['number']}, {_sizes(record)} clients, "
                 "5 posts/s: latency of each post across clients (p99 solid, p50 dashed)", 13,
                 weight="bold")]
    out += _axes(top, height, y_max, "ms")
    goal_y = top + height - height * GOAL_MS / y_max
    out.append(f'<line x1="{LEFT}" y1="{goal_y:.1f}" x2="{WIDTH - RIGHT}" y2="{goal_y:.1f}" '
               'stroke="#2a9d3a" stroke-dasharray="6 4" stroke-width="1.5"/>')
    out.append(_text(WIDTH - RIGHT - 4, goal_y - 4, "goal p99 250 ms", 11, "end",
                     color="#2a9d3a"))
    for name, s in series.items():
        for key, dash in (("p99", ""), ("p50", ' stroke-dasharray="4 3"')):
            points = " ".join(
                f"{LEFT + span * t / x_max:.1f},{top + height - height * v / y_max:.1f}"
                for t, v in zip(s["post"], s[key], strict=True))
            out.append(f'<polyline points="{points}" fill="none" stroke="{COLORS.get(name)}" '
                       f'stroke-width="1.6"{dash}/>')
    for k in range(6):
        t = x_max * k / 5
        out.append(_text(LEFT + span * k / 5, top + height + 16, f"{t:.0f} s", 11, "middle",
                         color="#555"))
    return out


def _bars(records: list[dict[str, Any]], top: float, height: float) -> list[str]:
    groups = []
    for record in records:
        rows = {row["key"]: row for row in record["metrics"]}
        for key in ("p50_ms", "p99_ms", "max_ms"):
            if key in rows:
                label = f"#{record['number']} {_sizes(record)} {rows[key]['label'].split()[-1]}"
                groups.append((label, rows[key]))
    if not groups:
        return []
    peak = max([GOAL_MS] + [r[n] or 0 for _, r in groups for n in ("rencontre", "bare")])
    # Log scale: a saturated run (seconds) and a healthy one (tens of ms) on one chart.
    low, high = 10.0, 10 ** math.ceil(math.log10(peak * 1.05))

    def place(value: float) -> float:
        share = (math.log10(max(value, low)) - math.log10(low)) / math.log10(high / low)
        return top + height - height * share

    out = [_text(LEFT, top - 12, "Fan-out latency per run (#1 one process; #7 two processes on "
                 "Redis), log scale", 13, weight="bold")]
    ticks = [10.0 ** k for k in range(1, int(math.log10(high)) + 1)]
    out += _axes(top, height, high, "ms", ticks, place)
    slot = (WIDTH - LEFT - RIGHT) / len(groups)
    bar = min(36.0, slot / 3)
    for index, (label, row) in enumerate(groups):
        x0 = LEFT + slot * index + (slot - 2 * bar) / 2
        for offset, name in enumerate(("rencontre", "bare")):
            value = row[name] or 0.0
            h = top + height - place(value)
            x = x0 + offset * bar
            out.append(f'<rect x="{x:.1f}" y="{top + height - h:.1f}" width="{bar - 2:.1f}" '
                       f'height="{h:.1f}" fill="{COLORS[name]}"/>')
            out.append(_text(x + bar / 2 - 1, top + height - h - 4, f"{value:.0f}", 10,
                             "middle"))
        out.append(_text(LEFT + slot * (index + 0.5), top + height + 16, label, 11, "middle"))
    return out


def _legend(y: float) -> list[str]:
    out = []
    for k, (name, color) in enumerate(COLORS.items()):
        x = LEFT + 160 * k
        out.append(f'<rect x="{x}" y="{y - 10}" width="14" height="10" fill="{color}"/>')
        out.append(_text(x + 20, y, "Rencontre" if name == "rencontre" else
                         "bare websockets baseline", 12))
    return out


def render(results: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> str:
    """The chart of ``results``; ``extra`` results add their fan-out runs to the bars."""
    fanouts = [r for res in [results, *(extra or [])] for r in res["scenarios"]
               if r["ready"] and any(m["key"] == "p99_ms" for m in r["metrics"])]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>']
    machine = results.get("machine", {})
    parts.append(_text(LEFT, 24, f"Rencontre benchmarks, {results.get('when', '')[:10]} — "
                       f"{machine.get('cores', '?')} cores, {machine.get('cpu', '')}", 14,
                       weight="bold"))
    parts += _legend(46)
    if fanouts:
        parts += _timeline(fanouts[0], 90, 250)
    parts += _bars(fanouts, 420, 220)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_chart(results_path: Path, out: Path, extra: list[Path] | None = None) -> Path:
    more = [json.loads(path.read_text()) for path in extra or []]
    out.write_text(render(json.loads(results_path.read_text()), more))
    return out
