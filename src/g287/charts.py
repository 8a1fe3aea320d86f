"""Small server-rendered SVG charts: geometry computed here, drawn by templates/web/_bar_chart.html.

No chart library and no script: the numbers are in the page as text too, so the chart is a picture of a
table the reader can also read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    css: str = "bar"

    @property
    def label_y(self) -> float:
        return self.y + self.height / 2 + 4

    @property
    def value_x(self) -> float:
        return self.x + self.width + 6


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int


def bar_chart(title: str, items: list[tuple[str, int, str]], width: int = 560, bar_height: int = 26,
              gap: int = 10, label_width: int = 200) -> BarChart:
    """Horizontal bars: one (label, value, css class) per row, scaled to the largest value."""
    plot = width - label_width - 60  # room for the value printed after the bar
    top = max((v for _, v, _ in items), default=0) or 1
    bars = [
        Bar(label=label, value=value, x=label_width, y=i * (bar_height + gap), width=round(plot * value / top, 1),
            height=bar_height, css=css)
        for i, (label, value, css) in enumerate(items)
    ]
    height = max(len(items) * (bar_height + gap) - gap, bar_height)
    return BarChart(title=title, bars=bars, width=width, height=height, label_width=label_width)


@dataclass(frozen=True)
class LineChart:
    title: str
    points: str  # the SVG polyline's points
    width: int
    height: int
    first: tuple[date, int]
    last: tuple[date, int]
    low: int
    high: int


def line_chart(title: str, series: list[tuple[date, int]], width: int = 560, height: int = 160,
               pad: int = 8) -> LineChart | None:
    """A line through (day, value) points over time; None with fewer than two points."""
    if len(series) < 2:
        return None
    days = [d.toordinal() for d, _ in series]
    values = [v for _, v in series]
    d0, d1 = min(days), max(days)
    low, high = min(0, min(values)), max(values)  # from zero, so growth is not exaggerated
    span_d = (d1 - d0) or 1
    span_v = (high - low) or 1
    pts = " ".join(
        f"{pad + (width - 2 * pad) * (d - d0) / span_d:.1f},{height - pad - (height - 2 * pad) * (v - low) / span_v:.1f}"
        for d, v in zip(days, values)
    )
    return LineChart(title=title, points=pts, width=width, height=height, first=series[0], last=series[-1],
                     low=low, high=high)
