"""`flask demo load` builds the whole demo city, and running it again changes nothing."""
from __future__ import annotations

import csv

from sqlalchemy import func, select

from core.content.models import Article, Attachment
from core.extensions import db
from core.sections.defaults import DEFAULT_MANDATORY_SECTIONS
from core.sections.models import Section
from tenants.catalog import load_catalog
from tenants.models import Tenant
from tests.fixtures.accounts import Account, login


def _accounts_file(app) -> str:
    from pathlib import Path

    path = Path(app.instance_path) / app.config["DEMO_ACCOUNTS_FILE"]
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).execution_options(all_tenants=True)).scalar()


def test_demo_load_builds_every_catalog_site_and_is_idempotent(app, runner, client_for):
    result = runner.invoke(args=["demo", "load", "--news-per-site", "3"])
    assert result.exit_code == 0, result.output
    sites = load_catalog()["sites"]
    assert _count(app, Tenant) == len(sites)
    assert _count(app, Section) >= len(sites) * len(DEFAULT_MANDATORY_SECTIONS)
    counts = (_count(app, Article), _count(app, Attachment))
    assert counts[0] > len(sites) * 40
    # The service guide, forms and online services sections show the service items, not articles posing as guides.
    with app.app_context():
        service_kinds = select(Section.id).where(Section.kind.in_(("service_items", "forms", "online_services")))
        assert db.session.execute(select(func.count()).select_from(Article).where(Article.section_id.in_(
            service_kinds.execution_options(all_tenants=True))).execution_options(all_tenants=True)).scalar() == 0

    # A site whose replies a second officer reviews has two interaction officers (review needs two), the second
    # one listed with the others.
    with app.app_context():
        from core.auth.models import Membership, User
        from core.interaction.models import LetterOptions

        reviewing = db.session.execute(select(LetterOptions.tenant_id).where(LetterOptions.review_replies.is_(True))
                                       .execution_options(all_tenants=True)).scalars().all()
        assert reviewing
        for tenant_id in reviewing:
            officers = db.session.execute(select(User.username).join(Membership, Membership.user_id == User.id).where(
                Membership.tenant_id == tenant_id, Membership.role == "interaction_officer")
                .execution_options(all_tenants=True)).scalars().all()
            assert len(officers) >= 2 and any(name.endswith(".interactionofficer2") for name in officers)
        db.session.remove()
    assert ".interactionofficer2" in result.output or ".interactionofficer2" in _accounts_file(app)

    # Most sites have their duties assigned (岗位责任制), and every site its evaluation's history: five months and now.
    from core.duties.models import DutyAssignment
    from core.evaluation.models import EvaluationSnapshot

    with app.app_context():
        assigned = db.session.execute(select(func.count(func.distinct(DutyAssignment.tenant_id)))
                                      .execution_options(all_tenants=True)).scalar_one()
        db.session.remove()
    assert assigned == len(sites)
    snapshots = _count(app, EvaluationSnapshot)
    assert snapshots == len(sites) * 6

    again = runner.invoke(args=["demo", "load", "--news-per-site", "3"])
    assert again.exit_code == 0 and f"0 sites created, {len(sites)} brought in step, 0 articles" in again.output
    assert (_count(app, Article), _count(app, Attachment)) == counts
    assert _count(app, EvaluationSnapshot) == snapshots  # the history is taken once

    first, county = sites[0], next(s for s in sites if s["kind"] == "county")
    home = client_for(f"{first['slug']}.localhost").get("/").get_data(as_text=True)
    assert first["name_zh"] in home and "本栏目暂无信息" not in home.split("</main>")[0].split("block-")[1]
    assert "theme-county" in client_for(f"{county['slug']}.localhost").get("/").get_data(as_text=True)
    for alias in first.get("aliases", []):
        assert client_for(f"{alias}.localhost").get("/").status_code == 301
    portal = client_for("localhost").get("/").get_data(as_text=True)
    assert all(f'http://{s["slug"]}.localhost/' in portal for s in sites)


def test_the_demo_console_accounts_set_up_two_step_login_first(app, runner, client_for):
    result = runner.invoke(args=["demo", "load", "--news-per-site", "1"])
    assert result.exit_code == 0 and "two-step login" in result.output
    with open(app.config["DEMO_ACCOUNTS_FILE"], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # The command says where the accounts and their passwords are, and prints none of the passwords itself.
    from pathlib import Path

    where = Path(app.instance_path) / app.config["DEMO_ACCOUNTS_FILE"]
    assert f"new demo accounts, with their passwords, are in {where}" in result.output
    assert len(rows) > 100 and [r["username"] for r in rows if r["password"] in result.output] == []
    for username in ("platform.admin", "platform.evaluator"):
        row = [r for r in rows if r["username"] == username][-1]  # the latest load's password
        assert row["site host"] == "admin.localhost"
        client = client_for("admin.localhost")
        response = login(client, Account(0, username, row["password"]))
        assert response.headers["Location"] == "/admin/account/totp", username  # before anything else
        assert client.get("/platform/").headers["Location"] == "/admin/account/totp"

    # Search works on the demo city at once: every public kind of a site is found, and the city's search names the
    # site of each hit; the bureau's synonyms and a month of searches are there to see.
    from core.interaction.models import PublishedLetter
    from core.search.models import SearchEntry, SearchTermDay, SynonymGroup
    from core.services.models import ServiceItem

    with app.app_context():
        entries = dict(db.session.execute(select(SearchEntry.kind, func.count()).group_by(SearchEntry.kind)
                                          .execution_options(all_tenants=True)).all())
        letter = db.session.execute(select(PublishedLetter).execution_options(all_tenants=True)).scalars().first()
        item = db.session.execute(select(ServiceItem).where(ServiceItem.published_guide.is_not(None))
                                  .execution_options(all_tenants=True)).scalars().first()
        letter_site = db.session.get(Tenant, letter.tenant_id).primary_domain
        item_site = db.session.get(Tenant, item.tenant_id).primary_domain
        letter_subject, item_name = letter.subject, item.name
        assert _count(app, SynonymGroup) >= 5 and _count(app, SearchTermDay) > 0
        db.session.remove()
    assert set(entries) == {"article", "policy", "service", "letter"}
    assert entries["letter"] == _count(app, PublishedLetter)
    import re as _re

    def shown(host, q):
        response = client_for(host).get("/search", query_string={"q": q})
        assert response.status_code == 200
        return _re.sub(r"<[^>]+>", "", response.get_data(as_text=True))

    assert letter_subject in shown(letter_site, letter_subject[:6])
    assert item_name in shown(item_site, item_name)
    assert item_name in shown("localhost", item_name)
