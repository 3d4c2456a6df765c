"""Every admin route, from the outside: anonymous, another site's people, the wrong role, the right one.

The routes come from the guard's own registry, so a new admin route is in this
matrix the moment it exists.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core import create_app
from core.auth.guard import RULES
from core.auth.permissions import SITE_PERMISSIONS
from core.content.operations import create_article
from core.extensions import db
from core.sections.operations import add_section
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token

_app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
SITE_ROUTES = sorted((endpoint, rule) for endpoint, rule in RULES.items()
                     if rule.host == "site" and rule.permission is not None)
PATHS = {rule.endpoint: rule.rule for rule in _app.url_map.iter_rules()}
ID_ROUTES = [(e, r) for e, r in SITE_ROUTES if "<int:" in PATHS[e]]


def role_with(permission: str) -> str:
    return next(role for role, granted in SITE_PERMISSIONS.items() if permission in granted)


def role_without(permission: str) -> str | None:
    return next((role for role, granted in SITE_PERMISSIONS.items() if permission not in granted), None)


@pytest.fixture
def world(app, two_sites, create_account):
    """Both sites with a specialized section and a member each, and ids to put in URLs."""
    rsj, czj, _ = two_sites
    ids = {}
    for site in (rsj, czj):
        member = create_account(f"member.{site.slug}", site=site, roles=["collector"])
        with app.app_context(), activate_tenant(site.id):
            section = add_section(name_zh="专题", name_en="Topics", slug="topics")
            article = create_article(section=section, title="草稿", status="collecting")
            db.session.commit()
            ids[site.slug] = {"user_id": member.id, "section_id": section.id, "article_id": article.id}
    return rsj, czj, ids


def url(endpoint: str, values: dict) -> str:
    path = PATHS[endpoint]
    for name, value in values.items():
        path = path.replace(f"<int:{name}>", str(value))
    return path


@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_anonymous_is_sent_to_the_login_page(world, client_for, endpoint, rule):
    rsj, _, ids = world
    client = client_for("rsj.localhost")
    path = url(endpoint, ids["rsj"])
    response = client.get(path) if "GET" in _methods(endpoint) else client.post(path)
    if "GET" in _methods(endpoint):
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
    else:
        assert response.status_code in (302, 400)  # no session; and no CSRF token either


@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_another_sites_administrator_is_refused(world, signed_in, client_for, endpoint, rule):
    rsj, czj, ids = world
    client, _ = signed_in("czj.localhost", "admin.czj", site=czj, roles=["site_admin"])
    cookie = client.client.get_cookie("session", domain="czj.localhost").value
    intruder = client_for("rsj.localhost")
    intruder.client.set_cookie("session", cookie, domain="rsj.localhost")
    if "GET" in _methods(endpoint):
        response = intruder.get(url(endpoint, ids["rsj"]))
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("endpoint, rule", ID_ROUTES, ids=[e for e, _ in ID_ROUTES])
def test_own_administrator_with_another_sites_ids_gets_404(world, signed_in, endpoint, rule):
    rsj, czj, ids = world
    client, _ = signed_in("rsj.localhost", "admin.rsj", site=rsj, roles=list(SITE_PERMISSIONS))  # every role
    path = url(endpoint, ids["czj"])
    if "GET" in _methods(endpoint):
        assert client.get(path).status_code == 404
    else:
        token = csrf_token(client.get("/admin/sections/").get_data(as_text=True))
        assert client.post(path, data={"csrf_token": token, "direction": "up"}).status_code == 404


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
    client, _ = signed_in("rsj.localhost", "eval.one", platform_role="evaluator")
    path = url(endpoint, ids["rsj"])
    if "GET" in _methods(endpoint) and rule.permission.endswith((".view", ".enter")):
        assert client.get(path).status_code == 200
    if "POST" in _methods(endpoint):
        token = csrf_token(client.get("/admin/account").get_data(as_text=True))
        before = _snapshot(app, rsj)
        assert client.post(path, data={"csrf_token": token, "name_zh": "改", "name_en": "x", "slug": "evil",
                                       "roles": ["site_admin"], "direction": "up"}).status_code == 403
        assert _snapshot(app, rsj) == before


def _methods(endpoint: str) -> set[str]:
    return next(r.methods for r in _app.url_map.iter_rules() if r.endpoint == endpoint)


def _snapshot(app, site):
    from core.auth.models import Membership
    from core.sections.models import Section
    from tenants.models import Tenant

    with app.app_context(), activate_tenant(site.id):
        return (
            sorted(db.session.execute(select(Section.slug, Section.name_zh, Section.position)).all()),
            sorted(db.session.execute(select(Membership.user_id, Membership.role)).all()),
            db.session.execute(select(Tenant.phone, Tenant.accent).where(Tenant.id == site.id)).one(),
        )


def test_the_matrix_covers_every_site_admin_route():
    assert {e for e, _ in SITE_ROUTES} >= {"admin.home", "admin.users", "admin.new_user", "admin.user",
                                           "admin.settings", "duties.index", "sections.index", "sections.edit",
                                           "sections.move", "sections.delete", "audit.index"}
