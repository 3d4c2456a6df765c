"""`flask backup export-site | import-site` and `flask tenants delete`, as an operator types them."""
from __future__ import annotations

import stat

from sqlalchemy import select

from core.audit.models import PlatformAuditEntry
from core.extensions import db
from tenants.models import Tenant
from tests.backups.archive_helpers import PASSPHRASE


def _slugs(app) -> list[str]:
    with app.app_context():
        found = db.session.execute(select(Tenant.slug).order_by(Tenant.slug)).scalars().all()
        db.session.remove()
    return found


def test_export_delete_and_import_from_the_shell(app, two_sites, runner, tmp_path, client_for):
    archive = tmp_path / "rsj.site.zip"
    # Typed twice at a hidden prompt: never shown.
    result = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(archive)],
                           input=f"{PASSPHRASE}\n{PASSPHRASE}\n")
    assert result.exit_code == 0, result.output
    assert "rows" in result.output and "sealed with the passphrase" in result.output
    assert PASSPHRASE not in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    again = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(archive)],
                          env={"GOVSITES_ARCHIVE_PASSPHRASE": PASSPHRASE})
    assert again.exit_code == 2 and "exists" in again.output  # an archive is never overwritten

    typed_wrong = runner.invoke(args=["tenants", "delete", "rsj"], input="czj\n")
    assert typed_wrong.exit_code == 2 and "Traceback" not in typed_wrong.output
    assert _slugs(app) == ["czj", "rsj"]
    typed = runner.invoke(args=["tenants", "delete", "rsj"], input="rsj\n")
    assert typed.exit_code == 0, typed.output
    assert _slugs(app) == ["czj"]

    imported = runner.invoke(args=["backup", "import-site", str(archive)], input=f"{PASSPHRASE}\n")
    assert imported.exit_code == 0, imported.output
    assert PASSPHRASE not in imported.output and "in clear" not in imported.output
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


def test_the_passphrase_is_never_taken_from_the_command_line(app, two_sites, runner, tmp_path):
    """`ps` and the shell's history show a command's arguments: no option or argument takes the passphrase."""
    from core.backups.cli_sites import export_site_command, import_site_command

    archive = tmp_path / "rsj.site.zip"
    for command in (export_site_command, import_site_command):
        names = {name for param in command.params for name in (*param.opts, param.name or "")}
        assert {name for name in names if "pass" in name.lower()} == {"--passphrase-file", "passphrase_file"}
    for option in ("--passphrase", "-p", "--password"):
        result = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(archive), option, PASSPHRASE])
        assert result.exit_code == 2 and "No such option" in result.output, option
        assert not archive.exists()
    result = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(archive), PASSPHRASE])
    assert result.exit_code == 2 and not archive.exists()  # not a second argument either


def test_the_passphrase_from_a_file_or_the_environment_and_its_refusals(app, two_sites, runner, tmp_path):
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", "utf-8")
    short = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(tmp_path / "short.zip")],
                          env={"GOVSITES_ARCHIVE_PASSPHRASE": "too short"})
    assert short.exit_code == 2 and "Traceback" not in short.output
    assert "error: passphrase: 口令至少要有 12 个字符" in short.output  # the refusal, in the platform's language
    assert not (tmp_path / "short.zip").exists()
    differ = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(tmp_path / "differ.zip")],
                           input=f"{PASSPHRASE}\n{PASSPHRASE}?\n")
    assert differ.exit_code != 0 and "do not match" in differ.output and not (tmp_path / "differ.zip").exists()
    archive = tmp_path / "rsj.site.zip"
    made = runner.invoke(args=["backup", "export-site", "rsj", "-o", str(archive), "--passphrase-file", str(secret)])
    assert made.exit_code == 0, made.output
    assert runner.invoke(args=["tenants", "delete", "rsj", "--yes"]).exit_code == 0

    wrong = runner.invoke(args=["backup", "import-site", str(archive)],
                          env={"GOVSITES_ARCHIVE_PASSPHRASE": "another long passphrase"})
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output
    assert "error: passphrase: 这不是导出存档时设定的口令" in wrong.output
    assert _slugs(app) == ["czj"]
    imported = runner.invoke(args=["backup", "import-site", str(archive)],
                             env={"GOVSITES_ARCHIVE_PASSPHRASE": PASSPHRASE})
    assert imported.exit_code == 0, imported.output
    assert _slugs(app) == ["czj", "rsj"]
