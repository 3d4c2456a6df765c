"""The statistics' charts: SVG drawn on the server with pygal, put in the page as it is, no script at all.

Each chart scales to the width of its box (a viewBox, no fixed size), carries
its title for screen readers, and sits above a table with the same figures,
which is what a reader who cannot see it, or prints the page, uses.
"""
from __future__ import annotations

import re
import sys

import pygal
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.style import Style

from core.services.stats import Report, month_label

# pygal puts a finder for its map plugins (pygal.maps.*, unused here) on sys.meta_path, written for the import
# system before Python 3.4: every later import then warns that it has no find_spec(). Take it off again.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

#: The admin layout's colours: blue, green, amber, grey.
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#555555",
    font_family='"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", system-ui, sans-serif',
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=15,
    title_font_size=17,
    value_font_size=12,
    no_data_font_size=20,
    guide_stroke_color="#c8c8c8",
    major_guide_stroke_color="#9a9a9a",
    opacity=".9",
    opacity_hover=".9",
    colors=("#1d4f91", "#1f6b3a", "#8a6d00", "#6b6b6b"),
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def chart_options(title: str) -> dict:
    """pygal options every statistics chart shares (the interaction module's charts too): style, size, legend."""
    return dict(style=STYLE, title=title, js=[], disable_xml_declaration=True, width=520, height=320,
                legend_at_bottom=True, legend_at_bottom_columns=2, truncate_legend=-1, x_label_rotation=0,
                show_minor_x_labels=True, print_values=False, no_data_text=_("No figures in this period"),
                margin=12, spacing=10)


def svg_markup(chart, name: str) -> Markup:
    """The chart as markup to place in the page: no script, no comment, a stable id, labelled as an image."""
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", _COMMENT.sub("", svg)).replace(chart.uuid, name)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-title" ', 1)
    svg = re.sub(r"<title>", f'<title id="{name}-title">', svg, count=1)
    return Markup(svg)


def _months(report: Report) -> list[str]:
    return [month_label(m) for m in report.period.months]


def applications_chart(report: Report) -> Markup:
    """Applications submitted and completed, month by month (bars)."""
    chart = pygal.Bar(**chart_options(_("Applications month by month")), x_labels=_months(report), min_scale=2,
                      max_scale=8)
    chart.add(_("Submitted"), [t.submitted for _m, t in report.monthly])
    chart.add(_("Completed"), [t.completed for _m, t in report.monthly])
    return svg_markup(chart, "chart-applications")


def rates_chart(report: Report) -> Markup:
    """The on-time rate and the share of satisfied ratings, month by month, in percent (lines)."""
    chart = pygal.Line(**chart_options(_("On time and satisfied, month by month (%)")), x_labels=_months(report),
                       range=(0, 100), include_x_axis=True, allow_interruptions=True, dots_size=4,
                       value_formatter=lambda v: f"{v:.0f}%", margin_right=28)
    chart.add(_("On-time rate"), [percent(t.on_time_rate) for _m, t in report.monthly])
    chart.add(_("Satisfaction"), [percent(t.satisfaction) for _m, t in report.monthly])
    return svg_markup(chart, "chart-rates")


def handling_chart(report: Report) -> Markup:
    """The average handling time of the applications completed each month, in working days (bars)."""
    chart = pygal.Bar(**chart_options(_("Average handling time (working days)")), x_labels=_months(report),
                      show_legend=False, value_formatter=lambda v: f"{v:.1f}")
    chart.add(_("Average handling time (working days)"),
              [None if t.average_days is None else round(t.average_days, 1) for _m, t in report.monthly])
    return svg_markup(chart, "chart-handling")


def percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)
