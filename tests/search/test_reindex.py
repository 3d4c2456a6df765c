"""Entries rebuilt: by `flask search reindex`, after a site's archive is imported, and gone with a deleted site."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from core.backups.archive_import import import_site
from core.backups.archive_sites import delete_site
from core.extensions import db
from core.search.models import SearchEntry
from tenants.provisioning import get_tenant
from tests.backups.archive_helpers import PASSPHRASE, export_archive
from tests.fixtures.console import last_platform_entry
from tests.search.test_site_search import titles


def _entries(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(SearchEntry)
                                  .execution_options(all_tenants=True)).scalar_one()


def test_reindex_writes_every_sites_entries_again_and_is_recorded(app, two_sites, runner):
    rsj, czj, _ = two_sites
    assert _entries(app) == 4
    with app.app_context():
        db.session.execute(delete(SearchEntry).execution_options(all_tenants=True))
        db.session.commit()
    assert titles(app, rsj, "大会") == []
    result = runner.invoke(args=["search", "reindex", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "4 search entries written for 2 sites" in result.output
    assert titles(app, rsj, "大会") == ["廊坊市人事局召开全体干部大会"]
    assert titles(app, czj, "考核") == ["关于做好年度考核工作的通知"]
    assert "search entries kept" in runner.invoke(args=["search", "reindex", "--if-empty"]).output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert _entries(app) == 4
    with app.app_context():
        assert last_platform_entry(app).action == "search.reindex"


def test_a_deleted_site_takes_its_entries_and_an_imported_one_gets_them_back(app, small_site, tmp_path):
    rsj, _member, _category = small_site
    assert titles(app, rsj, "大会") == ["人事局召开全体干部大会"]
    path = export_archive(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        db.session.remove()
    assert _entries(app) == 0
    with app.app_context():
        tenant = import_site(path, passphrase=PASSPHRASE).tenant
        db.session.commit()
        site = type(rsj)(tenant.id, tenant.slug, tenant.primary_domain, tenant.name_zh, tenant.name_en)
        db.session.remove()
    assert titles(app, site, "大会") == ["人事局召开全体干部大会"]
    assert _entries(app) == 2
