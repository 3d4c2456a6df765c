"""`flask backup export-site | import-site` and `flask tenants delete`, as an operator types them."""
from __future__ import annotations

import stat

from sqlalchemy import select

from core.audit.models import PlatformAuditEntry
from core.extensions import db
from tenants.models import Tenant


def _slugs(app) -> list[str]:
    with app.app_context():
        found = db.session.execute(select(Tenant.slug).order_by(Tenant.slug)).scalars().all()
        db.session.remove()
    return found


def test_export_delete_and_import_from_the_shell(app, two_sites, runner, tmp_path, client_for):
    archive = tmp_path / "rsj.site.zip"
    result = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    assert "rows" in result.output and "personal data in clear" in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    again = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(archive)])
    assert again.exit_code == 2 and "exists" in again.output  # an archive is never overwritten

    typed_wrong = runner.invoke(args=["tenants", "delete", "rsj"], input="czj\n")
    assert typed_wrong.exit_code == 2 and "Traceback" not in typed_wrong.output
    assert _slugs(app) == ["czj", "rsj"]
    typed = runner.invoke(args=["tenants", "delete", "rsj"], input="rsj\n")
    assert typed.exit_code == 0, typed.output
    assert _slugs(app) == ["czj"]

    imported = runner.invoke(args=["backup", "import-site", str(archive)])
    assert imported.exit_code == 0, imported.output
    assert _slugs(app) == ["czj", "rsj"]
    assert "召开全体干部大会" in client_for("rsj.localhost").get("/sections/news/").get_data(as_text=True)

    gone = runner.invoke(args=["tenants", "delete", "rsj", "--yes"])
    assert gone.exit_code == 0 and _slugs(app) == ["czj"]
    with app.app_context():
        actions = db.session.execute(select(PlatformAuditEntry.action).order_by(PlatformAuditEntry.id)).scalars().all()
        db.session.remove()
    assert actions == ["site.export", "site.delete", "site.import", "site.delete"]


def test_an_unknown_site_is_said_in_words(runner):
    result = runner.invoke(args=["backup", "export-site", "nosuch"])
    assert result.exit_code == 2 and "nosuch" in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["tenants", "delete", "nosuch", "--yes"])
    assert result.exit_code == 2 and "nosuch" in result.output
