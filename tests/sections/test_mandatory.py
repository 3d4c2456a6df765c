"""The mandatory section set is the platform's: on every site, unchangeable by a department."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.disclosure.defaults import COLUMN_PARTS
from core.extensions import db
from core.sections.defaults import DEFAULT_MANDATORY_SECTIONS
from core.sections.models import MandatorySection, Section
from core.sections.operations import (MandatorySectionLocked, SectionError, add_section, delete_section, move_section,
                                      update_section)
from core.sections.queries import site_sections
from core.sections.sync import sync_all_tenants
from tenants.scoping import activate_tenant

DEFAULT_KEYS = [row[0] for row in DEFAULT_MANDATORY_SECTIONS]
#: Every new site's disclosure column also gets its guide, rules and annual reports (core.disclosure).
COLUMN_SLUGS = [row[0] for row in COLUMN_PARTS]


def _sections(app, site):
    with app.app_context(), activate_tenant(site.id):
        return [(s.slug, s.name_zh, s.mandatory_key) for s in site_sections()]


def test_every_new_site_gets_the_whole_set_in_the_platforms_order(app, two_sites):
    for site in two_sites[:2]:
        sections = _sections(app, site)
        assert [key for _, _, key in sections[:len(DEFAULT_KEYS)]] == DEFAULT_KEYS
        # Then the parts of its disclosure column (core.disclosure), the site's own.
        assert [(slug, key) for slug, _, key in sections[len(DEFAULT_KEYS):]] == [
            (slug, None) for slug in COLUMN_SLUGS]


def _mandatory(site, key="news") -> Section:
    with activate_tenant(site.id):
        return db.session.execute(select(Section).where(Section.mandatory_key == key)).scalar_one()


@pytest.mark.parametrize("action", [
    lambda s: delete_section(s, confirmation=s.name_zh),
    lambda s: update_section(s, name_zh="部门动态", name_en="Our news"),
    lambda s: move_section(s, "down"),
])
def test_department_cannot_delete_rename_or_move_a_mandatory_section(app, two_sites, action):
    rsj = two_sites[0]
    before = _sections(app, rsj)
    with app.app_context(), activate_tenant(rsj.id):
        with pytest.raises(MandatorySectionLocked):
            action(_mandatory(rsj))
        db.session.rollback()
    assert _sections(app, rsj) == before


@pytest.mark.parametrize("change", [
    lambda s: db.session.delete(s),
    lambda s: setattr(s, "name_zh", "部门动态"),
    lambda s: setattr(s, "position", 42),
    lambda s: setattr(s, "mandatory_key", None),
])
def test_the_orm_refuses_it_too_when_code_goes_around_the_operations(app, two_sites, change):
    rsj = two_sites[0]
    before = _sections(app, rsj)
    with app.app_context(), activate_tenant(rsj.id):
        change(_mandatory(rsj))
        with pytest.raises(MandatorySectionLocked):
            db.session.flush()
        db.session.rollback()
    assert _sections(app, rsj) == before


def test_specialized_sections_can_be_added_nested_ordered_renamed_and_deleted(app, two_sites):
    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        talent = add_section(name_zh="人才工作", name_en="Talent", slug="talent", homepage_priority=60)
        exams = add_section(name_zh="考试录用", name_en="Examinations", slug="exams", parent_id=talent.id)
        other = add_section(name_zh="行风建设", name_en="Integrity", slug="integrity")
        move_section(other, "up")
        move_section(other, "up")
        update_section(talent, name_zh="人才引进", name_en="Attracting talent", homepage_priority=60)
        db.session.commit()
        order = [s.slug for s in site_sections() if s.slug not in COLUMN_SLUGS]
        assert order[:len(DEFAULT_KEYS)] == DEFAULT_KEYS  # mandatory first, whatever the positions
        assert order[len(DEFAULT_KEYS):] == ["integrity", "talent", "exams"]
        assert exams.parent_id == talent.id
        delete_section(talent, confirmation="人才引进")
        db.session.commit()
        # The child went with it.
        assert {s.slug for s in site_sections()} == set(DEFAULT_KEYS) | set(COLUMN_SLUGS) | {"integrity"}


@pytest.mark.parametrize("kwargs, words", [
    (dict(name_zh="", name_en="x", slug="x1"), "中文和英文名称"),
    (dict(name_zh="新闻", name_en="News", slug="news"), "已被使用"),
    (dict(name_zh="x", name_en="x", slug="9bad"), "须以字母开头"),
    (dict(name_zh="x", name_en="x", slug="link", kind="external_link", external_url="javascript:alert(1)"), "http://"),
    (dict(name_zh="x", name_en="x", slug="orphan", parent_id=999999), "上级栏目"),
])
def test_bad_specialized_section_is_refused(app, two_sites, kwargs, words):
    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        with pytest.raises(SectionError) as caught:
            add_section(**kwargs)
        db.session.rollback()
    assert words in str(caught.value)


def test_parent_of_another_site_is_refused(app, two_sites):
    rsj, czj, _ = two_sites
    with app.app_context():
        foreign = _mandatory(czj).id
        with activate_tenant(rsj.id), pytest.raises(SectionError):
            add_section(name_zh="越权", name_en="x", slug="crossing", parent_id=foreign)


def test_platform_changes_reach_every_site_and_sites_created_later(app, two_sites, create_site, runner):
    rsj, czj, _ = two_sites
    with app.app_context():
        news = db.session.execute(select(MandatorySection).where(MandatorySection.key == "news")).scalar_one()
        news.name_zh = "工作动态（新）"
        db.session.add(MandatorySection(key="guidance", name_zh="政策解读", name_en="Policy explained",
                                        kind="article_list", position=3, homepage_priority=7, in_nav=True))
        forms = db.session.execute(select(MandatorySection).where(MandatorySection.key == "forms")).scalar_one()
        db.session.delete(forms)
        db.session.commit()
    result = runner.invoke(args=["sections", "sync"])
    assert result.exit_code == 0, result.output
    later = create_site("jyj")
    for site in (rsj, czj, later):
        sections = {slug: (name, key) for slug, name, key in _sections(app, site)}
        assert sections["news"] == ("工作动态（新）", "news")
        assert sections["guidance"] == ("政策解读", "guidance")
        assert sections.get("forms", (None, None))[1] is None  # released to the site, not mandatory any more
    assert "forms" not in {slug for slug, _, _ in _sections(app, later)}
    # Released, the section is the site's own: it may now delete it.
    with app.app_context(), activate_tenant(rsj.id):
        forms = db.session.execute(select(Section).where(Section.slug == "forms")).scalar_one()
        delete_section(forms, confirmation=forms.name_zh)
        db.session.commit()


def test_platform_key_claims_a_slug_a_site_already_uses(app, two_sites):
    rsj = two_sites[0]
    with app.app_context():
        with activate_tenant(rsj.id):
            add_section(name_zh="政策解读", name_en="Policy explained", slug="guidance")
            db.session.commit()
        db.session.add(MandatorySection(key="guidance", name_zh="解读", name_en="Explained", kind="article_list",
                                        position=20, homepage_priority=None, in_nav=True))
        db.session.commit()
        sync_all_tenants()
        db.session.commit()
        with activate_tenant(rsj.id):
            slugs = {s.slug: s.mandatory_key for s in site_sections()}
    assert slugs["guidance"] == "guidance"
    assert any(slug.startswith("guidance-") and key is None for slug, key in slugs.items())


def test_sync_is_idempotent(app, two_sites):
    with app.app_context():
        sync_all_tenants()
        db.session.commit()
        assert sync_all_tenants() == {"added": 0, "updated": 0, "released": 0}


def test_an_emptied_set_stays_empty_for_sites_created_later(app, two_sites, create_site):
    with app.app_context():
        for row in db.session.execute(select(MandatorySection)).scalars():
            db.session.delete(row)
        db.session.commit()
    later = create_site("jyj")
    assert [key for _, _, key in _sections(app, later)] == []
