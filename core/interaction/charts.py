"""The letters' charts: SVG drawn on the server with pygal, in the services' style, no script at all.

Each sits above a table with the same figures (core.services.charts says why).
"""
from __future__ import annotations

import pygal
from flask_babel import gettext as _
from markupsafe import Markup

from core.interaction.stats import Report, month_label
from core.services.charts import chart_options, percent, svg_markup


def _months(report: Report) -> list[str]:
    return [month_label(m) for m in report.period.months]


def letters_chart(report: Report) -> Markup:
    """Letters received and answered, month by month (bars)."""
    chart = pygal.Bar(**chart_options(_("Letters month by month")), x_labels=_months(report), min_scale=2,
                      max_scale=8)
    chart.add(_("Letters received"), [t.received for _m, t in report.monthly])
    chart.add(_("Answered letters"), [t.answered for _m, t in report.monthly])
    return svg_markup(chart, "chart-letters")


def rates_chart(report: Report) -> Markup:
    """The on-time share and the share of satisfied ratings, month by month, in percent (lines)."""
    chart = pygal.Line(**chart_options(_("Answered on time and satisfied, month by month (%)")),
                       x_labels=_months(report), range=(0, 100), include_x_axis=True, allow_interruptions=True,
                       dots_size=4, value_formatter=lambda v: f"{v:.0f}%", margin_right=28)
    chart.add(_("On-time share"), [percent(t.on_time_rate) for _m, t in report.monthly])
    chart.add(_("Satisfaction"), [percent(t.satisfaction) for _m, t in report.monthly])
    return svg_markup(chart, "chart-letter-rates")


def reply_time_chart(report: Report) -> Markup:
    """The median and average reply time of the letters answered each month, in working days (bars)."""
    chart = pygal.Bar(**chart_options(_("Reply time (working days)")), x_labels=_months(report),
                      value_formatter=lambda v: f"{v:.1f}")
    chart.add(_("Median"), [None if t.median_days is None else round(t.median_days, 1) for _m, t in report.monthly])
    chart.add(_("Average"), [None if t.average_days is None else round(t.average_days, 1)
                             for _m, t in report.monthly])
    return svg_markup(chart, "chart-letter-days")


def all_charts(report: Report) -> tuple[Markup, ...]:
    return letters_chart(report), rates_chart(report), reply_time_chart(report)
