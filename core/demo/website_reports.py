"""The demo city's yearly website reports (政府网站工作年度报表), counted from each site's own demo data.

Last year's report, due by 31 January this year, is published on about two sites in three (a few of them after the
deadline); of the others, half have it prepared and not yet published, the rest have not started, so the portal's
list and the bureau's show who is missing. The lines the platform counts come from the site's demo items, visits,
letters and applications (core.evaluation.yearly_figures), as a site's own report would; the lines only the office
knows (its social-media accounts, the people who sign) are drawn from the site's seeded random generator, so every
load gives the same city.

Rows are written directly, as the loader does for articles: this is a data set, not a user's action.
"""
from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta

from core.evaluation.yearly_figures import compute_figures
from core.evaluation.yearly_models import WebsiteReport
from core.extensions import db

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "志强", "秀英", "海燕", "文博", "晓东", "丽华", "国庆", "春梅", "振华", "雅琴", "立新")


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _manual(site: dict, rng: random.Random) -> dict:
    """What the office enters, as a department of its size would."""
    short = site["name_zh"].removeprefix("廊坊市")
    has_media = rng.random() < 0.8
    lines = {"topics_new": rng.randint(0, 3), "media_articles": rng.randint(0, 12), "responses": rng.randint(0, 8),
             "registered_users": rng.randint(200, 9000), "interviews": rng.randint(0, 4),
             "smart_answers": False, "drills": rng.random() < 0.7, "has_new_media": has_media,
             "search_service": True, "multilingual": False, "accessibility": True, "personalised": False,
             "head": _name(rng), "reviewer": _name(rng), "preparer": _name(rng),
             "contact_phone": site.get("phone") or f"0316-2{rng.randint(100000, 999999)}"}
    if lines["interviews"]:
        lines["interview_messages"] = rng.randint(10, 120)
        lines["interview_answers"] = rng.randint(5, lines["interview_messages"])
    if has_media:
        lines.update({"wechat_name": f"{short}发布", "wechat_posts": rng.randint(150, 1400),
                      "wechat_subscribers": rng.randint(3000, 90000)})
        if rng.random() < 0.6:
            lines.update({"weibo_name": f"@{short}", "weibo_posts": rng.randint(80, 900),
                          "weibo_followers": rng.randint(1000, 60000)})
    return lines


def fill_website_reports(site: dict, *, index: int, today: date, rng: random.Random) -> int:
    """Give the active site its report for last year, depending on its place (`index`) in the catalog; return how
    many were written (0 or 1). Call it after the site's visits, items, letters and applications."""
    year = today.year - 1
    if index % 3 == 1 and index % 2 == 1:
        return 0  # not started
    published = index % 3 != 1 and today > date(year + 1, 1, 20)
    figures = compute_figures(year)
    if published:
        late = index % 7 == 5
        day = date(year + 1, 2, rng.randint(2, 9)) if late else date(year + 1, 1, rng.randint(20, 30))
        moment = datetime.combine(min(day, today - timedelta(days=1)), time(rng.randint(9, 16), 30))
    else:
        moment = datetime.combine(min(date(year + 1, 1, rng.randint(10, 28)), today), time(10, 0))
    db.session.add(WebsiteReport(year=year, status="published" if published else "draft",
                                 computed=json.dumps(figures),
                                 manual=json.dumps(_manual(site, rng), ensure_ascii=False),
                                 generated_at=moment - timedelta(days=2) if published else moment,
                                 published_at=moment if published else None,
                                 created_at=moment - timedelta(days=2), updated_at=moment))
    db.session.flush()  # inside the site's scope, which gives the row its site
    return 1
