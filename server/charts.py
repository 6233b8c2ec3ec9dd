"""Line charts drawn by the server as SVG: attendance on site and online over time.

Plain SVG with presentation attributes (no inline CSS, which the pages' CSP forbids),
a ``<title>`` and ``<desc>`` for screen readers, and the numbers also in a table and
a CSV beside each chart. Colours differ in lightness as well as hue, and the lines
differ in dash, so the two series read apart without colour.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 34
SERIES = (("#1f4e79", ""), ("#c2571a", "6 4"))  # on site: solid dark blue; online: dashed


def nice_top(value: int) -> int:
    """The axis' top: 1, 2 or 5 times a power of ten, at least ``value``."""
    top = 1
    while True:
        for factor in (1, 2, 5):
            if top * factor >= value:
                return top * factor
        top *= 10


def line_chart(points: list[tuple[float, int, int]], labels: tuple[str, str], title: str,
               description: str, clock: Callable[[float], str]) -> Markup:
    """Two series over time; ``clock`` writes a moment as the axis shows it (HH:MM)."""
    if not points:
        return Markup("")
    start, end = points[0][0], points[-1][0]
    span = max(end - start, 1.0)
    top = nice_top(max(max(p[1], p[2]) for p in points) or 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment: float) -> float:
        return LEFT + inner_w * (moment - start) / span

    def y(count: int) -> float:
        return TOP + inner_h * (1 - count / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} '
             f'{HEIGHT}" role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>", f"<desc>{escape(description)}</desc>"]
    for tick in range(5):
        value = top * tick / 4
        if not value.is_integer():
            continue  # people come whole
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" '
                     f'y2="{y(value):.1f}" stroke="#d8d4cc" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="#4a4a52">{value:g}</text>')
    for index in range(5):
        moment = start + span * index / 4
        parts.append(f'<text x="{x(moment):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                     f'text-anchor="middle" font-size="11" fill="#4a4a52">'
                     f"{escape(clock(moment))}</text>")
    for column, (colour, dash) in enumerate(SERIES, start=1):
        path = " ".join(f"{'M' if n == 0 else 'L'}{x(p[0]):.1f},{y(p[column]):.1f}"
                        for n, p in enumerate(points))
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                     f'{dashing}/>')
    for column, ((colour, dash), label) in enumerate(zip(SERIES, labels, strict=True)):
        left = LEFT + column * 160
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{left}" x2="{left + 24}" y1="{HEIGHT - 8}" y2="{HEIGHT - 8}" '
                     f'stroke="{colour}" stroke-width="2.5"{dashing}/>')
        parts.append(f'<text x="{left + 30}" y="{HEIGHT - 4}" font-size="12" '
                     f'fill="#1b1b1f">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

