"""The evaluation's charts, drawn on the server with pygal like the statistics' (core.services.charts): the
city's grades, and one site's score over the months."""
from __future__ import annotations

import pygal
from flask_babel import gettext as _
from markupsafe import Markup

from core.evaluation.labels import GRADE_LABELS
from core.evaluation.models import GRADES
from core.services.charts import chart_options, svg_markup


def grades_chart(counts: dict[str, int]) -> Markup:
    """How many sites have each grade (bars, one per grade)."""
    options = {**chart_options(_("Sites by grade")), "print_values": True}
    chart = pygal.Bar(**options, x_labels=[str(GRADE_LABELS[g]) for g in GRADES], show_legend=False, min_scale=2,
                      max_scale=8)
    chart.add(_("Sites"), [counts.get(g, 0) for g in GRADES])
    return svg_markup(chart, "chart-grades")


def history_chart(snapshots: list) -> Markup:
    """A site's score month by month (a line; a failed month marked by its grade in the table below)."""
    chart = pygal.Line(**chart_options(_("Score month by month")), range=(0, 100), include_x_axis=True,
                       x_labels=[s.as_of.strftime("%Y-%m") for s in snapshots], show_legend=False, dots_size=4,
                       value_formatter=lambda v: f"{v:.0f}", allow_interruptions=True)
    chart.add(_("Score"), [s.score for s in snapshots])
    return svg_markup(chart, "chart-history")
