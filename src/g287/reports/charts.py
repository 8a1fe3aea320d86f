"""Server-drawn SVG charts with several series on one scale (the web app's charts draw one series).

Geometry only; the templates draw it (reports/_line_chart.html), and every chart has its numbers in a
table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Series:
    label: str
    css: str
    points: str  # SVG polyline points
    dots: list[tuple[float, float, date, int]]
    last: int


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class MultiLine:
    title: str
    series: list[Series]
    width: int
    height: int
    left: int
    bottom: int
    y_ticks: list[Tick]
    x_ticks: list[Tick]


def _nice_top(v: int) -> int:
    if v <= 0:
        return 1
    step = 10 ** max(len(str(v)) - 1, 0)
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * step:
            return int(m * step)
    return v


def multi_line(title: str, series: list[tuple[str, str, list[tuple[date, int]]]], width: int = 640,
               height: int = 240, left: int = 48, bottom: int = 28, x_format: str = "%Y-%m-%d") -> MultiLine | None:
    """Lines through (day, value) points, one per (label, css class, points), from zero on a shared scale."""
    pts = [p for _l, _c, s in series for p in s]
    if not pts:
        return None
    d0 = min(d for d, _ in pts).toordinal()
    d1 = max(d for d, _ in pts).toordinal()
    top = _nice_top(max(v for _, v in pts))
    plot_w, plot_h = width - left - 12, height - bottom - 10
    span = (d1 - d0) or 1

    def xy(d: date, v: int) -> tuple[float, float]:
        return (round(left + plot_w * (d.toordinal() - d0) / span, 1), round(10 + plot_h * (1 - v / top), 1))

    out = []
    for label, css, s in series:
        if not s:
            continue
        dots = [(*xy(d, v), d, v) for d, v in s]
        out.append(Series(label, css, " ".join(f"{x},{y}" for x, y, *_ in dots), dots, s[-1][1]))
    y_ticks = [Tick(round(10 + plot_h * (1 - f), 1), f"{int(top * f):,}") for f in (0, 0.25, 0.5, 0.75, 1)]
    firsts = sorted({d for d, _ in pts})
    picks = [firsts[0], firsts[-1]] if len(firsts) > 1 else firsts
    if len(firsts) > 4:
        picks.insert(1, firsts[len(firsts) // 2])
    x_ticks = [Tick(xy(d, 0)[0], d.strftime(x_format),
                    "start" if d == picks[0] else "end" if d == picks[-1] else "middle") for d in picks]
    return MultiLine(title, out, width, height, left, bottom, y_ticks, x_ticks)
