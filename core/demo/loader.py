"""Load the demo city: every catalog site, its sections, and months of realistic content.

Idempotent: a site that exists is brought in step (fields, sections) but its
content is generated only once, when it has none.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from core.auth.models import User
from core.content.models import Article
from core.content.sanitize import clean_html
from core.demo import content
from core.demo.accounts import ensure_platform_accounts, ensure_site_accounts
from core.demo.quality import Quality, profiles
from core.demo.consultations import fill_consultations
from core.demo.disclosure_applications import fill_disclosure_applications
from core.demo.disclosure_reports import fill_disclosure_reports
from core.demo.search import ensure_synonyms, fill_portal_search_counts, fill_search_counts
from core.demo.website_reports import fill_website_reports
from core.demo.letters import fill_letters, forward_some, reviews_replies
from core.demo.security import plant_security_problems
from core.demo.services import fill_services, has_online_items
from core.demo.training import fill_training
from core.demo.visits import fill_portal_visits, fill_site_visits
from core.demo import disclosure as demo_disclosure
from core.disclosure.defaults import GUIDE_SLUG, RULES_SLUG
from core.disclosure.models import DisclosureCategory, DisclosureSubject, PolicyInterpretation
from core.disclosure.models_applications import DisclosureApplication
from core.disclosure.models_report import DisclosureReport
from core.disclosure.operations import ensure_default_categories, ensure_default_subjects
from core.duties.models import DUTIES, DutyAssignment
from core.evaluation.engine import evaluate_site
from core.evaluation.models import EvaluationSnapshot
from core.evaluation.settings import current_settings
from core.evaluation.yearly_models import WebsiteReport
from core.extensions import db
from core.interaction.queries_letters import months_before
from core.interaction.models import Letter
from core.interaction.models_consultations import Consultation
from core.sections.operations import SectionError, add_section
from core.sections.queries import site_sections
from core.sections.sync import ensure_mandatory_set, sync_sections
from core.services.models import ServiceItem
from core.timeutil import now as city_now
from core.workdays.operations import load_year
from core.workdays.queries import known_years
from core.workdays.sources import package_years
from tenants.catalog import load_catalog
from tenants.models import Tenant
from tenants.provisioning import create_tenant, default_domain, ensure_group, update_tenant
from tenants.scoping import activate_tenant, crosses_tenants

#: Specialized sections (专业栏目) the demo gives departments, two each.
SPECIALIZED = (
    ("special-topics", "专题专栏", "Special topics"),
    ("integrity", "行风建设", "Conduct and integrity"),
    ("statistics", "统计数据", "Statistics"),
    ("industry", "行业动态", "Industry news"),
    ("science", "科普宣传", "Public education"),
    ("projects", "重点项目", "Key projects"),
)
SITE_FIELDS = ("is_window_department", "address_zh", "address_en", "phone", "icp_record", "psb_record",
               "site_code", "accent")
#: Who answers for each duty on a demo site (their demo accounts), and their deputy: (responsible, deputy).
DUTY_PEOPLE = {
    "publishing": ("publisher", "reviewer"),
    "online_services": ("serviceofficer", "siteadmin"),
    "interaction": ("interactionofficer", "siteadmin"),
    "security": ("siteadmin", "editor"),
    "maintenance": ("editor", "siteadmin"),
}
#: How long ago the letter a site forgot came (more than three months: the evaluation fails the site).
FORGOTTEN_DAYS = 125
#: The evaluation's history a demo city starts with: a snapshot as of the 1st of each of these past months.
HISTORY_MONTHS = 5


def catalog_sites(scale: int = 1) -> list[dict]:
    """The catalog's sites; with scale > 1, copies with numbered slugs for load tests."""
    sites = load_catalog()["sites"]
    if scale <= 1:
        return list(sites)
    copies = list(sites)
    for n in range(2, scale + 1):
        for site in sites:
            copies.append({**site, "slug": f"{site['slug']}{n}", "aliases": [],
                           "name_zh": f"{site['name_zh']}（{n}）", "name_en": f"{site['name_en']} ({n})",
                           "site_code": f"{site['site_code']}{n}", "icp_record": f"{site['icp_record']}-{n}",
                           "psb_record": f"{site['psb_record']}-{n}"})
    return copies


@crosses_tenants("the demo city fills every site of the catalog, one at a time")
def load_city(*, today: date, seed: int, scale: int = 1, news_per_site: int = 120, echo=print,
              accounts: list | None = None) -> dict[str, int]:
    """Create or refresh every demo site; return counts for the operator.

    New demo accounts' credentials are appended to `accounts` when it is given.
    """
    catalog = load_catalog()
    base = current_app.config["BASE_DOMAIN"]
    if accounts is not None:
        accounts.extend(ensure_platform_accounts(f"{current_app.config['PLATFORM_HOST_LABEL']}.{base}"))
    for position, group in enumerate(catalog["groups"]):
        ensure_group(group["key"], group["name_zh"], group["name_en"], position)
    ensure_mandatory_set()
    ensure_default_categories()
    ensure_default_subjects()
    for year in (today.year - 1, today.year, today.year + 1):  # what the calendar package knows of them
        if year in package_years() and year not in known_years():
            load_year(year)
    db.session.commit()
    totals = {"sites_created": 0, "sites_updated": 0, "articles": 0, "service_items": 0, "applications": 0,
              "consultations": 0, "opinions": 0, "letters": 0, "disclosure_applications": 0, "disclosure_reports": 0,
              "website_reports": 0, "page_views": 0}
    given_letters = []
    sites = catalog_sites(scale)
    kept = profiles([site["slug"] for site in sites], seed)
    for position, site in enumerate(sites):
        quality = kept[site["slug"]]
        tenant = db.session.execute(select(Tenant).where(Tenant.slug == site["slug"])).scalar_one_or_none()
        fields = {k: "" if k in quality.footer_gaps else site[k] for k in SITE_FIELDS}
        fields.update(sponsor_zh=site["name_zh"], sponsor_en=site["name_en"],
                      organisation_code=demo_disclosure.organisation_code(site["slug"]))
        if tenant is None:
            tenant = create_tenant(slug=site["slug"], name_zh=site["name_zh"], name_en=site["name_en"],
                                   kind=site["kind"], group_key=site["group"],
                                   aliases=[default_domain(a) for a in site.get("aliases", [])], **fields)
            totals["sites_created"] += 1
        else:
            update_tenant(tenant, **fields)
            sync_sections(tenant.id)
            totals["sites_updated"] += 1
        online = has_online_items(site)
        review = reviews_replies(position)  # a second officer reviews replies there: they get two officers
        if accounts is not None:
            accounts.extend(ensure_site_accounts(tenant.id, tenant.slug, tenant.primary_domain, site["name_zh"],
                                                 ("service_officer", "interaction_officer", "disclosure_officer")
                                                 if online else ("interaction_officer", "disclosure_officer"),
                                                 second_interaction_officer=review))
        rng = random.Random(f"{seed}:{site['slug']}")
        with activate_tenant(tenant.id):
            has_content = db.session.execute(select(func.count()).select_from(Article)).scalar_one()
            if not has_content:
                totals["articles"] += _fill_site(site, today=today, rng=rng, news_per_site=news_per_site,
                                                 quality=quality)
            _assign_duties(tenant.slug, quality)
            has_services = db.session.execute(select(func.count()).select_from(ServiceItem)).scalar_one()
            if not has_services:
                officer = db.session.execute(select(User.id).where(User.username == f"{tenant.slug}.serviceofficer"))\
                    .scalar_one_or_none() if online else None
                items, applications = fill_services(site, today=today, officer_id=officer,
                                                    rng=random.Random(f"{seed}:{site['slug']}:services"),
                                                    incomplete=quality.incomplete_guides)
                totals["service_items"] += items
                totals["applications"] += applications
            if not db.session.execute(select(func.count()).select_from(Consultation)).scalar_one():
                officer = db.session.execute(select(User.id).where(
                    User.username == f"{tenant.slug}.interactionofficer")).scalar_one_or_none()
                consultations, opinions = fill_consultations(
                    site, today=today, officer_id=officer, rng=random.Random(f"{seed}:{site['slug']}:consultations"))
                totals["consultations"] += consultations
                totals["opinions"] += opinions
            if not db.session.execute(select(func.count()).select_from(Letter)).scalar_one():
                officer = db.session.execute(select(User.id).where(
                    User.username == f"{tenant.slug}.interactionofficer")).scalar_one_or_none()
                totals["letters"] += fill_letters(site, today=today, officer_id=officer, review=review,
                                                  rng=random.Random(f"{seed}:{site['slug']}:letters"),
                                                  late_share=quality.late_letters,
                                                  overdue_days=FORGOTTEN_DAYS if quality.veto == "letter"
                                                  else quality.overdue_days)
                given_letters.append(tenant.id)
            if not db.session.execute(select(func.count()).select_from(DisclosureApplication)).scalar_one():
                officer = db.session.execute(select(User.id).where(
                    User.username == f"{tenant.slug}.disclosureofficer")).scalar_one_or_none()
                totals["disclosure_applications"] += fill_disclosure_applications(
                    site, index=position, today=today, officer_id=officer,
                    rng=random.Random(f"{seed}:{site['slug']}:disclosure"))
            if not db.session.execute(select(func.count()).select_from(DisclosureReport)).scalar_one():
                # After the applications: the reports count them.
                totals["disclosure_reports"] += fill_disclosure_reports(
                    site, index=position, today=today, rng=random.Random(f"{seed}:{site['slug']}:reports"))
            # After the content: the newest items get their readers.
            totals["page_views"] += fill_site_visits(site, tenant.id, today=today,
                                                     rng=random.Random(f"{seed}:{site['slug']}:visits"))
            if not db.session.execute(select(func.count()).select_from(WebsiteReport)).scalar_one():
                # After the visits, items, letters and applications: the report counts them.
                totals["website_reports"] += fill_website_reports(
                    site, index=position, today=today, rng=random.Random(f"{seed}:{site['slug']}:website"))
        db.session.commit()
        echo(f"  {site['slug']:<12} {site['name_zh']}")
    totals["page_views"] += fill_portal_visits(today=today, rng=random.Random(f"{seed}:portal:visits"))
    db.session.commit()
    if len(given_letters) > 1:  # the sites just given letters forward a few to each other
        totals["letters_forwarded"] = forward_some(given_letters, today=today, rng=random.Random(f"{seed}:forwarded"))
        db.session.commit()
    # A few realistic problems for the security checks to find (once; `flask demo load` then runs the checks).
    totals["security_planted"] = plant_security_problems(now=city_now())
    db.session.commit()
    # After every site and account: the bureau's training material reaches them all at once.
    totals.update(fill_training(today=today, now=datetime.combine(today, time(8, 0)),
                                rng=random.Random(f"{seed}:training")))
    totals["synonyms"] = ensure_synonyms()
    totals["searches"] = fill_portal_search_counts(today=today, rng=random.Random(f"{seed}:portal:search"))
    for site in sites:
        site_id = db.session.execute(select(Tenant.id).where(Tenant.slug == site["slug"])).scalar_one()
        totals["searches"] += fill_search_counts(site_id, today=today,
                                                 rng=random.Random(f"{seed}:{site['slug']}:search"))
    db.session.commit()
    totals["snapshots"] = _evaluation_history([site["slug"] for site in sites], today=today,
                                              months=HISTORY_MONTHS if scale <= 1 else 0)
    return totals


def _assign_duties(slug: str, quality: Quality) -> None:
    """Name the active site's demo people for the first `quality.duties` duties, once (岗位责任制); the rest stay
    gaps. Nothing when the site has assignments already or its demo people do not exist."""
    if db.session.execute(select(func.count()).select_from(DutyAssignment)).scalar_one():
        return
    people = dict(db.session.execute(select(User.username, User.id).where(User.username.startswith(f"{slug}.")))
                  .all())
    for duty in DUTIES[:quality.duties]:
        responsible, deputy = (people.get(f"{slug}.{who}") for who in DUTY_PEOPLE[duty])
        responsible = responsible or people.get(f"{slug}.siteadmin")
        if responsible is None:
            continue
        db.session.add(DutyAssignment(duty=duty, responsible_id=responsible,
                                      deputy_id=deputy if deputy != responsible else None))


@crosses_tenants("the demo city starts with months of evaluation history, each site's kept inside that site")
def _evaluation_history(slugs: list[str], *, today: date, months: int) -> int:
    """Snapshots of every site that has none yet: as of the 1st of each of the last `months` months (05:00, as the
    monthly job takes them, computed from the content as it stood then) and as of now; return how many."""
    from core.timeutil import now

    settings = current_settings()
    first = today.replace(day=1)
    moments = [datetime.combine(months_before(first, back), time(5, 0)) for back in range(months, 0, -1)]
    moments.append(now() if now().date() == today else datetime.combine(today, time(23, 0)))
    taken = 0
    for tenant_id in db.session.execute(select(Tenant.id).where(Tenant.slug.in_(slugs))).scalars().all():
        with activate_tenant(tenant_id):
            if db.session.execute(select(func.count()).select_from(EvaluationSnapshot)).scalar_one():
                continue
            for moment in moments:
                evaluation = evaluate_site(moment, settings)
                db.session.add(EvaluationSnapshot(as_of=moment, trigger="demo", score=evaluation.score,
                                                  grade=evaluation.grade, vetoes=len(evaluation.vetoes),
                                                  warnings=len(evaluation.warnings), results=evaluation.to_json()))
                db.session.flush()  # stamped with this site, as it is written
                taken += 1
        db.session.commit()
    return taken


def _fill_site(site: dict, *, today: date, rng: random.Random, news_per_site: int, quality: Quality) -> int:
    """Give one site (the active tenant) its specialized sections and content, kept as well as `quality` says."""
    spare = list(SPECIALIZED)
    if site["kind"] == "department":
        for slug, name_zh, name_en in rng.sample(SPECIALIZED, 2):
            spare.remove((slug, name_zh, name_en))
            try:
                add_section(name_zh=name_zh, name_en=name_en, slug=slug, kind="article_list",
                            homepage_priority=50 + len(slug))
            except SectionError:
                pass  # already there from an earlier, interrupted load
    for slug, name_zh, name_en in spare[:quality.empty_sections]:  # sections added and never filled
        try:
            add_section(name_zh=name_zh, name_en=name_en, slug=slug, kind="article_list")
        except SectionError:
            pass
    empty = {slug for slug, _zh, _en in spare[:quality.empty_sections]}
    if quality.veto == "homepage":  # the site stopped publishing three weeks ago
        today = today - timedelta(days=21)
    by_key = {s.mandatory_key or s.slug: s for s in site_sections()}
    about = content.about_page(site)
    by_key["about"].page_html = clean_html(about["body_html"])
    plan = [
        ("news", content.news_items(site, today=today, rng=rng, count=max(round(news_per_site * quality.news), 1))),
        ("notices", content.notice_items(site, today=today, rng=rng, count=15)),
    ]
    # The service guide, forms and online services sections show the site's service items (core.demo.services).
    stale = quality.stale_sections
    for key, section in by_key.items():
        if not section.is_mandatory and section.kind == "article_list" and section.parent_id is None \
                and key not in empty:
            # A section let go: its last items are more than a year old.
            when = today - timedelta(days=420) if stale > 0 else today
            stale -= 1
            plan.append((key, content.news_items(site, today=when, rng=rng, count=8)))
    plan += _disclosure_plan(site, by_key, today=today, rng=rng, interpretation=quality.interpretation)
    count = 0
    written: list[tuple[dict, Article]] = []
    for key, items in plan:
        section = by_key[key]
        articles = [_article(section.id, item) for item in items]
        db.session.add_all(articles)
        written += zip(items, articles)
        count += len(items)
    db.session.flush()  # every filed item gets its index number here, in the order they were published
    _link_interpretations(written)
    return count


def _disclosure_plan(site: dict, by_key: dict, *, today: date, rng: random.Random,
                     interpretation: float = 0.65) -> list[tuple[str, list[dict]]]:
    """The site's policies and its disclosure column, every item filed (core.demo.disclosure); the column's pages."""
    categories = dict(db.session.execute(select(DisclosureCategory.name_zh, DisclosureCategory.id)).all())
    subjects = dict(db.session.execute(select(DisclosureSubject.name_zh, DisclosureSubject.id)).all())
    own = demo_disclosure.site_subject(site)

    def filed(item: dict, category: str) -> dict:
        subject = demo_disclosure.SUBJECT_OF_CATEGORY.get(category, own)
        # A document is dated (成文日期) a few days before it is published.
        issued = item.get("issued_on") or (item["published_at"] - timedelta(days=rng.randint(1, 9))).date()
        return {**item, "disclosure_category_id": categories.get(category), "subject_id": subjects.get(subject),
                "issued_on": issued}

    policies = content.policy_items(site, today=today, rng=rng, count=16)
    # The site's own and the city's policies are filed under 规范性文件 (the city's as republished there); the others
    # are only listed. The yearly report counts the site's own (departmental) ones only.
    policies = [filed(p, "规范性文件") if p["policy_level"] in ("municipal", "departmental") else p for p in policies]
    extra, empty = demo_disclosure.catalogue_items(site, today=today, rng=rng)
    column = [filed(item, item.pop("category")) for item in extra]
    for item in content.disclosure_items(site, today=today, rng=rng, count=10):
        kind = item.pop("category")
        # The yearly reports are generated from the site's data instead (core.demo.disclosure_reports).
        if kind == demo_disclosure.REPORT_KIND:
            continue
        if kind != demo_disclosure.GUIDE_KIND and demo_disclosure.CATEGORY_OF_KIND[kind] not in empty:
            column.append(filed(item, demo_disclosure.CATEGORY_OF_KIND[kind]))
    # About two recent municipal policies in three get an interpretation, in words, a graphic or a video.
    recent = datetime.combine(today.replace(year=today.year - 3), time(0, 0))
    for policy in (p for p in policies if p["policy_level"] == "municipal" and p["published_at"] >= recent):
        if rng.random() < interpretation:
            kind = rng.choice(("text", "text", "graphic", "video"))
            item = demo_disclosure.interpretation_item(policy, site, kind=kind, today=today, rng=rng)
            column.append({**filed(item, "规范性文件"), "interprets": policy, "interpretation_kind": kind})
    if GUIDE_SLUG in by_key:
        by_key[GUIDE_SLUG].page_html = clean_html(demo_disclosure.guide_html(site))
    if RULES_SLUG in by_key:
        by_key[RULES_SLUG].page_html = clean_html(demo_disclosure.rules_html(site))
    return [("policies", policies), ("disclosure", column)]


def _link_interpretations(written: list[tuple[dict, Article]]) -> None:
    """Link each demo interpretation to the policy it was written for (the articles have their ids now)."""
    by_item = {id(item): article for item, article in written}
    for item, article in written:
        if "interprets" in item:
            db.session.add(PolicyInterpretation(policy_id=by_item[id(item["interprets"])].id,
                                                interpretation_id=article.id, kind=item["interpretation_kind"]))


def _article(section_id: int, item: dict) -> Article:
    published_at = item["published_at"]
    if isinstance(published_at, date) and not isinstance(published_at, datetime):
        published_at = datetime.combine(published_at, time(9, 0))
    written = published_at - timedelta(minutes=40)  # written that morning, not back-dated
    return Article(
        created_at=written, updated_at=written, section_id=section_id, title=item["title"],
        summary=item.get("summary", ""),
        body_html=clean_html(item["body_html"]), source=item.get("source", ""), author=item.get("author", ""),
        status="published", published_at=published_at, policy_level=item.get("policy_level"),
        document_number=item.get("document_number", ""), issuing_body=item.get("issuing_body", ""),
        issued_on=item.get("issued_on"), effective_on=item.get("effective_on"),
        policy_status=item.get("policy_status"), disclosure_category_id=item.get("disclosure_category_id"),
        subject_id=item.get("subject_id"),
    )


