"""An import is refused with a clear message and nothing written, or done whole; a failure halfway leaves nothing.

Also: the people of an archive are the target's accounts of the same name (passwords unchanged), and platform
rows the target lacks are added and named.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from core.auth.models import Membership, User
from core.backups.archive_import import ArchiveRefused, import_site
from core.backups.archive_sites import delete_site
from core.content.models import Article
from core.disclosure.models import DisclosureCategory
from core.extensions import db
from tenants.models import Tenant
from tenants.provisioning import get_tenant
from tenants.scoping import activate_tenant
from tests.backups.archive_helpers import PASSPHRASE, count_everything, every_file, folder_files
from tests.backups.archive_helpers import export_archive as _export
from tests.backups.archive_helpers import refused_problems as _refused
from tests.backups.archive_helpers import rewrite_archive as _rewrite
from tests.fixtures.accounts import PASSWORD, Account, login
from tests.fixtures.sites import HostClient


def test_refused_while_the_short_name_and_domains_are_taken_then_imported_under_others(app, small_site, tmp_path,
                                                                                       client_for, runner):
    rsj, _member, _category = small_site
    archive = _export(app, tmp_path)
    problems = _refused(app, archive)
    assert "The short name 'rsj' is already used by a site here" in problems["slug"]
    assert "'rsj.localhost' is already used by the site 'rsj'" in problems["domain"]
    assert "'renshi.localhost' is already used" in problems["domain"]
    assert list(_refused(app, archive, slug="rsj2")) == ["domain"]

    result = runner.invoke(args=["backup", "import-site", str(archive)], input=f"{PASSPHRASE}\n")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "--slug" in result.output and "--domain" in result.output

    result = runner.invoke(args=["backup", "import-site", str(archive), "--slug", "rsj-copy",
                                 "--domain", "rsj-copy.localhost"], env={"GOVSITES_ARCHIVE_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 0, result.output
    copy = client_for("rsj-copy.localhost").get("/sections/news/").get_data(as_text=True)
    assert "人事局召开全体干部大会" in copy
    assert client_for("renshi.localhost").get("/").status_code == 301  # the original keeps its alias
    with app.app_context():
        assert db.session.execute(select(Tenant.slug).order_by(Tenant.slug)).scalars().all() == ["rsj", "rsj-copy"]
        db.session.remove()


def test_refused_when_the_archive_is_newer_than_the_code(app, small_site, tmp_path):
    archive = _export(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
    newer_format = _rewrite(archive, tmp_path / "format.zip", manifest=lambda m: {**m, "format_version": 3})
    assert "archive format 3" in _refused(app, newer_format)["archive"]
    newer_schema = _rewrite(archive, tmp_path / "schema.zip", manifest=lambda m: {**m, "schema_revision": "0999"})
    problem = _refused(app, newer_schema)["archive"]
    assert "made by a newer version of govsites" in problem and "0999" in problem
    older_schema = _rewrite(archive, tmp_path / "older.zip", manifest=lambda m: {**m, "schema_revision": "0001"})
    with app.app_context():  # an archive of an older revision the code knows is read (its columns by name)
        assert import_site(older_schema, passphrase=PASSPHRASE).tenant.slug == "rsj"
        db.session.rollback()
        db.session.remove()


def test_refused_when_the_archive_is_damaged(app, small_site, tmp_path, runner):
    archive = _export(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
    changed = _rewrite(archive, tmp_path / "changed.zip",
                       member=("data/articles.jsonl", lambda data: data.replace("大会".encode(), "小会".encode())))
    assert "its part “data/articles.jsonl” is not what was exported" in _refused(app, changed)["archive"]
    with zipfile.ZipFile(archive) as original:
        a_file = next(n for n in original.namelist() if n.startswith("files/"))
    changed_file = _rewrite(archive, tmp_path / "file.zip", member=(a_file, lambda data: data + b"x"))
    assert a_file in _refused(app, changed_file)["archive"]
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "it cannot be read" in _refused(app, truncated)["archive"]
    not_an_archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(not_an_archive, "w") as other:
        other.writestr("readme.txt", "not a site")
    assert "not a site archive" in _refused(app, not_an_archive)["archive"]
    result = runner.invoke(args=["backup", "import-site", str(truncated)])
    assert result.exit_code == 2 and "Traceback" not in result.output and "archive" in result.output


def test_refused_while_the_tracking_codes_the_public_holds_are_used_here(app, small_site, tmp_path):
    """A copy of a site that is still here cannot be imported once the public holds its tracking codes."""
    from core.services.applications import submit_application
    from core.services.models import ServiceItem
    from core.services.queries_applications import apply_item

    rsj = small_site[0]
    with app.app_context(), activate_tenant(rsj.id):
        item = ServiceItem(code="RS-001", name="职称评审", online_level="online", published_guide=json.dumps(
            {"online_level": "online", "application_fields": []}))
        db.session.add(item)
        db.session.flush()
        submit_application(apply_item(item), applicant_name="王小明", id_number="11010519491231002X",
                           phone="13812345678", answers={}, uploads={})
        db.session.commit()
        db.session.remove()
    archive = _export(app, tmp_path)
    problem = _refused(app, archive, slug="rsj-copy", domain="rsj-copy.localhost")["archive"]
    assert "tracking codes" in problem


@pytest.mark.parametrize("where", ["a file", "the rows"])
def test_a_failure_halfway_leaves_no_row_and_no_file(app, small_site, tmp_path, monkeypatch, where):
    from core.backups import archive_import

    archive = _export(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        db.session.remove()
    before, files = count_everything(app), every_file(app)
    folders = sorted(p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_dir())
    if where == "a file":
        calls = []
        real = archive_import.os.replace

        def replace(source, target):
            calls.append(target)
            if len(calls) == 2:
                raise OSError(28, "No space left on device")
            return real(source, target)

        monkeypatch.setattr(archive_import.os, "replace", replace)
        failure = ArchiveRefused  # said in words: the files could not be written
    else:
        def fail(*_args, **_kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(archive_import, "_finish", fail)
        failure = RuntimeError
    with app.app_context():
        with pytest.raises(failure):
            import_site(archive, passphrase=PASSPHRASE)
        db.session.rollback()
        db.session.remove()
    assert count_everything(app) == before
    assert every_file(app) == files
    assert sorted(p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_dir()) == folders


def test_an_account_of_the_same_name_is_the_same_person(app, small_site, tmp_path, second_deployment):
    """The target's account is used as it is (its password unchanged); the archive's members get their roles."""
    _rsj, member, category_name = small_site
    target = second_deployment
    archive = _export(app, tmp_path)
    with target.app_context():
        from core.auth.operations import create_user

        create_user(username="li.editor", display_name="李编辑（目标）", password="Another-Password-77",
                    must_change_password=False)
        db.session.commit()
        kept_hash = db.session.execute(select(User.password_hash).where(User.username == "li.editor")).scalar_one()
        result = import_site(archive, passphrase=PASSPHRASE)
        db.session.commit()
        user = db.session.execute(select(User).where(User.username == "li.editor")).scalar_one()
        assert user.password_hash == kept_hash and user.display_name == "李编辑（目标）"
        with activate_tenant(result.tenant.id):
            roles = set(db.session.execute(select(Membership.role).where(Membership.user_id == user.id)).scalars())
            filed = db.session.execute(select(Article.disclosure_category_id).where(
                Article.disclosure_category_id.is_not(None))).scalar_one()
        assert roles == {"editor", "interaction_officer"}
        # The target had no disclosure categories: the one the site's item is filed under was added, by name.
        assert result.platform_added == [("site_groups", "综合管理"), ("disclosure_categories", category_name)]
        assert db.session.get(DisclosureCategory, filed).name_zh == category_name
        db.session.remove()
    client = HostClient(target.test_client(), "rsj.localhost")
    assert login(client, Account(member.id, "li.editor")).status_code == 200  # the archive's password: refused
    assert login(client, Account(member.id, "li.editor", password="Another-Password-77")).status_code == 302
    assert PASSWORD != "Another-Password-77"


def test_the_archive_is_readable_by_its_owner_only_and_its_personal_data_sealed(app, small_site, tmp_path):
    import stat

    archive = _export(app, tmp_path)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        letters = opened.read("data/interaction_letters.jsonl").decode("utf-8")
    assert manifest["personal_data"] == "protected" and "王小明" not in letters and "13812345678" not in letters
    assert manifest["site"]["slug"] == "rsj" and manifest["tables"]["articles"]["rows"] == 2
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert folder_files(app, small_site[0].id)
