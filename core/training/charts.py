"""The acknowledgements chart: SVG drawn on the server with pygal, in the statistics' style, no script at all.

It sits above the table with the same figures (core.services.charts says why).
"""
from __future__ import annotations

import copy
from types import SimpleNamespace

import pygal
from flask_babel import gettext as _
from markupsafe import Markup

from core.i18n import localized
from core.services.charts import STYLE, chart_options, svg_markup
from core.training.queries import Progress
from tenants.catalog import city

#: Acknowledged in green, not yet in amber (as the statistics' charts use them).
_STYLE = copy.copy(STYLE)
_STYLE.colors = ("#1f6b3a", "#c98a1b")
#: Sites drawn at most; with more, the chart shows those with the lowest share acknowledged (the table has all).
CHART_SITES = 30


def charted_sites(figures: Progress) -> list:
    """The sites the chart draws, in the table's order: every site with someone in its audience, or the
    CHART_SITES first (those furthest behind)."""
    return [row for row in figures.sites if row.audience][:CHART_SITES]


def short_name(site) -> str:
    """A site's name without the city's in front ("人事局" for 廊坊市人事局): the chart is the city's own."""
    name = localized(site)
    prefix = localized(SimpleNamespace(**city()))
    return name[len(prefix):].lstrip() or name if name.startswith(prefix) else name


def progress_chart(figures: Progress, *, narrow: bool = False) -> Markup:
    """Per site, the people who have acknowledged and those who have not yet (stacked horizontal bars).

    `narrow`: drawn for a phone's width (shorter labels, cut with "…" past 8 characters), shown there instead.
    """
    sites = charted_sites(figures)[::-1]  # pygal draws the first bar at the bottom: the table's first on top
    labels = [short_name(row.site) for row in sites]
    if narrow:
        labels = [label if len(label) <= 8 else label[:7] + "…" for label in labels]
    options = chart_options(_("Acknowledged and not yet, by site"))
    # pygal reserves room for labels as if every character were a Latin one; a Chinese one is about twice as wide.
    longest = max((len(label) for label in labels), default=0)
    options.update(style=_STYLE, width=360 if narrow else 560, height=max(220, 120 + 26 * len(sites)),
                   show_x_guides=True, show_y_guides=False, legend_at_bottom_columns=2,
                   no_data_text=_("Nobody is in the audience yet"),
                   margin_left=8 + int(0.55 * STYLE.label_font_size * longest), print_values=False)
    chart = pygal.HorizontalStackedBar(**options, x_labels=labels)
    chart.add(_("Acknowledged"), [row.acknowledged for row in sites])
    chart.add(_("Not yet"), [row.not_yet for row in sites])
    return svg_markup(chart, "chart-training-narrow" if narrow else "chart-training")
