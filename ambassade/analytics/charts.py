"""Charts drawn on the server as SVG (pygal), inlined in the page: no JavaScript needed.

Numbers and dates follow the active language (French: 1 234, 03/02).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from ambassade.analytics.selectors import BreakdownRow, SeriesPoint

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#9aa5b1",
    colors=("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#455a64"),
    font_family="system-ui, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    value_font_size=11,
    tooltip_font_size=12,
)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return formats.number_format(round(value), use_l10n=True, force_grouping=True)


def _config(**extra: object) -> dict[str, object]:
    return {
        "style": STYLE,
        "js": [],  # static SVG: no script fetched from anywhere
        "disable_xml_declaration": True,
        "explicit_size": False,
        "value_formatter": _number,
        "print_values": False,
        "height": 280,
        "width": 800,
        "legend_at_bottom": True,
        "truncate_legend": 40,
        "truncate_label": 30,
        **extra,
    }


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _render(chart: pygal.Graph, nonce: str) -> SafeString:
    # pygal builds the document with ElementTree: labels are escaped. Its inline
    # configuration script only serves its tooltips' JavaScript, which is not loaded.
    # The Content-Security-Policy refuses inline styles: pygal's <style> element gets the
    # request's nonce, and its one style attribute (the hidden tooltip) becomes the
    # equivalent SVG attribute.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    svg = svg.replace(' style="opacity: 0"', ' opacity="0"')
    svg = svg.replace("<style ", f'<style nonce="{escape(nonce)}" ', 1)
    return mark_safe(svg)


def series_chart(
    points: Sequence[SeriesPoint], *, step: str, titles: dict[str, str], nonce: str = ""
) -> SafeString:
    chart = pygal.Line(
        **_config(show_dots=len(points) <= 40, x_label_rotation=0, show_minor_x_labels=False)
    )
    date_format = "M Y" if step == "month" else "SHORT_DATE_FORMAT"
    labels = [formats.date_format(p.starts_on, date_format) for p in points]
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 8)]
    chart.add(titles["human_clicks"], [p.human_clicks for p in points])
    chart.add(titles["unique_visitors"], [p.unique_visitors for p in points])
    chart.add(titles["shares"], [p.shares for p in points], secondary=True)
    chart.add(titles["conversions"], [p.conversions for p in points], secondary=True)
    return _render(chart, nonce)


def bar_chart(
    rows: Sequence[BreakdownRow], *, metric: str, title: str, limit: int = 10, nonce: str = ""
) -> SafeString:
    chart = pygal.HorizontalBar(
        **_config(show_legend=False, height=max(140, 32 * min(limit, len(rows)) + 60))
    )
    shown = list(rows[:limit])[::-1]
    chart.x_labels = [row.label for row in shown]
    chart.add(title, [getattr(row, metric) for row in shown])
    return _render(chart, nonce)


def pie_chart(rows: Sequence[BreakdownRow], *, metric: str, nonce: str = "") -> SafeString:
    chart = pygal.Pie(**_config(inner_radius=0.5, height=240, width=400))
    for row in rows:
        chart.add(row.label, getattr(row, metric))
    return _render(chart, nonce)
