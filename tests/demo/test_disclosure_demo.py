"""The demo city's disclosure catalogue leaves a few categories empty on some sites, never the same everywhere, so
the coverage pages (the site's, the bureau's matrix) have gaps to show (core/demo/disclosure.py)."""
from __future__ import annotations

import datetime
import random

from sqlalchemy import select

from core.demo import disclosure as demo_disclosure
from core.demo import loader
from core.disclosure.models import DisclosureCategory
from core.disclosure.operations import ensure_default_categories, ensure_default_subjects
from core.extensions import db
from core.sections.queries import site_sections
from tenants.catalog import load_catalog
from tenants.scoping import activate_tenant

TODAY = datetime.date(2026, 6, 15)
#: Every department publishes its budget and its organisation; its normative documents are its policies.
NEVER_EMPTY = {"财政预算决算", "机构设置与职能", "规范性文件"}


def test_catalogue_items_leave_one_to_three_categories_empty_on_some_sites_only():
    sites = load_catalog()["sites"]
    gaps = {}
    for site in sites:
        items, empty = demo_disclosure.catalogue_items(site, today=TODAY, rng=random.Random(f"test:{site['slug']}"))
        written = {item["category"] for item in items}
        assert not written & empty, site["slug"]  # an empty category gets nothing
        assert not empty & NEVER_EMPTY and len(empty) <= 3, (site["slug"], empty)
        assert "行政许可事项" in written  # the categories it fills and does not leave empty are all there
        assert written | empty >= {"行政事业性收费", "政府采购", "重大建设项目", "突发公共事件应急预案", "重大事项决策",
                                   "监督检查情况"}, site["slug"]
        gaps[site["slug"]] = empty
    with_gaps = {slug for slug, empty in gaps.items() if empty}
    assert len(sites) / 4 < len(with_gaps) < len(sites) * 3 / 4  # about half the sites
    assert len({frozenset(empty) for empty in gaps.values() if empty}) > 3  # not the same gaps everywhere


def test_a_sites_plan_files_nothing_under_the_categories_it_leaves_empty(app, create_site, monkeypatch):
    """The site's other disclosure items (its budget, statistics, fees, procurement, emergency plans) skip the empty
    categories too, so the coverage flags them."""
    with app.app_context():
        ensure_default_categories()
        ensure_default_subjects()
        db.session.commit()
    site = create_site("rsj")
    left_empty = []

    def catalogue_items(*args, **kwargs):
        items, empty = original(*args, **kwargs)
        left_empty.append(empty)
        return items, empty

    original = demo_disclosure.catalogue_items
    monkeypatch.setattr(demo_disclosure, "catalogue_items", catalogue_items)
    gaps = 0
    with app.app_context(), activate_tenant(site.id):
        names = dict(db.session.execute(select(DisclosureCategory.id, DisclosureCategory.name_zh)).all())
        by_key = {s.mandatory_key or s.slug: s for s in site_sections()}
        for entry in load_catalog()["sites"][:24]:
            plan = dict(loader._disclosure_plan(entry, by_key, today=TODAY,
                                                rng=random.Random(f"test:{entry['slug']}")))
            filed = {names[item["disclosure_category_id"]] for items in plan.values() for item in items
                     if item.get("disclosure_category_id")}
            empty = left_empty[-1]
            assert not filed & empty, (entry["slug"], filed & empty)
            assert "规范性文件" in filed, entry["slug"]
            gaps += bool(empty)
        db.session.rollback()
    assert gaps
