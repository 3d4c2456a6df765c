"""The demo city's search: the bureau's synonyms, and a month of what each site's visitors searched for.

The synonyms are the ones citizens' words call for on any city's sites (社保 for 社会保险, 公积金 for 住房公积金).
The counts give each site's "what people look for" page something to show at once: its own sections' words,
searched most, and a few searches that found nothing (the kind a department reads to see what is missing), drawn
from the site's seeded random generator so every load gives the same city. Rows are written directly: this is a
data set, not a user's action.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.search.models import PortalSearchTermDay, SearchTermDay, SynonymGroup
from tenants.scoping import activate_tenant, crosses_tenants

SYNONYMS = ("社保 社会保险 社会保障", "医保 医疗保险", "公积金 住房公积金", "低保 最低生活保障", "营业执照 执照",
            "身份证 居民身份证", "驾照 驾驶证")
#: What people type into any government site's box; the first ones most often.
COMMON = ("办事指南", "联系电话", "政策解读", "招聘", "通知公告", "信息公开", "投诉", "社保", "公积金", "补贴")
#: Searches that find nothing on most sites: what departments are asked for and have not published.
MISSING = ("电子证照下载", "周末办理时间", "办事进度查询电话", "补贴发放名单2026", "停车收费标准")
PORTAL = ("社保卡", "公积金提取", "落户", "医保报销", "新生儿", "营业执照", "不动产登记", "养老金")


def ensure_synonyms() -> int:
    """Add the demo synonyms once (the bureau's list starts with them); returns how many groups were added."""
    if db.session.execute(select(func.count()).select_from(SynonymGroup)).scalar_one():
        return 0
    db.session.add_all(SynonymGroup(words=words) for words in SYNONYMS)
    return len(SYNONYMS)


def _days(today: date):
    return [today - timedelta(days=n) for n in range(30)]


@crosses_tenants("the demo city's search counts are written into each site by its id")
def fill_search_counts(site_id: int, *, today: date, rng: random.Random) -> int:
    """A month of searches on one site, once; returns how many searches were counted."""
    with activate_tenant(site_id):
        if db.session.execute(select(func.count()).select_from(SearchTermDay)).scalar_one():
            return 0
        total = 0
        for day in _days(today):
            for rank, term in enumerate(COMMON):
                n = rng.randint(0, max(1, 8 - rank))
                if n:
                    db.session.add(SearchTermDay(day=day, term=term, searches=n, empty_searches=0))
                    total += n
            for term in rng.sample(MISSING, 2):
                if rng.random() < .4:
                    db.session.add(SearchTermDay(day=day, term=term, searches=1, empty_searches=1))
                    total += 1
        db.session.flush()
        return total


def fill_portal_search_counts(*, today: date, rng: random.Random) -> int:
    """A month of the city portal's searches, once."""
    if db.session.execute(select(func.count()).select_from(PortalSearchTermDay)).scalar_one():
        return 0
    total = 0
    for day in _days(today):
        for rank, term in enumerate(PORTAL):
            n = rng.randint(1, 20 - 2 * rank)
            empty = 1 if term == "新生儿" and rng.random() < .5 else 0
            db.session.add(PortalSearchTermDay(day=day, term=term, searches=n, empty_searches=empty))
            total += n
    return total
