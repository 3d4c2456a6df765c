"""A site exported, deleted and imported again — here or into an empty deployment — is the same site.

Compared: every public page reachable from its home page (with the ids the import gave), every file (bytes),
its administrator's lists of items, letters and applications; another site's rows and files are untouched.
"""
from __future__ import annotations

import re
import stat
from datetime import timedelta

from sqlalchemy import func, select

from core.backups.archive import site_plan
from core.backups.archive_import import import_site
from core.backups.archive_sites import delete_site, export_site
from core.extensions import db
from core.timeutil import now
from tenants.models import Tenant
from tenants.provisioning import get_tenant
from tests.backups.archive_helpers import (PASSPHRASE, Carrier, assert_same_pages, crawl, digest, folder_files,
                                           is_page, site_rows, steady, visible_text)
from tests.fixtures.accounts import login

ADMIN_LISTS = ("/admin/articles/", "/admin/services/items", "/admin/services/applications/",
               "/admin/interaction/letters/", "/admin/disclosure/applications/", "/admin/consultations/",
               "/admin/sections/", "/admin/users", "/admin/duties/")


def admin_view(client_for, account) -> dict[str, str]:
    client = client_for("rsj.localhost")
    assert login(client, account).status_code == 302
    found = {}
    for path in ADMIN_LISTS:
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = visible_text(steady(response.get_data(as_text=True)))
        if path == "/admin/users":  # who signed in when: this test's own sign-ins are a minute apart at times
            found[path] = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "…", found[path])
    return found


def _stamps(app, site_id: int, article_id: int) -> tuple:
    """(the site's row, the item's row): when each was last changed."""
    from core.content.models import Article

    with app.app_context():
        found = (db.session.get(Tenant, site_id).updated_at,
                 db.session.execute(select(Article.updated_at).where(Article.id == article_id)
                                    .execution_options(all_tenants=True)).scalar_one())
        db.session.remove()
    return found


def _forwards(app, site_id: int) -> dict[int, tuple]:
    """The site's letters forwarded to or from another site: id -> (to site, its copy, from site, the original)."""
    from core.interaction.models import Letter

    with app.app_context():
        found = {row.id: tuple(row[1:]) for row in db.session.execute(
            select(Letter.id, Letter.forwarded_to_id, Letter.forwarded_letter_id, Letter.forwarded_from_id,
                   Letter.forwarded_from_letter_id).where(Letter.tenant_id == site_id, (
                       Letter.forwarded_to_id.is_not(None) | Letter.forwarded_from_id.is_not(None)))
            .execution_options(all_tenants=True))}
        db.session.remove()
    return found


def _letters_apart_from_links(app, site_id: int) -> list[tuple]:
    """The site's letters, every column but the four that link a forwarded letter's two ends."""
    from core.interaction.models import Letter

    table = Letter.__table__
    columns = [c for c in table.c if not c.name.startswith("forwarded_")]
    with app.app_context():
        found = sorted(tuple(map(repr, row)) for row in db.session.execute(
            select(*columns).where(table.c.tenant_id == site_id)))
        db.session.remove()
    return found


#: The moment the security checks run in these tests (one, so that both runs count the same days): half a year
#: on, when the accounts that have not signed in since are found.
CHECKED = now().replace(microsecond=0) + timedelta(days=200)


def _account_findings(app, site_id: int, accept_one: int | None = None) -> dict[tuple[str, str], str]:
    """Run the site's account checks (twice, so that what they find is "open"), accept one finding when asked
    (as `accept_one`, a user id); return {(rule, what it is about, by name): state}."""
    from core.auth.models import User
    from core.security.models import SecurityFinding
    from core.security.operations import accept_finding, run_checks
    from core.security.registry import checks_of
    from tenants.scoping import activate_tenant

    keys = [c.key for c in checks_of("site") if c.key.startswith("accounts.")]
    with app.app_context(), activate_tenant(site_id):
        site = db.session.get(Tenant, site_id)
        for _run in range(2):
            run_checks(CHECKED, site=site, keys=keys)
        rows = db.session.execute(select(SecurityFinding).where(SecurityFinding.rule.in_(keys))).scalars().all()
        if accept_one is not None:
            chosen = next(r for r in rows if r.object_key.startswith("user:"))
            accept_finding(chosen, actor=db.session.get(User, accept_one), reason="副职人选已报批", now=CHECKED)
        db.session.commit()
        found = {(r.rule, r.object_name): r.state for r in db.session.execute(
            select(SecurityFinding).where(SecurityFinding.rule.in_(keys))).scalars()}
        links = [r.link for r in rows if r.link.startswith("/admin/users/")]
        members = {f"/admin/users/{user_id}" for user_id in db.session.execute(
            select(User.id)).scalars()}
        assert set(links) <= members  # where each is fixed: the account's page here
        db.session.remove()
    return found


def _assert_sealed(app, site_id: int, archive, files: dict[str, bytes]) -> None:
    """No ID number, phone or e-mail address of the site's citizens, and no file they sent, is in the archive's
    bytes (packed or unpacked)."""
    import zipfile

    from core.backups.archive import is_personal_file, protected_columns

    wanted = set()
    with app.app_context():
        for name, table_plan in site_plan().tables.items():
            table = table_plan.table
            for column in ("id_number", "phone", "email"):
                if column in protected_columns(table):  # a service guide's office phone is public
                    wanted.update(v for v in db.session.execute(select(table.c[column]).where(
                        table.c.tenant_id == site_id)).scalars() if v and len(v) >= 8)
        db.session.remove()
    sent = {data for path, data in files.items() if is_personal_file(path)}
    assert len(wanted) > 20 and len(sent) > 5  # the demo's applicants, writers and their materials
    raw = archive.read_bytes()
    with zipfile.ZipFile(archive) as opened:
        members = [opened.read(n) for n in opened.namelist()]
    for value in wanted:
        assert value.encode() not in raw and not any(value.encode() in data for data in members), value
    assert not sent & set(members)


def export(app, slug: str, path):
    with app.app_context():
        result = export_site(get_tenant(slug), path, passphrase=PASSPHRASE)
        db.session.commit()
        db.session.remove()
    return result


def test_export_delete_import_here_gives_back_the_same_site(app, demo_city, client_for, tmp_path):
    rsj = demo_city.rsj
    pages = {path: steady(body.decode("utf-8")) if is_page(body) else body
             for path, body in crawl(client_for("rsj.localhost")).items()}
    assert len(pages) > 100 and any(p.startswith("/attachments/") for p in pages)
    files = folder_files(app, rsj.id)
    admin = admin_view(client_for, demo_city.admin)
    czj = site_rows(app, demo_city.ids["czj"])
    czj_forwards = _forwards(app, demo_city.ids["czj"])

    czj_letters = _letters_apart_from_links(app, demo_city.ids["czj"])
    stamps = _stamps(app, rsj.id, demo_city.extras.article_id)
    forwards = _forwards(app, rsj.id)
    assert forwards  # the demo city forwards letters between its sites
    archive = tmp_path / "rsj.site.zip"
    exported = export(app, "rsj", archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert exported.files == len(files) and exported.rows["articles"] > 50
    _assert_sealed(app, rsj.id, archive, files)

    with app.app_context():
        removed = delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        assert sum(removed.values()) == exported.total_rows
        plan = site_plan()
        for name, table_plan in plan.tables.items():  # every table really went, the child tables too
            if table_plan.owned:
                left = db.session.execute(select(func.count()).select_from(table_plan.table)
                                          .where(table_plan.table.c.tenant_id == rsj.id)).scalar_one()
                assert left == 0, name
        assert db.session.execute(select(Tenant).where(Tenant.slug == "rsj")).first() is None
        db.session.remove()
    assert folder_files(app, rsj.id) == {}
    assert client_for("rsj.localhost").get("/").status_code == 404
    after_delete = site_rows(app, demo_city.ids["czj"])

    with app.app_context():
        result = import_site(archive, passphrase=PASSPHRASE)
        db.session.commit()
        new_id = result.tenant.id
        db.session.remove()
    assert result.rows == {k: v for k, v in exported.rows.items()}
    assert result.users_created == [] and "archive.admin" in result.users_linked

    carrier = Carrier(app, result.ids, rsj.id, new_id)
    assert_same_pages(pages, crawl(client_for("rsj.localhost")), carrier)
    # Carried as they were, even where the import wrote a row twice (its links to the site's pages).
    moved = result.ids["articles"][demo_city.extras.article_id]
    assert _stamps(app, new_id, moved) == stamps
    # A letter forwarded to or from another site still leads there: that site is here, and its letter points back.
    assert _forwards(app, new_id) == {result.ids["interaction_letters"][old]: found for old, found in forwards.items()}
    assert digest(folder_files(app, new_id)) == digest(files)
    assert admin_view(client_for, demo_city.admin) == admin
    # The other end of each is linked to the site again (the deletion cut it): both sites are as they were.
    letters = result.ids["interaction_letters"]
    assert _forwards(app, demo_city.ids["czj"]) == {
        letter: (new_id if to_site == rsj.id else to_site, letters.get(copy, copy) if to_site == rsj.id else copy,
                 new_id if from_site == rsj.id else from_site,
                 letters.get(original, original) if from_site == rsj.id else original)
        for letter, (to_site, copy, from_site, original) in czj_forwards.items()}
    assert any(rsj.id in (found[0], found[2]) for found in czj_forwards.values())
    assert result.links_restored == sum((found[0] == rsj.id) + (found[2] == rsj.id) for found in czj_forwards.values()
                                        ) + sum(1 for found in _forwards(app, demo_city.ids["anci"]).values()
                                                if new_id in (found[0], found[2]))
    # Nothing else of the other site changed: its rows but those links, and the letters' update times.
    assert {k: v for k, v in site_rows(app, demo_city.ids["czj"]).items() if k != "interaction_letters"} == \
        {k: v for k, v in czj.items() if k != "interaction_letters"} == \
        {k: v for k, v in after_delete.items() if k != "interaction_letters"}
    assert _letters_apart_from_links(app, demo_city.ids["czj"]) == czj_letters


def _other_site(target):
    """A site of the target deployment with an item and a file, before anything is imported."""
    from datetime import timedelta

    from core.content.files import Upload
    from core.content.operations import create_article
    from core.sections.queries import site_sections
    from core.timeutil import now
    from tenants.provisioning import create_tenant
    from tenants.scoping import activate_tenant
    from tests.backups.archive_helpers import PDF

    with target.app_context():
        tenant = create_tenant(slug="jtj", name_zh="廊坊市交通局", name_en="Langfang Transport Bureau")
        db.session.flush()
        with activate_tenant(tenant.id):
            news = next(s for s in site_sections() if s.slug == "news")
            create_article(section=news, title="交通局召开春运工作会议", published_at=now() - timedelta(hours=2),
                           attachments=[Upload("春运方案.pdf", PDF)])
        db.session.commit()
        found = tenant.id
        db.session.remove()
    return found


def test_export_then_import_into_an_empty_deployment_gives_the_same_site(app, demo_city, client_for,
                                                                         second_deployment, tmp_path):
    from core.interaction.models import Letter
    from core.interaction.queries_letters import phone_lookup
    from core.services.models import Application
    from core.services.queries_applications import phone_lookup as application_phone
    from tenants.scoping import activate_tenant
    from tests.fixtures.sites import HostClient

    target = second_deployment
    rsj = demo_city.rsj
    pages = {path: steady(body.decode("utf-8")) if is_page(body) else body
             for path, body in crawl(client_for("rsj.localhost")).items()}
    files = folder_files(app, rsj.id)
    admin = admin_view(client_for, demo_city.admin)
    findings = _account_findings(app, rsj.id, accept_one=demo_city.admin.id)
    assert any(state == "accepted" for state in findings.values()) and len(findings) > 3
    archive = tmp_path / "rsj.site.zip"
    export(app, "rsj", archive)

    with app.app_context():
        from core.workdays.queries import known_years

        years = known_years()
    with target.app_context():  # the platform's own lists and calendar, as its bureau sets them up
        from core.disclosure.operations import ensure_default_categories, ensure_default_subjects
        from core.workdays.operations import load_year

        ensure_default_categories()
        ensure_default_subjects()
        for year in years:
            load_year(year)
        db.session.commit()
    jtj = _other_site(target)
    jtj_rows, jtj_files = site_rows(target, jtj), folder_files(target, jtj)

    with target.app_context():
        result = import_site(archive, passphrase=PASSPHRASE)
        db.session.commit()
        new_id = result.tenant.id
        db.session.remove()
    assert "archive.admin" in result.users_created and result.users_linked == []
    # The accounts' findings are the same findings (what each is about follows the accounts' new ids): none is
    # resolved or new for the move, the one accepted with a reason stays accepted.
    assert _account_findings(target, new_id) == findings
    assert result.platform_added == [("site_groups", "综合管理")]  # the categories were found by name

    def target_client(host):
        return HostClient(target.test_client(), host)

    assert_same_pages(pages, crawl(target_client("rsj.localhost")), Carrier(target, result.ids, rsj.id, new_id))
    assert digest(folder_files(target, new_id)) == digest(files)
    assert admin_view(target_client, demo_city.admin) == admin  # members sign in with their own password
    assert site_rows(target, jtj) == jtj_rows and folder_files(target, jtj) == jtj_files
    assert _forwards(target, new_id) == {}  # the sites its letters went to or came from are not here

    # Personal data came over in the target's keys, and can be looked up by it: the hashes were computed again.
    with target.app_context(), activate_tenant(new_id):
        letters = db.session.execute(select(Letter)).scalars().all()
        applications = db.session.execute(select(Application)).scalars().all()
        assert letters and applications
        assert all(letter.phone_hash == phone_lookup(letter.phone) for letter in letters)
        assert all(found.phone_hash == application_phone(found.phone) for found in applications)
        db.session.remove()
