"""The acknowledgements chart: SVG drawn on the server with pygal, in the statistics' style, no script at all.

It sits above the table with the same figures (core.services.charts says why).
"""
from __future__ import annotations

import copy
import unicodedata
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


#: The widest a site's label may be, in em (a Chinese character is one, a Latin letter about half): wide
#: enough for a department's short Chinese name, cut with "…" past it (an English name often is three times longer).
LABEL_EM, NARROW_LABEL_EM = 15.0, 8.0


def label_em(text: str) -> float:
    """A label's width in em: a wide (Chinese) character 1, any other about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in text)


def cut_label(text: str, em: float) -> str:
    """`text` cut to at most `em` wide, with "…" when something was cut."""
    if label_em(text) <= em:
        return text
    while text and label_em(text) > em - 1:
        text = text[:-1]
    return text.rstrip() + "…"


def progress_chart(figures: Progress, *, narrow: bool = False) -> Markup:
    """Per site, the people who have acknowledged and those who have not yet (stacked horizontal bars).

    `narrow`: drawn for a phone's width (labels cut shorter), shown there instead. Labels are cut by their
    width, so a long English name leaves the bars their room.
    """
    sites = charted_sites(figures)[::-1]  # pygal draws the first bar at the bottom: the table's first on top
    labels = [cut_label(short_name(row.site), NARROW_LABEL_EM if narrow else LABEL_EM) for row in sites]
    options = chart_options(_("Acknowledged and not yet, by site"))
    # pygal reserves 0.6 em a character for the labels; a Chinese character takes a whole em: add the difference.
    size = STYLE.label_font_size
    extra = max((label_em(label) - 0.6 * len(label) for label in labels), default=0)
    options.update(style=_STYLE, width=360 if narrow else 560, height=max(220, 120 + 26 * len(sites)),
                   show_x_guides=True, show_y_guides=False, legend_at_bottom_columns=1 if narrow else 2,
                   no_data_text=_("Nobody is in the audience yet"),
                   margin_left=8 + int(size * max(extra, 0)), print_values=False)
    # People are whole: the value axis counts 0, 1, 2 … (in steps of a tenth of the largest site, rounded up).
    top = max((row.audience for row in sites), default=0) or 1
    step = -(-top // 10)
    chart = pygal.HorizontalStackedBar(**options, x_labels=labels, y_labels=list(range(0, top + step, step)))
    chart.add(_("Acknowledged"), [row.acknowledged for row in sites])
    chart.add(_("Not yet"), [row.not_yet for row in sites])
    return svg_markup(chart, "chart-training-narrow" if narrow else "chart-training")
