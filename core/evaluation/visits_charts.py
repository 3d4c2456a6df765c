"""The visits' charts: SVG drawn on the server with pygal in the statistics' shared style, no script at all.

Each sits above a table with the same figures (core.services.charts says why): the month-by-month table, and
the day-by-day one folded under it.
"""
from __future__ import annotations

import pygal
from flask_babel import gettext as _
from markupsafe import Markup

from core.evaluation.visits_queries import Report
from core.services.charts import chart_options, svg_markup


def _labels(report: Report) -> tuple[list[str], list[str]]:
    """Every day's label, and the few shown under the axis: about six, on the first of a month for long periods."""
    days = [d.day for d in report.daily]
    labels = [f"{day.month}-{day.day}" for day in days]
    if len(days) > 62:
        major = [f"{day.month}-{day.day}" for day in days if day.day == 1]
        major = major[::max(1, len(major) // 6)]
    else:
        major = labels[::max(1, len(labels) // 6)]
    return labels, major


def daily_chart(report: Report, name: str = "chart-visits") -> Markup:
    """Page views and unique visitors, day by day over the period (lines)."""
    labels, major = _labels(report)
    options = chart_options(_("Visits day by day"))
    options.update(width=560, height=340, x_labels=labels, x_labels_major=major, show_minor_x_labels=False,
                   show_dots=len(labels) <= 31, dots_size=2.5, stroke_style={"width": 2}, include_x_axis=True,
                   min_scale=2, max_scale=6, value_formatter=lambda v: f"{v:,.0f}", truncate_label=-1)
    chart = pygal.Line(**options)
    chart.add(_("Page views"), [d.totals.page_views for d in report.daily])
    chart.add(_("Unique visitors"), [d.totals.unique_visitors for d in report.daily])
    return svg_markup(chart, name)
