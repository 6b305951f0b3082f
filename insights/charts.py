"""Small server-side SVG charts: lines and bars with axes, units, a legend and a text alternative.

No JavaScript and no network: the page carries the chart as inline SVG with `role="img"`,
a `<title>` and a `<desc>` that say what it shows, and the template puts the same numbers
in a table beside it (`Chart.table`) for screen readers and for people who want figures.
Every text that comes from data is escaped here, so the SVG is safe to mark safe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Literal

from babel.numbers import format_compact_currency, format_compact_decimal, format_percent
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from common import formatting

Unit = Literal["currency", "ratio", "percent", "count"]
Number = Decimal | float | int

WIDTH, HEIGHT = 640, 280
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 40, 36
# The y labels' room: the widest label at the phone layout's larger type (19 units a letter
# height, about 11 a letter wide), so "1,5 k €" is not cut where "€1.5K" fitted.
TICK_GAP, TICK_CHAR_WIDTH = 12, 11
# Enough ticks to read a value off the axis, few enough to stay legible on a phone.
Y_TICKS = 5
X_LABELS = 5
# Colour-blind safe pairs (Okabe-Ito), told apart by dash pattern as well.
PALETTE = ("#0b5cad", "#c2570c", "#2b7a3d", "#8a3ea5")
DASHES = ("", "6 4", "2 3", "8 3 2 3")
# Typographic signs: a ROAS reads "2.45 times", a negative figure takes a true minus sign.
TIMES, MINUS = "\u00d7", "\u2212"
# A rate with one decimal and a space before the sign, in every locale: 12.3 % / 12,3 %.
PERCENT_PATTERN = "#,##0.0 %"


def format_value(
    value: Number | None, unit: Unit, currency: str = "", compact: bool = False
) -> str:
    """A value as people read it, in the active language (common.formatting, Babel):
    €1,234 / €12.3K, 2.45 (times), 12.3 %, 1,204 in English; 1 234 €, 2,45, 12,3 % in French."""
    if value is None:
        return formatting.BLANK
    locale = formatting.locale_name()
    if unit == "ratio":
        return formatting.number(value, 2, locale=locale) + TIMES
    if unit == "percent":
        return format_percent(Decimal(str(value)), PERCENT_PATTERN, locale=locale)
    amount = abs(Decimal(str(value)))
    sign = MINUS if value < 0 else ""
    if compact and amount >= 1000:
        if unit == "currency" and currency:
            body = format_compact_currency(amount, currency, locale=locale, fraction_digits=1)
        else:
            body = format_compact_decimal(amount, locale=locale, fraction_digits=1)
    elif unit == "currency" and currency:
        body = formatting.money(amount, currency, whole=True, locale=locale)
    else:
        body = formatting.number(amount, 0, locale=locale)
    return f"{sign}{body}"


def nice_ticks(low: float, high: float, count: int = Y_TICKS) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) spanning [low, high]."""
    if high == low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


@dataclass(frozen=True)
class Series:
    """One line (or set of bars) of a chart."""

    label: str
    values: list[Number | None]


@dataclass(frozen=True)
class Chart:
    """A chart over labelled x positions (days or weeks), in one unit."""

    slug: str
    title: str
    description: str
    x_labels: list[str]
    series: list[Series]
    unit: Unit
    currency: str = ""
    kind: Literal["line", "bar"] = "line"
    x_title: str = _("Period")  # the header of the data table's first column

    def fmt(self, value: Number | None, compact: bool = False) -> str:
        return format_value(value, self.unit, self.currency, compact)

    @property
    def table(self) -> list[tuple[str, list[str]]]:
        """(x label, formatted values per series): the chart's numbers as a table."""
        return [
            (label, [self.fmt(s.values[i]) for s in self.series])
            for i, label in enumerate(self.x_labels)
        ]

    @property
    def is_empty(self) -> bool:
        """Nothing but unknowns and zeros: a flat line at zero would say nothing."""
        return all(not v for s in self.series for v in s.values)

    def svg(self) -> SafeString:
        known = [float(v) for s in self.series for v in s.values if v is not None]
        # Money and counts are read against zero; ratios too (a ROAS of 1 is break-even).
        low, high = min([0.0, *known]), max([0.0, *known])
        ticks = nice_ticks(low, high)
        tick_labels = [self.fmt(tick, compact=True) for tick in ticks]
        left = max(
            MARGIN_LEFT, TICK_GAP + TICK_CHAR_WIDTH * max(len(label) for label in tick_labels)
        )
        plot_w = WIDTH - left - MARGIN_RIGHT
        plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
        y_min, y_max = ticks[0], ticks[-1]
        points = len(self.x_labels)

        def y(value: float) -> float:
            return MARGIN_TOP + plot_h - (value - y_min) / (y_max - y_min) * plot_h

        def x(index: int) -> float:
            if self.kind == "bar":
                return left + (index + 0.5) * plot_w / max(points, 1)
            return left + (index * plot_w / (points - 1) if points > 1 else plot_w / 2)

        title_id, desc_id = f"{self.slug}-title", f"{self.slug}-desc"
        parts = [
            f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{title_id}">{escape(self.title)}</title>',
            f'<desc id="{desc_id}">{escape(self.description)}</desc>',
        ]
        # Horizontal grid lines and the y axis labels, with the unit in the labels themselves.
        for tick, label in zip(ticks, tick_labels, strict=True):
            ty = y(tick)
            parts.append(
                f'<line class="grid{" zero" if tick == 0 else ""}" x1="{left}" '
                f'x2="{WIDTH - MARGIN_RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
                f'<text class="tick" x="{left - 8}" y="{ty + 4:.1f}" text-anchor="end">'
                f"{escape(label)}</text>"
            )
        # A handful of x labels, evenly spread, the last one always shown.
        step = max(1, math.ceil(points / X_LABELS))
        shown = set(range(0, points, step)) | ({points - 1} if points else set())
        for index in sorted(shown):
            if index != points - 1 and points - 1 - index < step:
                # Too close to the last label: they would overlap, the more so at the phone's
                # larger type and in French ("26 nov." beside "1 déc.").
                continue
            # The outer labels of a line chart hang inwards so they are not clipped.
            anchor = "middle"
            if self.kind == "line" and points > 1 and index in (0, points - 1):
                anchor = "start" if index == 0 else "end"
            parts.append(
                f'<text class="tick" x="{x(index):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 18}" '
                f'text-anchor="{anchor}">{escape(self.x_labels[index])}</text>'
            )
        parts.append(
            f'<line class="axis" x1="{left}" x2="{left}" y1="{MARGIN_TOP}" '
            f'y2="{MARGIN_TOP + plot_h}"/>'
        )
        for number, series in enumerate(self.series):
            color = PALETTE[number % len(PALETTE)]
            if self.kind == "bar":
                parts.extend(self._bars(series, number, color, x, y, plot_w, points))
            else:
                parts.extend(self._lines(series, number, color, x, y))
        parts.extend(self._legend(left))
        parts.append("</svg>")
        return mark_safe("".join(parts))  # every data text above is escaped

    def _lines(self, series: Series, number: int, color: str, x, y) -> list[str]:
        """A polyline per run of known values: a missing value is a gap, not a zero."""
        dash = DASHES[number % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        runs: list[list[str]] = [[]]
        for index, value in enumerate(series.values):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(f"{x(index):.1f},{y(float(value)):.1f}")
        out = []
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{color}"/>')
            elif run:
                out.append(
                    f'<polyline class="series" fill="none" stroke="{color}" stroke-width="2"'
                    f'{dashed} points="{" ".join(run)}"/>'
                )
        return out

    def _bars(self, series: Series, number: int, color: str, x, y, plot_w, points) -> list[str]:
        slot = plot_w / max(points, 1)
        width = max(slot * 0.7 / len(self.series), 1)
        offset = (number - (len(self.series) - 1) / 2) * width
        base = y(0)
        out = []
        for index, value in enumerate(series.values):
            if value is None:
                continue
            top = y(float(value))
            out.append(
                f'<rect x="{x(index) + offset - width / 2:.1f}" y="{min(top, base):.1f}" '
                f'width="{width:.1f}" height="{abs(base - top):.1f}" fill="{color}">'
                f"<title>{escape(self.x_labels[index])}: {escape(self.fmt(value))}</title></rect>"
            )
        return out

    def _legend(self, left: int) -> list[str]:
        out = []
        for number, series in enumerate(self.series):
            color = PALETTE[number % len(PALETTE)]
            dash = DASHES[number % len(DASHES)]
            if self.kind == "bar":
                mark = f'<rect x="{left}" y="10" width="14" height="10" fill="{color}"/>'
            else:
                dashed = f' stroke-dasharray="{dash}"' if dash else ""
                mark = (
                    f'<line x1="{left}" x2="{left + 22}" y1="15" y2="15" stroke="{color}" '
                    f'stroke-width="2.5"{dashed}/>'
                )
            out.append(
                f'<g class="legend">{mark}<text x="{left + 28}" y="19">'
                f"{escape(series.label)}</text></g>"
            )
            # Room for the label at the larger type the phone layout uses.
            left += 44 + 11 * len(series.label)
        return out
