"""Deleting a site: what the other sites see afterwards, what a failed deletion leaves, the platform's log, the
portal, and the jobs that were working on the site when it went."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from core.audit.models import PlatformAuditEntry
from core.backups import archive_sites
from core.backups.archive_import import import_site
from core.backups.archive_sites import delete_site
from core.extensions import db
from core.interaction.models import Letter
from tenants.models import Tenant
from tenants.provisioning import get_tenant
from tenants.scoping import activate_tenant
from tests.backups.archive_helpers import PASSPHRASE, export_archive, folder_files, site_rows, visible_text
from tests.fixtures.accounts import post_form


def _letter_forwarded(app, site_id: int, column: str) -> tuple[int, int, str, str]:
    """(its site, id, query code, phone) of another site's letter forwarded to `site_id` (column
    "forwarded_to_id") or from it ("forwarded_from_id")."""
    with app.app_context():
        letter = db.session.execute(select(Letter).where(getattr(Letter, column) == site_id)
                                    .execution_options(all_tenants=True)).scalars().first()
        assert letter is not None, "the demo city forwards letters to rsj and from it"
        with activate_tenant(letter.tenant_id):
            found = (letter.tenant_id, letter.id, letter.query_code, db.session.get(Letter, letter.id).phone)
        db.session.remove()
    return found


def _writer_reads(client, code: str, phone: str) -> str:
    response = post_form(client, "/interaction/query", {"code": code, "phone": phone})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return visible_text(page.get_data(as_text=True))


def _forward_to(app, source, target, create_account) -> None:
    """`source` forwards a new letter to `target` (the demo city's letters go from rsj to the others only)."""
    from core.auth.models import User
    from core.interaction.letters import forward_letter, submit_letter

    officer = create_account(f"site{source.id}.forwarder", site=source, roles=["interaction_officer"])
    with app.app_context(), activate_tenant(source.id):
        letter, _new = submit_letter("consultation", subject="咨询职称评审", body="请问职称评审何时开始？",
                                     writer_name="王小明", phone="13812345678")
        db.session.flush()
        forward_letter(letter, actor=db.session.get(User, officer.id), to_site_id=target.id)
        db.session.commit()
        db.session.remove()


def test_the_other_sites_see_their_forwarded_letters_without_the_deleted_site_then_linked_again(
        app, demo_city, signed_in, client_for, create_account, tmp_path):
    rsj = demo_city.rsj
    _forward_to(app, SimpleNamespace(id=demo_city.ids["czj"]), rsj, create_account)
    sent_site, sent, sent_code, sent_phone = _letter_forwarded(app, rsj.id, "forwarded_to_id")
    came_site, came, _code, _phone = _letter_forwarded(app, rsj.id, "forwarded_from_id")
    names = {site_id: slug for slug, site_id in demo_city.ids.items()}
    officers = {site_id: signed_in(f"{names[site_id]}.localhost", f"{names[site_id]}.officer",
                                   site=SimpleNamespace(id=site_id), roles=["interaction_officer"])[0]
                for site_id in {sent_site, came_site}}

    def letter_page(site_id: int, letter: int) -> str:
        response = officers[site_id].get(f"/admin/interaction/letters/{letter}")
        assert response.status_code == 200
        return visible_text(response.get_data(as_text=True))

    writer = client_for(f"{names[sent_site]}.localhost")
    assert "人事局" in _writer_reads(writer, sent_code, sent_phone)  # the query follows the letter to rsj
    archive = export_archive(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        db.session.remove()

    for site_id, letter in ((sent_site, sent), (came_site, came)):
        page = letter_page(site_id, letter)
        assert "此后已从平台删除" in page and "已转至?" not in page, page[:600]
    assert "已转办" in _writer_reads(writer, sent_code, sent_phone)  # no error: the letter says it went on

    with app.app_context():
        result = import_site(archive, passphrase=PASSPHRASE)
        db.session.commit()
        new_id = result.tenant.id
        db.session.remove()
    assert result.links_restored >= 2
    for site_id, letter in ((sent_site, sent), (came_site, came)):
        page = letter_page(site_id, letter)
        assert "此后已从平台删除" not in page and "人事局" in page
    with app.app_context():
        with activate_tenant(sent_site):
            assert db.session.get(Letter, sent).forwarded_to_id == new_id
        with activate_tenant(came_site):
            assert db.session.get(Letter, came).forwarded_from_id == new_id
        db.session.remove()
    assert "人事局" in _writer_reads(client_for(f"{names[sent_site]}.localhost"), sent_code, sent_phone)


def test_a_copy_imported_beside_its_site_does_not_take_the_other_sites_letters(app, small_site, create_site,
                                                                              create_account, tmp_path):
    """The other site's letter points back at the site that is still here: the copy leaves it alone."""
    rsj = small_site[0]
    czj = create_site("czj")
    _forward_to(app, czj, rsj, create_account)
    archive = export_archive(app, tmp_path)
    before = site_rows(app, czj.id)
    with app.app_context():
        result = import_site(archive, passphrase=PASSPHRASE, slug="rsj-copy", domain="rsj-copy.localhost")
        db.session.commit()
        copy_id = result.tenant.id
        db.session.remove()
    assert result.links_restored == 0 and site_rows(app, czj.id) == before
    with app.app_context(), activate_tenant(copy_id):
        # It still says where it came from, but is not that site's letter's other end.
        assert db.session.execute(select(Letter.forwarded_from_id, Letter.forwarded_from_letter_id).where(
            Letter.forwarded_from_id.is_not(None))).all() == [(czj.id, None)]
        db.session.remove()


def test_a_failed_deletion_leaves_every_row_and_file(app, small_site, monkeypatch):
    rsj = small_site[0]
    files, rows = folder_files(app, rsj.id), site_rows(app, rsj.id)
    assert files

    def fail(*_args, **_kwargs):
        raise RuntimeError("the platform's log could not be written")

    monkeypatch.setattr(archive_sites, "record", fail)
    with app.app_context():
        with pytest.raises(RuntimeError):
            delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.rollback()
        db.session.commit()  # a later transaction of the same session removes nothing either
        db.session.remove()
    assert folder_files(app, rsj.id) == files and site_rows(app, rsj.id) == rows


def test_the_deletion_is_on_the_platforms_log_in_words(app, small_site, admin):
    done = post_form(admin, f"/platform/sites/{small_site[0].id}/delete", {"confirm_slug": "rsj"})
    assert done.status_code == 302
    with app.app_context():
        entry = db.session.execute(select(PlatformAuditEntry).where(PlatformAuditEntry.action == "site.delete")
                                   ).scalar_one()
        assert entry.target == "rsj" and entry.username == "chen.admin"
        assert "rsj.localhost" in entry.detail and "renshi.localhost" in entry.detail
        db.session.remove()
    page = visible_text(admin.get("/platform/audit").get_data(as_text=True))
    assert "删除了站点及其全部数据和文件" in page
    assert "site.delete" not in page and "archive_rows" not in page


def test_the_portal_drops_a_group_whose_last_site_was_deleted(app, create_site, client_for):
    from tenants.provisioning import ensure_group

    create_site("czj")
    with app.app_context():
        ensure_group("county", "区县（市）门户", "Counties", 9)
        db.session.commit()
        db.session.remove()
    create_site("anci", group_key="county")
    assert "区县（市）门户" in client_for("localhost").get("/").get_data(as_text=True)
    with app.app_context():
        delete_site(get_tenant("anci"), confirm_slug="anci")
        db.session.commit()
        db.session.remove()
    home = client_for("localhost").get("/")
    assert home.status_code == 200 and "区县（市）门户" not in home.get_data(as_text=True)


def test_a_job_working_on_a_site_deleted_meanwhile_does_not_fail_for_it(app, two_sites):
    """The bureau deletes a site while a job is on it: the job's work there is dropped, and the run is not a
    failure (which would alert the platform administrators for the deletion they made)."""
    from sqlalchemy import create_engine, delete

    from core.audit.triggers import APPEND_ONLY, create_sql, drop_sql
    from core.disclosure.models import IndexCounter
    from jobs.sites import for_each_site

    rsj, czj, _articles = two_sites
    with app.app_context():
        other = create_engine(db.engine.url)

        def work(site: Tenant) -> int:
            db.session.execute(select(Tenant.id).where(Tenant.id == site.id)).all()
            if site.slug == "rsj":  # meanwhile, on the console
                with other.begin() as connection:  # as delete_site does it: the audit log's guard lifted
                    dialect = connection.dialect.name
                    for statement in (s for name in APPEND_ONLY for s in drop_sql(name, dialect)):
                        connection.execute(text(statement))
                    connection.execute(delete(Tenant.__table__).where(Tenant.id == site.id))
                    for statement in (s for name in APPEND_ONLY for s in create_sql(name, dialect)):
                        connection.execute(text(statement))
            db.session.add(IndexCounter(year=2026, last_serial=1))
            db.session.flush()
            return 1

        result = for_each_site(work)
        other.dispose()
        db.session.remove()
    assert result.failed == {} and result.outcome == "success"
    assert result.done == {"czj": 1}
