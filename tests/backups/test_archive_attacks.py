"""Archives made to harm: each is refused with a message in words, nothing written (no row, no file), never an error.

An archive comes from outside the deployment (another bureau, a copy on a disk): its names, sizes, checksums,
tables, rows and values are checked before they are trusted.
"""
from __future__ import annotations

import hashlib
import json
import stat
import zipfile

import pytest
from sqlalchemy import func, select

from core.auth.models import User
from core.backups.archive_import import import_site
from core.backups.archive_sites import delete_site
from core.content.models import Article
from core.extensions import db
from tenants.provisioning import get_tenant
from tests.backups.archive_helpers import PASSPHRASE, export_archive, refused_problems


@pytest.fixture
def archive(app, small_site, tmp_path):
    """rsj's archive, with rsj deleted afterwards (its short name and domains free again)."""
    path = export_archive(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        db.session.remove()
    return path


def _manifest(path) -> dict:
    with zipfile.ZipFile(path) as opened:
        return json.loads(opened.read("manifest.json"))


def _build(source, target, *, manifest=None, parts=None, extra=(), skip=()):
    """A copy of `source` with its manifest changed (`manifest(dict)`), parts' bytes changed (`parts`: name ->
    function of the bytes, the manifest's checksum and count made to agree so that only the change is wrong),
    `extra` (ZipInfo or name, bytes) members added, and `skip` members left out."""
    parts = parts or {}
    with zipfile.ZipFile(source) as old:
        found = json.loads(old.read("manifest.json"))
        members = {info.filename: old.read(info.filename) for info in old.infolist()}
    for name, change in parts.items():
        members[name] = change(members[name])
        for entry in [*found["tables"].values(), found["users"], *found["platform"].values()]:
            if entry["member"] == name:
                entry["sha256"] = hashlib.sha256(members[name]).hexdigest()
                entry["rows"] = len([line for line in members[name].splitlines() if line])
    if manifest:
        found = manifest(found)
    members["manifest.json"] = json.dumps(found, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members.items():
            if name not in skip:
                new.writestr(name, data)
        for info, data in extra:
            new.writestr(info, data)
    return target


def _rows(data: bytes) -> list[list]:
    return [json.loads(line) for line in data.splitlines() if line]


def _lines(rows: list[list]) -> bytes:
    return b"".join(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n" for row in rows)


def _column(path, table: str, column: str) -> int:
    return _manifest(path)["tables"][table]["columns"].index(column)


def _change_rows(path, table: str, change):
    """A function of a data part's bytes that applies `change(rows, columns)` to its rows."""
    columns = _manifest(path)["tables"][table]["columns"]

    def apply(data: bytes) -> bytes:
        rows = _rows(data)
        change(rows, columns)
        return _lines(rows)
    return apply


# --- names and sizes -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../../../escaped.txt", "/tmp/escaped.txt", "a/../../escaped.txt",
                                  "..\\..\\escaped.txt", ".hidden", "a//b.txt", ""])
def test_a_file_name_that_leaves_the_site_folder_is_refused(app, archive, tmp_path, name):
    def add(manifest):
        a_file = next(iter(manifest["files"].values()))
        manifest["files"] = {name: dict(a_file), **manifest["files"]}
        return manifest

    problem = refused_problems(app, _build(archive, tmp_path / "names.zip", manifest=add))["archive"]
    assert "damaged" in problem
    assert not (tmp_path.parent / "escaped.txt").exists() and not (tmp_path / "escaped.txt").exists()


def test_a_symbolic_link_in_the_archive_is_refused(app, archive, tmp_path):
    def point(manifest):
        a_file = next(iter(manifest["files"].values()))
        link_target = b"/etc/passwd"
        manifest["files"]["link.pdf"] = {"member": "files/link.pdf", "size": len(link_target),
                                         "sha256": hashlib.sha256(link_target).hexdigest()}
        assert a_file
        return manifest

    info = zipfile.ZipInfo("files/link.pdf")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    built = _build(archive, tmp_path / "link.zip", manifest=point, extra=[(info, b"/etc/passwd")])
    assert "damaged" in refused_problems(app, built)["archive"]


def test_a_part_written_twice_is_refused(app, archive, tmp_path):
    with zipfile.ZipFile(archive) as opened:
        articles = opened.read("data/articles.jsonl")
    with pytest.warns(UserWarning, match="Duplicate name"):  # zipfile says so too, and writes it
        built = _build(archive, tmp_path / "twice.zip", extra=[("data/articles.jsonl", articles)])
    assert "damaged" in refused_problems(app, built)["archive"]


def test_a_part_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(app, archive, tmp_path, monkeypatch):
    """A zip bomb: a few kilobytes that unpack to far more. The part's unpacked size is read from the zip's
    directory, and a part over SITE_ARCHIVE_MAX_TABLE_BYTES is refused without being read."""
    huge = b" " * (4 * 1024 * 1024)  # 4 MB of spaces: about 4 kB packed
    built = _build(archive, tmp_path / "bomb.zip", parts={"data/articles.jsonl": lambda data: data + huge})
    assert built.stat().st_size < 200_000
    monkeypatch.setitem(app.config, "SITE_ARCHIVE_MAX_TABLE_BYTES", 1024 * 1024)
    reads = []
    real = zipfile.ZipFile.open

    def counting(self, name, *args, **kwargs):
        reads.append(getattr(name, "filename", name))
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting)
    problem = refused_problems(app, built)["archive"]
    assert "data/articles.jsonl" in problem and "1 MB" in problem
    assert "data/articles.jsonl" not in reads


def test_a_manifest_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(app, archive, tmp_path,
                                                                                 monkeypatch):
    built = _build(archive, tmp_path / "bomb.zip", manifest=lambda m: {**m, "padding": " " * (2 * 1024 * 1024)})
    monkeypatch.setitem(app.config, "SITE_ARCHIVE_MAX_TABLE_BYTES", 1024 * 1024)
    assert "manifest.json" in refused_problems(app, built)["archive"]


def test_a_file_larger_than_the_manifest_says_is_refused(app, archive, tmp_path):
    """The manifest says how large each file is; a part that unpacks to more is not the file exported."""
    def shrink(manifest):
        for entry in manifest["files"].values():
            entry["size"] = 1
        return manifest

    assert "damaged" in refused_problems(app, _build(archive, tmp_path / "sizes.zip", manifest=shrink))["archive"]


# --- what the manifest claims ----------------------------------------------------------------------

def test_wrong_checksums_are_refused(app, archive, tmp_path):
    def wrong(manifest):
        manifest["tables"]["articles"]["sha256"] = "0" * 64
        return manifest

    assert "data/articles.jsonl" in refused_problems(app, _build(archive, tmp_path / "sum.zip", manifest=wrong))[
        "archive"]


@pytest.mark.parametrize("table", ["users", "platform_audit_entries", "tenants", "user_sessions",
                                   "platform_settings"])
def test_a_manifest_claiming_other_tables_is_refused(app, archive, tmp_path, table):
    """Only the site's tables are written: a part named after a platform table is not read, under "tables" or
    under "platform" (the platform rows a site names are matched in two known lists only)."""
    row = [999, "intruder", "入侵者", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", "platform_admin", True]
    data = _lines([row])
    entry = {"member": f"platform/{table}.jsonl", "rows": 1, "sha256": hashlib.sha256(data).hexdigest(),
             "columns": ["id", "username", "display_name", "password_hash", "platform_role", "totp_enabled"],
             "key": ["username"]}

    def claim(where):
        def change(manifest):
            manifest[where][table] = entry
            return manifest
        return change

    for where in ("tables", "platform"):
        built = _build(archive, tmp_path / f"{where}.zip", manifest=claim(where),
                       extra=[(f"platform/{table}.jsonl", data)])
        assert "damaged" in refused_problems(app, built)["archive"] or table in refused_problems(app, built)[
            "archive"]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(User).where(
            User.username == "intruder")).scalar_one() == 0
        db.session.remove()


@pytest.mark.parametrize("change", [
    lambda m: {**m, "site": []},
    lambda m: {**m, "site": {**m["site"], "domains": "rsj.localhost"}},
    lambda m: {**m, "site": {**m["site"], "domains": [{"hostname": 5, "is_primary": True}]}},
    lambda m: {**m, "site": {**m["site"], "id": "one"}},
    lambda m: {**m, "site": {**m["site"], "fields": {"status": ["active"]}}},
    lambda m: {**m, "tables": []},
    lambda m: {**m, "tables": {**m["tables"], "articles": {**m["tables"]["articles"], "columns": "id"}}},
    lambda m: {**m, "tables": {**m["tables"], "articles": {**m["tables"]["articles"], "rows": "2"}}},
    lambda m: {**m, "files": ["a.pdf"]},
    lambda m: {**m, "files": {"a.pdf": {"member": 3, "size": "big", "sha256": None}}},
    lambda m: {**m, "other_sites": {"x": "czj"}},
    lambda m: {**m, "other_sites": {"²": "czj"}},  # a digit to str.isdigit, not a number to int()
    lambda m: {**m, "other_sites": {"１２": "czj"}},  # full-width digits
    lambda m: {**m, "other_sites": {"99999999999": "czj"}},  # beyond any id
    lambda m: {**m, "schema_revision": ["0001"]},
    lambda m: {**m, "format_version": True},
    lambda m: {**m, "users": {"member": "users.jsonl"}},
], ids=["site", "domains", "hostname", "site-id", "field", "tables", "columns", "rows", "files", "file-entry",
        "other-sites", "other-sites-superscript", "other-sites-full-width", "other-sites-too-large", "revision",
        "format", "users"])
def test_a_manifest_of_the_wrong_shape_is_refused(app, archive, tmp_path, change):
    assert refused_problems(app, _build(archive, tmp_path / "shape.zip", manifest=change))["archive"]


def test_an_archive_from_a_newer_schema_is_refused(app, archive, tmp_path):
    built = _build(archive, tmp_path / "newer.zip", manifest=lambda m: {**m, "schema_revision": "9999"})
    assert "newer version of govsites" in refused_problems(app, built)["archive"]


# --- rows ------------------------------------------------------------------------------------------

def test_rows_of_another_site_are_refused(app, archive, tmp_path, create_site):
    """A row's site is the archive's: a row naming another site (even one the manifest lists) is not written
    there."""
    czj = create_site("czj")
    old = _manifest(archive)["site"]["id"]
    index = _column(archive, "articles", "tenant_id")

    def move(rows, _columns):
        rows[0][index] = czj.id + 1000

    built = _build(archive, tmp_path / "other.zip", parts={"data/articles.jsonl": _change_rows(
        archive, "articles", move)}, manifest=lambda m: {**m, "other_sites": {str(czj.id + 1000): "czj"}})
    assert old != czj.id + 1000
    assert refused_problems(app, built)["archive"]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Article).where(
            Article.tenant_id == czj.id).execution_options(all_tenants=True)).scalar_one() == 0
        db.session.remove()


def test_rows_with_the_same_id_are_refused(app, archive, tmp_path):
    def twice(rows, _columns):
        rows.append(list(rows[0]))

    built = _build(archive, tmp_path / "same.zip", parts={"data/articles.jsonl": _change_rows(
        archive, "articles", twice)})
    assert "damaged" in refused_problems(app, built)["archive"]


def test_sections_that_are_each_others_parent_are_refused(app, archive, tmp_path):
    id_index, parent_index = _column(archive, "sections", "id"), _column(archive, "sections", "parent_id")

    def loop(rows, _columns):
        rows[0][parent_index], rows[1][parent_index] = rows[1][id_index], rows[0][id_index]

    built = _build(archive, tmp_path / "loop.zip", parts={"data/sections.jsonl": _change_rows(
        archive, "sections", loop)})
    assert refused_problems(app, built)["archive"]


@pytest.mark.parametrize("column, value", [
    ("version", "many"), ("version", 1.5), ("version", 2 ** 70), ("version", [1]),
    ("title", 12), ("title", {"zh": "标题"}), ("title", "标题" * 200), ("title", "标\x00题"),
    ("title", "标\x1b[2J题"), ("title", "gpj.\u202eexe"), ("body_html", "<p>\x00</p>"),
    ("published_at", 12345), ("published_at", "yesterday"), ("published_at", "2026-01-01T08:00:00+08:00"),
    ("share_to_portal", "yes"), ("tenant_id", None), ("section_id", "first"),
])
def test_a_value_that_does_not_fit_its_column_is_refused(app, archive, tmp_path, column, value):
    """Refused on SQLite as on PostgreSQL (SQLite would store text in a number column, any length, a NUL)."""
    columns = _manifest(archive)["tables"]["articles"]["columns"]
    assert column in columns, f"articles has no {column}: choose a column the archive carries"
    index = columns.index(column)

    def put(rows, _columns):
        rows[0][index] = value

    built = _build(archive, tmp_path / "value.zip", parts={"data/articles.jsonl": _change_rows(
        archive, "articles", put)})
    problem = refused_problems(app, built)["archive"]
    assert "articles" in problem or "do not fit" in problem


# --- the short name and the domain given -----------------------------------------------------------

@pytest.mark.parametrize("slug, domain, field", [
    ("rsj_2", None, "slug"), ("2rsj", None, "slug"), ("r", None, "slug"), ("r" * 33, None, "slug"),
    ("admin", None, "slug"), ("www", None, "slug"), ("人事", None, "slug"),
    (None, "rsj2.localhost:8000", "domain"), (None, "rsj2.localhost/news", "domain"),
    (None, "http://rsj2.localhost", "domain"), (None, "人事局.localhost", "domain"), (None, "rsj2", "domain"),
    (None, "admin.localhost", "domain"), (None, "localhost", "domain"), (None, "www.localhost", "domain"),
    (None, "rsj2 .localhost", "domain"), (None, "-rsj.localhost", "domain"),
])
def test_an_invalid_short_name_or_domain_is_refused(app, archive, slug, domain, field):
    problems = refused_problems(app, archive, slug=slug, domain=domain)
    assert list(problems) == [field]


def test_a_short_name_or_domain_taken_is_refused(app, archive, create_site):
    create_site("czj", aliases=["caizheng.localhost"])
    assert "already used" in refused_problems(app, archive, slug="czj")["slug"]
    assert "'czj'" in refused_problems(app, archive, domain="caizheng.localhost")["domain"]  # another site's alias
    assert "'czj'" in refused_problems(app, archive, domain="CZJ.localhost.")["domain"]


def test_an_uppercase_short_name_and_domain_are_taken_in_lowercase(app, archive):
    with app.app_context():
        tenant = import_site(archive, passphrase=PASSPHRASE, slug="RSJ2", domain="RSJ2.localhost.").tenant
        assert (tenant.slug, [d.hostname for d in tenant.domains]) == ("rsj2", ["rsj2.localhost"])
        db.session.rollback()
        db.session.remove()


def test_the_domains_problems_read_as_sentences_in_either_language(app, archive, create_site):
    from core.backups.archive_import import ArchiveRefused

    create_site("czj", aliases=["caizheng.localhost"])
    said = {}
    for language in ("zh_CN", "en"):
        with app.test_request_context(headers={"Cookie": f"lang={language}"}):
            with pytest.raises(ArchiveRefused) as refused:
                import_site(archive, passphrase=PASSPHRASE, slug="rsj2", domain="caizheng.localhost")
            said[language] = str(refused.value.problems["domain"])
            db.session.rollback()
            db.session.remove()
    assert said["zh_CN"].startswith("“caizheng.localhost”已被站点“czj”使用。请为站点另设域名")
    assert said["en"].startswith("'caizheng.localhost' is already used by the site 'czj'. Give the site")


def test_files_that_do_not_fit_on_the_disk_are_refused_before_any_is_written(app, archive, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10 ** 9, 10 ** 9 - 1024, 1024))
    problem = refused_problems(app, archive)["archive"]
    assert "1 KB free" in problem and "nothing was imported" in problem
