"""Every guarded route, from the outside: anonymous, another site's people, the wrong role, the right one.

The cases come from `app.url_map` and the rules the routes were registered
with (`core.web.routes.RULES`), so a new route is in this matrix the moment it
exists; a URL parameter this file does not know how to fill fails
`test_every_url_parameter_can_be_filled` instead of quietly testing a 404.
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import create_app
from core.search.operations import add_synonyms
from core.auth.permissions import SITE_PERMISSIONS
from core.content.files import Upload
from core.content.operations import create_article
from core.disclosure.applications import submit_application as submit_disclosure_application
from core.disclosure.defaults import GUIDE_SLUG, REPORTS_SLUG
from core.disclosure.interpretations import link_interpretation
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.disclosure.models_applications import DisclosureApplicationFile
from core.disclosure.models_report import DisclosureReport
from core.disclosure.operations import ensure_default_categories, ensure_default_subjects
from core.auth.models import User
from core.evaluation.yearly_models import WebsiteReport
from core.extensions import db
from core.timeutil import now
from core.inbox.operations import deliver
from core.interaction.letters import submit_letter
from core.interaction.models_consultations import Consultation, Opinion
from core.sections.models import MandatorySection, Section
from core.sections.operations import add_section
from core.security.models import PlatformSecurityFinding, SecurityFinding
from core.services.applications import submit_application
from core.services.models import (ApplicationFile, CatalogueRequest, ServiceForm, ServiceItem, ServiceMaterial,
                                  ServiceStep)
from core.services.queries_applications import apply_item
from core.training.operations import add_good_practice, create_material, publish_material
from core.web.routes import RULES
from tenants.catalog import load_catalog
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token

_app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
#: endpoint -> (path pattern, methods), for every route of the app.
ROUTES = {r.endpoint: (r.rule, sorted(r.methods - {"HEAD", "OPTIONS"})) for r in _app.url_map.iter_rules()}
# An endpoint without a rule fails tests/test_structure.py; here it is left out rather than crash the run.
GUARDED = sorted((endpoint, RULES[endpoint]) for endpoint in ROUTES
                 if endpoint in RULES and RULES[endpoint].permission is not None)
SITE_ROUTES = [(e, r) for e, r in GUARDED if r.host == "site"]
PLATFORM_ROUTES = [(e, r) for e, r in GUARDED if r.host == "platform"]
ID_ROUTES = [(e, r) for e, r in SITE_ROUTES if "<" in ROUTES[e][0]]
PLATFORM_ID_ROUTES = [(e, r) for e, r in PLATFORM_ROUTES if "<int:" in ROUTES[e][0]]
PLATFORM = "admin.localhost"

#: What each URL parameter of a guarded route is, per host kind: the key of the `world` ids that fills it.
FILLERS = {
    "site": {"user_id": "user_id", "section_id": "section_id", "article_id": "article_id", "item_id": "item_id",
             "material_id": "material_id", "step_id": "step_id", "form_id": "form_id",
             "application_id": "application_id", "file_id": "file_id", "field_key": "field_key",
             "consultation_id": "consultation_id", "opinion_id": "opinion_id", "letter_id": "letter_id",
             "disclosure_application_id": "disclosure_application_id", "disclosure_file_id": "disclosure_file_id",
             "page_id": "column_page_id", "link_id": "interpretation_link_id", "report_id": "disclosure_report_id",
             "finding_id": "finding_id", "website_report_id": "website_report_id",
             # training material is the platform's: "another site's" is one whose audience is that site only
             "training_id": "training_id", "training_file_id": "training_file_id"},
    "platform": {"tenant_id": "tenant_id", "section_id": "mandatory_id", "category_id": "category_id",
                 "user_id": "user_id", "slug": "catalog_slug", "year": "calendar_year", "day": "calendar_day",
                 "request_id": "catalogue_request_id", "subject_id": "subject_id", "training_id": "training_id",
                 "finding_id": "platform_finding_id", "site_finding_id": "site_finding_id",
                 "training_file_id": "training_file_id", "example_id": "example_id",
                 "group_id": "synonym_group_id"},
    # The pages every signed-in person has on any host (their own inbox): another person's message is a 404
    # (tests/inbox), whatever the host.
    "any": {"message_id": "inbox_message_id"},
}


def _params(endpoint: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", ROUTES[endpoint][0])


def test_every_url_parameter_can_be_filled():
    unknown = {(endpoint, name) for endpoint, rule in GUARDED for name in _params(endpoint)
               if name not in FILLERS.get(rule.host, {})}
    assert unknown == set(), "teach FILLERS how to fill these, so their routes are really tested"


def test_the_matrix_covers_the_known_routes():
    endpoints = {e for e, _ in GUARDED}
    assert endpoints >= {"admin.home", "auth.users", "auth.new_user", "auth.user", "sites.settings", "duties.index",
                         "sections.index", "sections.edit", "sections.move", "sections.delete", "audit.index",
                         "publishing.index", "publishing.edit", "sites.platform_index", "sections.platform_edit",
                         "disclosure.platform_categories", "auth.platform_users", "jobs.platform_runs"}


def role_with(permission: str) -> str:
    return next(role for role, granted in SITE_PERMISSIONS.items() if permission in granted)


def role_without(permission: str) -> str | None:
    return next((role for role, granted in SITE_PERMISSIONS.items() if permission not in granted), None)


@pytest.fixture
def world(app, two_sites, create_account):
    """Both sites with a specialized section, an article and a member each; the platform's ids too."""
    rsj, czj, _ = two_sites
    ids = {}
    for site in (rsj, czj):
        member = create_account(f"member.{site.slug}", site=site, roles=["collector"])
        with app.app_context(), activate_tenant(site.id):
            section = add_section(name_zh="专题", name_en="Topics", slug="topics")
            article = create_article(section=section, title="草稿", status="collecting")
            item = ServiceItem(code="XK-001", name="人力资源服务许可", kind="licensing", application_fields=json.dumps(
                [{"key": "employer", "type": "text", "label": "工作单位"}, {"key": "title", "type": "text", "label": "职务"}]))
            item.materials.append(ServiceMaterial(name="营业执照"))
            item.steps.append(ServiceStep(title="受理"))
            item.forms.append(ServiceForm(title="申请表", filename="申请表.pdf", stored_name="0" * 32 + ".pdf",
                                          content_type="application/pdf", size=4))
            db.session.add(item)
            db.session.flush()
            request = CatalogueRequest(action="remove", item_id=item.id, reason="编委调整")
            db.session.add(request)
            application = _application_with_a_file()
            consultation, opinion = _consultation_with_an_opinion()
            letter, _new = submit_letter("consultation", subject="咨询社保缴费", body="请问如何补缴？", writer_name="王小明",
                                         phone="13812345678", upload=Upload("说明.pdf", b"%PDF-1.4\n"))
            disclosure, disclosure_file = _disclosure_application_with_a_file()
            link = _interpretation_link(section)
            guide = db.session.execute(select(Section.id).where(Section.slug == GUIDE_SLUG)).scalar_one()
            report = _disclosure_report()
            website_report = WebsiteReport(year=now().year - 1, status="draft")
            db.session.add(website_report)
            [message] = deliver([db.session.get(User, member.id)], key="training:1", kind="training",
                                subject="培训资料", body="请阅读")
            finding = SecurityFinding(rule="accounts.inactive", object_key=f"user:{member.id}", object_name="成员",
                                      severity="medium", state="new")
            db.session.add(finding)
            db.session.commit()
            ids[site.slug] = {"user_id": member.id, "section_id": section.id, "article_id": article.id,
                              "item_id": item.id, "material_id": item.materials[0].id, "step_id": item.steps[0].id,
                              "form_id": item.forms[0].id, "request_id": request.id,
                              "application_id": application.id, "field_key": "title",
                              "file_id": db.session.execute(select(ApplicationFile.id)).scalar_one(),
                              "consultation_id": consultation.id, "opinion_id": opinion.id, "letter_id": letter.id,
                              "disclosure_application_id": disclosure.id, "disclosure_file_id": disclosure_file,
                              "column_page_id": guide, "interpretation_link_id": link.id,
                              "disclosure_report_id": report.id, "inbox_message_id": message.id,
                              "finding_id": finding.id, "website_report_id": website_report.id}
    with app.app_context():
        ensure_default_categories()
        ensure_default_subjects()
        db.session.commit()
        for site in (rsj, czj):
            ids[site.slug].update(_training_for(site))
        existing = {rsj.slug, czj.slug}
        ids["platform"] = {
            "tenant_id": rsj.id, "user_id": ids["rsj"]["user_id"],
            "mandatory_id": db.session.execute(select(MandatorySection.id).where(MandatorySection.key == "news"))
            .scalar_one(),
            "category_id": db.session.execute(select(DisclosureCategory.id)).scalars().first(),
            "catalog_slug": next(e["slug"] for e in load_catalog()["sites"] if e["slug"] not in existing),
            "calendar_year": 2026, "calendar_day": "2026-02-14", "catalogue_request_id": ids["rsj"]["request_id"],
            "subject_id": db.session.execute(select(DisclosureSubject.id)).scalars().first(),
            "platform_finding_id": _platform_finding(), "site_finding_id": ids["rsj"]["finding_id"],
            "training_id": ids["rsj"]["training_id"], "training_file_id": ids["rsj"]["training_file_id"],
            "example_id": add_good_practice(actor=None, site_id=rsj.id, note="首页重点突出。").id,
            "synonym_group_id": add_synonyms("社保 社会保险").id,
        }
        db.session.commit()
        db.session.remove()
    return rsj, czj, ids


def _platform_finding() -> int:
    """A security finding of the platform's own (core.security)."""
    finding = PlatformSecurityFinding(rule="config.debug", object_key="setting:DEBUG", object_name="DEBUG",
                                      severity="high", state="new")
    db.session.add(finding)
    db.session.commit()
    return finding.id
def _training_for(site) -> dict:
    """A published training material for every role of one site (platform data, made as the bureau makes it)."""
    material = create_material(actor=None, title="网络安全培训", due_on=date.today() + timedelta(days=30),
                               site_scope="sites", site_ids=[site.id], uploads=[Upload("课件.pdf", b"%PDF-1.4\n")])
    publish_material(material, actor=None)
    db.session.commit()
    return {"training_id": material.id, "training_file_id": material.files[0].id}


def _application_with_a_file():
    """An online application with one uploaded material, filed on the active site."""
    item = ServiceItem(code="RS-001", name="职称评审", online_level="online", published_guide=json.dumps(
        {"online_level": "online", "application_fields": [{"key": "doc", "type": "file", "label": "材料"}]}))
    db.session.add(item)
    db.session.flush()
    application, _new = submit_application(apply_item(item), applicant_name="王小明", id_number="11010519491231002X",
                                           phone="13812345678", answers={},
                                           uploads={"doc": Upload("材料.pdf", b"%PDF-1.4\n")})
    return application


def _disclosure_application_with_a_file():
    """An application for disclosure with the applicant's file, filed on the active site; return it, its file's id."""
    found, _new = submit_disclosure_application(
        applicant_kind="person", applicant_name="王小明", id_number="11010519491231002X", phone="13812345678",
        description="某地块征收补偿方案", medium="electronic", delivery="online",
        uploads=[Upload("身份证.pdf", b"%PDF-1.4\n")])
    return found, db.session.execute(select(DisclosureApplicationFile.id)).scalar_one()


def _interpretation_link(section):
    """A policy and its interpretation, linked, in the given section of the active site."""
    policy = create_article(section=section, title="就业补贴管理办法", policy_level="municipal")
    interpretation = create_article(section=section, title="《就业补贴管理办法》政策解读")
    return link_interpretation(interpretation, policy, kind="text")


def _disclosure_report():
    """The active site's yearly disclosure report of 2025: its item in the annual reports column, and its figures."""
    section = db.session.execute(select(Section).where(Section.slug == REPORTS_SLUG)).scalar_one()
    article = create_article(section=section, title="2025年政府信息公开工作年度报告", status="editing")
    found = DisclosureReport(year=2025, article_id=article.id, computed="{}", manual="{}")
    db.session.add(found)
    db.session.flush()
    return found


def _consultation_with_an_opinion():
    """A published consultation open now, with its draft as a document and one opinion, on the active site."""
    from core.content.files import write_upload

    today = date.today()
    consultation = Consultation(title="就业补贴管理办法（征求意见稿）", body_html="<p>第一条</p>", office="就业促进科",
                                open_on=today - timedelta(days=10), close_on=today + timedelta(days=20),
                                status="published")
    entry = write_upload(Upload("征求意见稿.pdf", b"%PDF-1.4\n"))
    consultation.document_filename, consultation.document_stored_name = entry["filename"], entry["stored_name"]
    consultation.document_content_type, consultation.document_size = entry["content_type"], entry["size"]
    db.session.add(consultation)
    db.session.flush()
    opinion = Opinion(consultation_id=consultation.id, body="建议延长申请时限。", phone="13812345678")
    db.session.add(opinion)
    db.session.flush()
    return consultation, opinion


def url(endpoint: str, values: dict, host: str = "site") -> str:
    path = ROUTES[endpoint][0]
    for name in _params(endpoint):
        path = re.sub(rf"<(?:\w+:)?{name}>", str(values[FILLERS[host][name]]), path)
    return path


def _methods(endpoint: str) -> list[str]:
    return ROUTES[endpoint][1]


# --- a site's admin routes ---------------------------------------------------------------------

@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_anonymous_is_sent_to_the_login_page(world, client_for, endpoint, rule):
    _, _, ids = world
    client = client_for("rsj.localhost")
    path = url(endpoint, ids["rsj"])
    response = client.get(path) if "GET" in _methods(endpoint) else client.post(path)
    if "GET" in _methods(endpoint):
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
    else:
        assert response.status_code in (302, 400)  # no session; and no CSRF token either


@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_another_sites_administrator_is_refused(world, signed_in, client_for, endpoint, rule):
    _, czj, ids = world
    client, _ = signed_in("czj.localhost", "admin.czj", site=czj, roles=["site_admin"])
    cookie = client.client.get_cookie("session", domain="czj.localhost").value
    intruder = client_for("rsj.localhost")
    intruder.client.set_cookie("session", cookie, domain="rsj.localhost")
    if "GET" in _methods(endpoint):
        response = intruder.get(url(endpoint, ids["rsj"]))
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
    else:
        token = csrf_token(intruder.get("/admin/login").get_data(as_text=True))
        response = intruder.post(url(endpoint, ids["rsj"]), data={"csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("endpoint, rule", ID_ROUTES, ids=[e for e, _ in ID_ROUTES])
def test_own_administrator_with_another_sites_ids_gets_404(world, signed_in, endpoint, rule):
    rsj, _, ids = world
    client, _ = signed_in("rsj.localhost", "admin.rsj", site=rsj, roles=list(SITE_PERMISSIONS))  # every role
    path = url(endpoint, ids["czj"])
    if "GET" in _methods(endpoint):
        assert client.get(path).status_code == 404
    else:
        token = csrf_token(client.get("/admin/sections/").get_data(as_text=True))
        assert client.post(path, data={"csrf_token": token, "direction": "up"}).status_code == 404


@pytest.mark.parametrize("endpoint, rule", ID_ROUTES, ids=[e for e, _ in ID_ROUTES])
def test_ids_beyond_the_database_range_are_404(world, signed_in, endpoint, rule):
    rsj, _, ids = world
    client, _ = signed_in("rsj.localhost", "admin.rsj", site=rsj, roles=list(SITE_PERMISSIONS))
    for bad in ("2147483648", "99999999999999999999", "%C2%B2", "-1"):
        path = url(endpoint, {k: bad for k in ids["rsj"]})
        if "GET" in _methods(endpoint):
            assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_wrong_role_gets_403_and_right_role_gets_the_page(world, signed_in, endpoint, rule):
    rsj, _, ids = world
    needed = rule.permission if "GET" in _methods(endpoint) else rule.write
    lacking = role_without(needed)
    if lacking is not None:
        client, _ = signed_in("rsj.localhost", "lacks.role", site=rsj, roles=[lacking])
        if "GET" in _methods(endpoint):
            assert client.get(url(endpoint, ids["rsj"])).status_code == 403
        else:
            token = csrf_token(client.get("/admin/account").get_data(as_text=True))
            assert client.post(url(endpoint, ids["rsj"]), data={"csrf_token": token}).status_code == 403
    if "GET" in _methods(endpoint):
        holder, _ = signed_in("rsj.localhost", "has.role", site=rsj, roles=[role_with(needed)])
        assert holder.get(url(endpoint, ids["rsj"])).status_code == 200


@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_evaluator_reads_and_changes_nothing(app, world, signed_in, endpoint, rule):
    rsj, _, ids = world
    client, _ = signed_in("rsj.localhost", "eval.one", platform_role="evaluator", totp=True)
    path = url(endpoint, ids["rsj"])
    if "GET" in _methods(endpoint) and rule.permission.endswith((".view", ".enter")):
        assert client.get(path).status_code == 200
    if "POST" in _methods(endpoint):
        token = csrf_token(client.get("/admin/account").get_data(as_text=True))
        before = _snapshot(app, rsj)
        assert client.post(path, data={"csrf_token": token, "name_zh": "改", "name_en": "x", "slug": "evil",
                                       "roles": ["site_admin"], "direction": "up"}).status_code == 403
        assert _snapshot(app, rsj) == before


# --- the console's routes ----------------------------------------------------------------------

@pytest.mark.parametrize("endpoint, rule", PLATFORM_ROUTES, ids=[e for e, _ in PLATFORM_ROUTES])
def test_console_anonymous_is_sent_to_the_login_page(world, client_for, endpoint, rule):
    _, _, ids = world
    client = client_for(PLATFORM)
    path = url(endpoint, ids["platform"], "platform")
    response = client.get(path) if "GET" in _methods(endpoint) else client.post(path)
    if "GET" in _methods(endpoint):
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
    else:
        assert response.status_code in (302, 400)


@pytest.mark.parametrize("endpoint, rule", PLATFORM_ROUTES, ids=[e for e, _ in PLATFORM_ROUTES])
def test_console_evaluator_reads_and_cannot_change(app, world, signed_in, endpoint, rule):
    rsj, _, ids = world
    client, _ = signed_in(PLATFORM, "eval.console", platform_role="evaluator", totp=True)
    path = url(endpoint, ids["platform"], "platform")
    if "GET" in _methods(endpoint):
        assert client.get(path).status_code == 200
    if "POST" in _methods(endpoint):
        token = csrf_token(client.get("/admin/account").get_data(as_text=True))
        before = _snapshot(app, rsj)
        assert client.post(path, data={"csrf_token": token, "direction": "up", "start": "1"}).status_code == 403
        assert _snapshot(app, rsj) == before


@pytest.mark.parametrize("endpoint, rule", PLATFORM_ID_ROUTES, ids=[e for e, _ in PLATFORM_ID_ROUTES])
def test_console_ids_of_nothing_are_404(world, signed_in, endpoint, rule):
    client, _ = signed_in(PLATFORM, "chen.admin", platform_role="platform_admin", totp=True)
    for missing in ("2147483647", "2147483648", "%C2%B2"):
        path = url(endpoint, {k: missing for k in FILLERS["platform"].values()}, "platform")
        if "GET" in _methods(endpoint):
            assert client.get(path).status_code == 404, path
        else:
            token = csrf_token(client.get("/admin/account").get_data(as_text=True))
            assert client.post(path, data={"csrf_token": token, "direction": "up", "start": "1"}).status_code == 404


def _snapshot(app, site):
    from core.auth.models import Membership, User
    from core.sections.models import Section
    from tenants.models import Tenant

    with app.app_context():
        with activate_tenant(site.id):
            site_rows = (
                sorted(db.session.execute(select(Section.slug, Section.name_zh, Section.position)).all()),
                sorted(db.session.execute(select(Membership.user_id, Membership.role)).all()),
            )
        return (*site_rows,
                sorted(db.session.execute(select(Tenant.slug, Tenant.phone, Tenant.accent, Tenant.status,
                                                 Tenant.is_mourning)).all()),
                sorted(db.session.execute(select(MandatorySection.key, MandatorySection.position)).all()),
                sorted(db.session.execute(select(DisclosureCategory.name_zh, DisclosureCategory.position)).all()),
                sorted(db.session.execute(select(User.username, User.is_locked, User.password_hash)).all()))
