"""The demo city's yearly disclosure reports (政府信息公开工作年度报告): generated from each site's own demo data.

Every site published its report for the year before last in January of last year. Last year's report, due by
31 January this year, is published on about two sites in three (one in five of them a few days late, in
February); of the others, some have it prepared and in the workflow, the rest have not started, so the portal's
list and the bureau's show gaps. The figures the platform counts come from the site's demo items and applications
(core.disclosure.report_queries.compute_figures), as a site's own report would; the ones only the office knows
(licensing decisions, fees, review and litigation) and the paragraphs are drawn from the site's seeded random
generator, so every load gives the same city.

Rows are written directly, as the loader does for articles: this is a data set, not a user's action.
"""
from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta

from core.content.models import Article
from core.content.sanitize import clean_html
from core.disclosure.models_report import DisclosureReport
from core.disclosure.report import default_title, draft_overview, report_html
from core.disclosure.report_layout import CASE_FIGURES
from core.disclosure.report_queries import compute_figures, reports_section
from core.extensions import db

#: What a department's report says of its year, beyond the figures: (the overview's second paragraph, problems,
#: other matters). The office's name is filled in.
OVERVIEW = ("{org}坚持以公开为常态、不公开为例外，健全政府信息公开工作机制，"
            "落实信息发布审核制度，按时更新政府信息公开指南和目录，依法规范办理政府信息公开申请。"
            "全年未发生因信息公开不当引发的舆情事件。")
PROBLEMS = ("一是部分栏目信息更新不够及时，政策解读形式较为单一；二是依申请公开答复文书的规范性有待进一步提高。",
            "下一步，本机关将加强政府网站栏目日常巡查，丰富图解、视频等解读形式，组织业务培训，"
            "进一步规范依申请公开办理流程和答复文书。")
OTHER = "本年度未收取信息处理费。本机关按照年度政务公开工作要点，逐项落实各项重点任务。"


def _manual(rng: random.Random, window: bool) -> dict:
    """The figures only the office knows, as a department of its kind would report them."""
    figures = {"rules_new": 0, "rules_repealed": 0, "rules_in_force": 0, "normative_repealed": rng.randint(0, 3),
               "licensing": rng.randint(300, 2600) if window else rng.randint(0, 40),
               "penalty": rng.randint(0, 60), "coercion": rng.randint(0, 6),
               "fees": f"{rng.randint(0, 4500) / 100:.2f}"}
    figures.update({key: 0 for key in CASE_FIGURES})
    if rng.random() < 0.4:
        figures["review_upheld"] = rng.randint(1, 2)
    if rng.random() < 0.2:
        figures["suit_direct_upheld"] = 1
    return figures


def _publication(year: int, today: date, rng: random.Random, *, late: bool) -> datetime:
    """When the report for `year` went out: in the second half of January (late: early February), never after
    yesterday."""
    day = date(year + 1, 2, rng.randint(2, 9)) if late else date(year + 1, 1, rng.randint(15, 29))
    day = min(day, today - timedelta(days=1))
    return datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))


def _report(site: dict, section_id: int, year: int, *, status: str, published_at: datetime | None,
            rng: random.Random, window: bool) -> None:
    computed = compute_figures(year)
    # Written when it was drafted, three days before it went out (not back-dated: core.evaluation's forged dates).
    written = {"created_at": published_at - timedelta(days=3), "updated_at": published_at} if published_at else {}
    article = Article(section_id=section_id, title=default_title(year), status=status, published_at=published_at,
                      source=site["name_zh"], body_html="", **written)
    db.session.add(article)
    db.session.flush()
    found = DisclosureReport(year=year, article_id=article.id, computed=json.dumps(computed),
                             manual=json.dumps(_manual(rng, window)),
                             overview=draft_overview(year, computed) + "\n" + OVERVIEW.format(org=site["name_zh"]),
                             problems="\n".join(PROBLEMS), other=OTHER,
                             **({"generated_at": published_at - timedelta(days=3)} if published_at else {}))
    db.session.add(found)
    db.session.flush()
    article.body_html = clean_html(report_html(found))


def fill_disclosure_reports(site: dict, *, index: int, today: date, rng: random.Random) -> int:
    """Give the active site its reports for the year before last and, depending on its place (`index`) in the
    catalog, last year; return how many were written."""
    section = reports_section()
    if section is None:
        return 0
    window = bool(site.get("is_window_department"))
    last = today.year - 1
    _report(site, section.id, last - 1, status="published", rng=rng, window=window,
            published_at=_publication(last - 1, today, rng, late=False))
    written = 1
    if index % 3 != 1 and today > date(last + 1, 1, 15):  # two sites in three have published last year's
        _report(site, section.id, last, status="published", rng=rng, window=window,
                published_at=_publication(last, today, rng, late=index % 5 == 4))
        written += 1
    elif index % 2 == 0:  # prepared, and in the workflow
        _report(site, section.id, last, status=rng.choice(("editing", "reviewing")), published_at=None, rng=rng,
                window=window)
        written += 1
    return written
