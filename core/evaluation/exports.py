"""The dashboard's downloads: the ranking as CSV and Excel (the services' table writers), and as a printable PDF
(WeasyPrint, from an HTML page of its own; the CJK fonts are the system's Noto CJK)."""
from __future__ import annotations

import json

from flask_babel import gettext as _

from core.evaluation.engine import Evaluation
from core.evaluation.labels import GRADE_LABELS, RULE_TITLES
from core.evaluation.rules import RULES
from core.i18n import is_english, localized
from core.services.stats import Table, to_csv, to_xlsx


def _evaluation(row) -> Evaluation | None:
    return None if row.latest is None else Evaluation.from_data(json.loads(row.latest.results))


def _site_cells(row) -> list:
    site = row.site
    return [row.rank, localized(site), site.slug,
            localized(site.group) if site.group else (_("County") if site.kind == "county" else "")]


def ranking_table(rows) -> Table:
    """Every site in rank order: score, grade, the vetoes by name, warnings, trend, when it was evaluated."""
    header = [_("Rank"), _("Site"), _("Address name"), _("Group"), _("Score"), _("Grade"), _("Vetoes"),
              _("Early warnings"), _("Change since the snapshot before"), _("Evaluated as of")]
    body = []
    for row in rows:
        evaluation = _evaluation(row)
        if evaluation is None:
            body.append(_site_cells(row) + [None, _("Not evaluated yet"), "", None, None, ""])
            continue
        separator = "; " if is_english() else "；"
        body.append(_site_cells(row) + [
            evaluation.score, str(GRADE_LABELS[evaluation.grade]),
            separator.join(str(RULE_TITLES[r.key]) for r in evaluation.vetoes),
            len(evaluation.warnings), row.trend, row.latest.as_of.strftime("%Y-%m-%d %H:%M")])
    return Table(_("Ranking"), header, body)


def rules_table(rows) -> Table:
    """Every site × every rule: "veto", the points lost, or nothing."""
    header = [_("Rank"), _("Site"), _("Address name"), _("Group")] + [str(RULE_TITLES[r.key]) for r in RULES]
    body = []
    for row in rows:
        evaluation = _evaluation(row)
        cells = _site_cells(row)
        if evaluation is None:
            cells += [""] * len(RULES)
        else:
            by_key = {r.key: r for r in evaluation.results}
            for rule in RULES:
                result = by_key.get(rule.key)
                cells.append("" if result is None else _("veto") if result.vetoed
                             else _("not applied") if result.status == "not_applied"
                             else (round(-result.lost, 1) if result.lost else 0))
        body.append(cells)
    return Table(_("Every rule"), header, body)


def ranking_csv(rows) -> bytes:
    return to_csv(ranking_table(rows))


def ranking_xlsx(rows) -> bytes:
    return to_xlsx([ranking_table(rows), rules_table(rows)])


def pdf(html: str) -> bytes:
    """A page of HTML printed as PDF (A4, as its own stylesheet says)."""
    from PIL import ImageFile
    from weasyprint import HTML

    # Importing WeasyPrint turns on Pillow's process-wide "load truncated images": turned off again, since
    # uploads must still be refused when cut off (core.images). This PDF draws no uploaded picture.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML(string=html).write_pdf()
