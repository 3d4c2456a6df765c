"""What a site's archive holds is read from the models: a table added later is in it with no change to the code.

These tests fail when the models hold site data the archive would leave out or could not carry back: a table
that is neither a site's nor named as the platform's, an id kept without a foreign key, a lookup hash, a public
page's id that links in text would name.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, insert, select
from werkzeug.routing import IntegerConverter

from core.backups.archive import SITE_RECORD, SOFT_REFERENCES, not_moved, platform_tables, site_plan
from core.backups.archive_import import (ID_ARGUMENTS, JSON_REFERENCES, LOOKUP_HASH_COLUMNS, NOT_ID_ARGUMENTS,
                                         TEXT_REFERENCES, _lookup_hashes, import_site)
from core.backups.archive_sites import delete_site, export_site
from core.extensions import db
from core.web.routes import RULES
from tenants.provisioning import get_tenant
from tenants.scoping import TenantScoped
from tests.backups.archive_helpers import PASSPHRASE


def test_every_table_is_site_data_or_named_as_not_moved(app):
    """A new table is site data by itself (a tenant_id, or a key to a site's rows); otherwise it must be named."""
    plan = site_plan()
    named = set(SITE_RECORD) | set(not_moved()) | set(platform_tables())
    assert sorted(set(db.metadata.tables) - set(plan.tables) - named) == []
    assert set(plan.tables) & set(platform_tables()) == set()
    scoped = {m.local_table.name for m in db.Model.registry.mappers if issubclass(m.class_, TenantScoped)}
    assert scoped - set(not_moved()) <= set(plan.tables)


def test_ids_kept_without_a_foreign_key_are_declared(app):
    undeclared = []
    for name, table_plan in site_plan().tables.items():
        for column in table_plan.table.c:
            if column.name.endswith("_id") and not column.foreign_keys and not column.primary_key \
                    and (name, column.name) not in SOFT_REFERENCES and "soft_reference" not in column.info:
                undeclared.append(f"{name}.{column.name}")
    assert undeclared == [], "say what each names in SOFT_REFERENCES (core.backups.archive)"
    assert all(name in site_plan().tables for name, _column in SOFT_REFERENCES)
    declared = [(name, c.info["soft_reference"]) for name, t in site_plan().tables.items() for c in t.table.c
                if "soft_reference" in c.info]
    assert all(ref.table is None or ref.table in site_plan().tables for _name, ref in declared)


def test_every_lookup_hash_is_computed_again_in_the_targets_key(app):
    hashes = {(name, column.name) for name, table_plan in site_plan().tables.items()
              for column in table_plan.table.c if column.name.endswith("_hash") and column.name != "password_hash"}
    assert hashes == LOOKUP_HASH_COLUMNS
    with app.app_context():
        assert set(_lookup_hashes()) == LOOKUP_HASH_COLUMNS


def test_personal_data_is_sealed_in_an_archive(app):
    """Every column encrypted at rest, every lookup hash, an account's e-mail and password hash, and every folder
    of files the public sends: an archive carries them only under its passphrase."""
    from core.backups.archive import USER_FIELDS, USER_PROTECTED, protected_columns
    from core.disclosure.applications import FILES_SUBFOLDER as disclosure_files
    from core.interaction.letters import FILES_SUBFOLDER as letter_files
    from core.privacy.crypto import PERSONAL_FOLDERS, encrypted_columns
    from core.services.applications import FILES_SUBFOLDER as application_files

    plan = site_plan()
    sealed = {(name, column) for name, table_plan in plan.tables.items()
              for column in protected_columns(table_plan.table)}
    encrypted = set(encrypted_columns(db.metadata))
    assert len(encrypted) >= 20 and encrypted <= sealed
    assert LOOKUP_HASH_COLUMNS <= sealed
    assert {("interaction_letters", "body"), ("service_application_files", "filename"),
            ("audit_entries", "ip")} <= sealed
    assert set(USER_PROTECTED) <= set(USER_FIELDS)
    assert {application_files, letter_files, disclosure_files} == PERSONAL_FOLDERS


def test_every_id_of_a_public_page_is_carried_in_links(app):
    """A link in a site's text to one of its public pages names an id: the import carries each kind."""
    plan = site_plan()
    arguments = {name for rule in app.url_map.iter_rules()
                 if rule.endpoint in RULES and RULES[rule.endpoint].permission is None
                 for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)}
    assert sorted(arguments - set(ID_ARGUMENTS) - NOT_ID_ARGUMENTS) == []
    assert not NOT_ID_ARGUMENTS & set(ID_ARGUMENTS)
    assert all(table in plan.tables for table in ID_ARGUMENTS.values())
    assert all(name in plan.tables for name, _column in JSON_REFERENCES)


def test_rows_are_written_after_the_rows_they_name(app):
    plan = site_plan()
    order = list(plan.tables)
    for name, table_plan in plan.tables.items():
        for column, ref in table_plan.refs.items():
            if ref.kind == "row" and ref.table != name:
                assert order.index(ref.table) < order.index(name), (name, column)
    assert plan.tables["sections"].self_refs == ["parent_id"]
    assert set(plan.platform) == {"disclosure_categories", "disclosure_subjects"}


# --- a table added later ---------------------------------------------------------------------------

@pytest.fixture
def added_tables(app):
    """Two tables the code does not know: a site's notes (tenant_id, a key to an article, a person, a parent
    note) and marks on them (no tenant_id: they hang on a note)."""
    notes = Table("archive_probe_notes", db.metadata,
                  Column("id", Integer, primary_key=True),
                  Column("tenant_id", ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False, index=True),
                  Column("article_id", ForeignKey("articles.id", ondelete="CASCADE")),
                  Column("author_id", ForeignKey("users.id", ondelete="SET NULL")),
                  Column("parent_id", ForeignKey("archive_probe_notes.id", ondelete="CASCADE")),
                  Column("text", Text))
    marks = Table("archive_probe_marks", db.metadata,
                  Column("id", Integer, primary_key=True),
                  Column("note_id", ForeignKey("archive_probe_notes.id", ondelete="CASCADE"), nullable=False),
                  Column("mark", String(20)))
    with app.app_context():
        db.metadata.create_all(db.engine, tables=[notes, marks])
    yield notes, marks
    with app.app_context():
        db.session.remove()
        db.metadata.drop_all(db.engine, tables=[marks, notes])
    db.metadata.remove(marks)
    db.metadata.remove(notes)


def test_a_table_added_later_and_its_child_table_travel_with_the_site(app, two_sites, create_account, added_tables,
                                                                      tmp_path):
    notes, marks = added_tables
    rsj, czj, articles = two_sites
    author = create_account("note.author", site=rsj, roles=["editor"])
    plan = site_plan()
    assert plan.tables["archive_probe_notes"].self_refs == ["parent_id"]
    assert plan.tables["archive_probe_marks"].parents == [("note_id", "archive_probe_notes")]
    with app.app_context():
        first = db.session.execute(insert(notes).returning(notes.c.id), {
            "tenant_id": rsj.id, "article_id": articles["rsj"][0], "author_id": author.id, "text": "第一条"}).scalar()
        second = db.session.execute(insert(notes).returning(notes.c.id), {
            "tenant_id": rsj.id, "article_id": articles["rsj"][1], "parent_id": first, "text": "回复"}).scalar()
        db.session.execute(insert(marks), [{"note_id": first, "mark": "重要"}, {"note_id": second, "mark": "已读"}])
        other = db.session.execute(insert(notes).returning(notes.c.id), {
            "tenant_id": czj.id, "article_id": articles["czj"][0], "text": "财政局的"}).scalar()
        db.session.execute(insert(marks), {"note_id": other, "mark": "财政"})
        db.session.commit()
        archive = tmp_path / "rsj.site.zip"
        export_site(get_tenant("rsj"), archive, passphrase=PASSPHRASE)
        removed = delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        assert removed["archive_probe_notes"] == 2 and removed["archive_probe_marks"] == 2
        assert db.session.execute(select(marks.c.mark)).scalars().all() == ["财政"]  # the other site's stay

        result = import_site(archive, passphrase=PASSPHRASE)
        db.session.commit()
        rows = db.session.execute(select(notes).where(notes.c.tenant_id == result.tenant.id)
                                  .order_by(notes.c.id)).mappings().all()
        assert [r["text"] for r in rows] == ["第一条", "回复"]
        assert [r["article_id"] for r in rows] == [result.ids["articles"][a] for a in articles["rsj"]]
        assert rows[0]["author_id"] == author.id and rows[1]["parent_id"] == rows[0]["id"] != first
        moved = db.session.execute(select(marks.c.note_id, marks.c.mark).where(
            marks.c.note_id.in_([r["id"] for r in rows])).order_by(marks.c.id)).all()
        assert moved == [(rows[0]["id"], "重要"), (rows[1]["id"], "已读")]
        db.session.remove()


def test_json_with_ids_is_declared(app, demo_city):
    """Every JSON kept in a site's text columns that holds ids ("id", "…_id" keys) is carried (JSON_REFERENCES),
    except the audit log's details and a column that says it is history (``info={"kept_as_written": why}``)."""
    kept_as_written = {("audit_entries", "detail")}
    found = set()

    def keys(data):
        if isinstance(data, dict):
            for key, value in data.items():
                yield key
                yield from keys(value)
        elif isinstance(data, list):
            for value in data:
                yield from keys(value)

    with app.app_context():
        for name, table_plan in site_plan().tables.items():
            for column in table_plan.table.c:
                if column.foreign_keys or column.primary_key or "kept_as_written" in column.info:
                    continue
                for (value,) in db.session.execute(select(column).where(column.is_not(None)).limit(500)):
                    if isinstance(value, str) and value[:1] in "[{":
                        try:
                            data = json.loads(value)
                        except ValueError:
                            continue
                        if any(isinstance(k, str) and (k == "id" or k.endswith("_id")) for k in keys(data)):
                            found.add((name, column.name))
        db.session.remove()
    assert ("article_revisions", "data") in found and ("service_items", "published_guide") in found
    assert found - kept_as_written <= set(JSON_REFERENCES)


def test_ids_written_in_text_are_declared(app, demo_city):
    """Text that names a row by its id ("user:12", "article:40/host:…", "/admin/users/12") is carried
    (TEXT_REFERENCES), except the audit log's, which is history. The security checks run first: their findings
    keep what they are about that way."""
    import re

    from sqlalchemy import String

    from core.security.jobs import run_everything
    from core.timeutil import now

    kept_as_written = {("audit_entries", "target"), ("audit_entries", "detail")}
    named = re.compile(r"^[a-z_]+:\d+(?:$|/)|^/admin/[a-z_/]+/\d+(?:$|[/?#])")
    found = set()
    with app.app_context():
        run_everything(now())
        db.session.commit()
        for name, table_plan in site_plan().tables.items():
            for column in table_plan.table.c:
                if column.foreign_keys or column.primary_key or not isinstance(column.type, String):
                    continue
                for (value,) in db.session.execute(select(column).where(column.is_not(None)).limit(2000)):
                    if isinstance(value, str) and named.search(value):
                        found.add((name, column.name))
        from core.backups.archive_import import _ADMIN_PATH, _FINDING_KEY
        from core.security.models import SecurityFinding

        table = SecurityFinding.__table__  # every site's (a table's columns, as above: no site scope)
        findings = db.session.execute(select(table.c.object_key, table.c.link)).all()
        db.session.remove()
    # Every kind of row a finding names by its id is one the import carries.
    assert [key for key, _link in findings if named.match(key) and not _FINDING_KEY.match(key)] == []
    assert [link for _key, link in findings if named.match(link or "") and not _ADMIN_PATH.match(link)] == []
    assert {("security_findings", "object_key"), ("security_findings", "link")} <= found
    assert found - kept_as_written <= set(TEXT_REFERENCES) | set(JSON_REFERENCES)


def test_a_findings_object_and_link_follow_the_ids_of_every_kind_the_checks_name():
    """A finding about a consultation (and its summary), a service guide or a published letter keeps what it is
    about and where it is fixed through an import, as one about an item, a section or an account does."""
    from core.backups.archive_import import _Maps, _admin_path, _finding_key

    maps = _Maps(old_site=1, new_site=2, other_sites={})
    maps.users[3] = 30
    for table, old, new in (("articles", 1, 11), ("sections", 2, 22), ("attachments", 5, 55),
                            ("consultations", 4, 44), ("service_items", 7, 77), ("interaction_letters", 9, 99)):
        maps.rows[table][old] = new
    keys = {"user:3": "user:30", "article:1/host:bet.example": "article:11/host:bet.example",
            "section:2": "section:22", "attachment:5": "attachment:55",
            "consultation:4/word:博彩": "consultation:44/word:博彩",
            "consultation:4/summary/word:博彩": "consultation:44/summary/word:博彩",
            "service_item:7/wrong:国务院办公室": "service_item:77/wrong:国务院办公室",
            "letter:9/word:私服": "letter:99/word:私服", "file:applications/a.pdf": "file:applications/a.pdf",
            "consultation:8": "consultation:8"}  # a row the archive does not hold: left as written
    assert {key: _finding_key(key, maps) for key in keys} == keys
    links = {"/admin/users/3": "/admin/users/30", "/admin/articles/1": "/admin/articles/11",
             "/admin/sections/2": "/admin/sections/22", "/admin/consultations/4": "/admin/consultations/44",
             "/admin/consultations/4/summary": "/admin/consultations/44/summary",
             "/admin/services/items/7": "/admin/services/items/77",
             "/admin/interaction/letters/9": "/admin/interaction/letters/99"}
    assert {link: _admin_path(link, maps) for link in links} == links

