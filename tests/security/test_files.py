"""The file checks read each upload by its bytes; the tamper check compares the deployed tree with its baseline."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.content.files import Upload
from core.content.models import Attachment
from core.extensions import db
from core.security.operations import take_baseline
from tenants.scoping import activate_tenant
from tests.security.conftest import lifecycle, of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64



def _folder(app, site) -> Path:
    folder = Path(app.config["UPLOAD_FOLDER"]) / f"site-{site.id}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_an_attachment_that_is_not_what_its_name_says(app, two_sites, create_article_in, check_site):
    rsj = two_sites[0]
    item = create_article_in(rsj, "notices", "招聘公告", attachments=[Upload("岗位表.pdf", PDF)])
    with app.app_context(), activate_tenant(rsj.id):
        stored = db.session.execute(select(Attachment.stored_name)).scalar_one()
    path = _folder(app, rsj) / stored
    path.write_bytes(b"<!DOCTYPE html><html><body>saved from a browser</body></html>")
    rule = "files.type_mismatch"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule), lambda: path.write_bytes(PDF))
    assert found.name == "岗位表.pdf" and found.link == f"/admin/articles/{item}"
    assert found.details["values"] == {"extension": "pdf", "item": "招聘公告"}


@pytest.mark.parametrize("name, data, matches", [
    ("a.docx", b"PK\x03\x04" + b"\x00" * 30, False),  # a ZIP that is no Word document
    ("a.gif", b"GIF89a" + b"\x00" * 10, True),
    ("a.gif", PDF, False),
    ("a.txt", "通知全文".encode(), True),
    ("a.csv", b"a,b\x00c", False),
    ("a.xyz", b"anything", None),  # a type the check does not know is left alone
])
def test_types_read_by_their_bytes(name, data, matches):
    from core.security.checks_files import type_matches

    assert type_matches(name.rsplit(".", 1)[1], data) is matches


def _pe() -> bytes:
    header = bytearray(b"MZ" + b"\x00" * 0x7E)
    header[0x3C:0x40] = (0x80).to_bytes(4, "little")
    return bytes(header) + b"PE\x00\x00" + b"\x00" * 32


@pytest.mark.parametrize("name, data, kind", [
    ("setup.pdf", _pe(), "PE"),
    ("photo.jpg", JPEG + b"<?php eval($_POST['x']); ?>", "server script"),
    ("表格.xls", b"\x7fELF\x02\x01\x01" + b"\x00" * 20, "ELF"),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n", "script"),
    ("page.png", b"\x89PNG\r\n\x1a\n" + b"<%@ page import=\"java.io.*\" %>", "server script"),
])
def test_programs_and_server_scripts_among_the_uploads(name, data, kind, app, two_sites, check_site):
    rsj = two_sites[0]
    path = _folder(app, rsj) / "applications" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    rule = "files.executable"
    [found] = lifecycle(lambda: of(check_site(rsj, rule), rule), path.unlink)
    assert found.key == f"file:applications/{name}" and found.severity == "high"
    assert found.details["values"]["kind"] == kind


def test_text_that_mentions_php_is_not_a_program(app, two_sites, check_site):
    rsj = two_sites[0]
    (_folder(app, rsj) / "readme.txt").write_bytes(b"<?php is mentioned in this note")
    (_folder(app, rsj) / "MZ-report.pdf").write_bytes(PDF + b"MZ")
    assert of(check_site(rsj, "files.executable"), "files.executable") == []


def test_files_larger_than_the_platform_accepts(app, two_sites, check_site):
    rsj = two_sites[0]
    path = _folder(app, rsj) / "big.pdf"
    path.write_bytes(PDF + b"0" * 5000)
    limit = app.config["MAX_ATTACHMENT_BYTES"]
    app.config["MAX_ATTACHMENT_BYTES"] = 4096
    try:
        rule = "files.oversize"
        [found] = lifecycle(lambda: of(check_site(rsj, rule), rule), path.unlink)
        assert found.details["values"]["limit"] == "4 KB" and found.severity == "low"
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = limit


def _training_material(app, create_account, title="《政府网站与政务新媒体检查指标》解读") -> tuple[int, str]:
    """A training material with one PDF, as the bureau uploads it (checked at the door); (its id, stored name)."""
    from core.auth.models import User
    from core.training.operations import create_material

    bureau = create_account("chen.bureau", platform_role="platform_admin", totp=True)
    with app.app_context():
        material = create_material(actor=db.session.get(User, bureau.id), title=title, due_on=date(2027, 1, 29),
                                   uploads=[Upload("指标解读.pdf", PDF, "application/pdf")], today=date(2026, 12, 1))
        db.session.commit()
        made = material.id, material.files[0].stored_name
        db.session.remove()
    return made


def test_training_files_are_checked_every_day_as_the_platforms(app, two_sites, create_account, check_platform,
                                                               check_site):
    material, stored = _training_material(app, create_account)
    path = Path(app.config["UPLOAD_FOLDER"]) / "training" / stored
    saved = path.read_bytes()
    path.write_bytes(_pe())  # the file replaced on the shared volume after it was checked at upload
    rule = "platform_files.executable"
    [found] = lifecycle(lambda: of(check_platform(rule), rule), lambda: path.write_bytes(saved))
    assert found.key == f"file:training/{stored}" and found.name == "指标解读.pdf" and found.severity == "high"
    assert found.link == f"/platform/training/{material}"  # where the bureau replaces or removes it
    assert found.details["values"] == {"kind": "PE", "material": "《政府网站与政务新媒体检查指标》解读"}
    assert of(check_site(two_sites[0], "files.executable"), "files.executable") == []  # no site's finding


def test_a_stray_file_in_the_training_folder_and_an_oversize_one(app, create_account, check_platform):
    _material, stored = _training_material(app, create_account)
    folder = Path(app.config["UPLOAD_FOLDER"]) / "training"
    stray = folder / "notes.pdf"
    stray.write_bytes(b"<!DOCTYPE html><html><body>saved from a browser</body></html>")
    rule = "platform_files.type_mismatch"
    [found] = lifecycle(lambda: of(check_platform(rule), rule), stray.unlink)
    assert found.key == "file:training/notes.pdf" and found.name == "training/notes.pdf"
    assert found.link == "/platform/training/" and found.details["values"] == {"extension": "pdf"}
    (folder / stored).write_bytes(PDF + b"0" * 5000)
    limit = app.config["MAX_ATTACHMENT_BYTES"]
    app.config["MAX_ATTACHMENT_BYTES"] = 4096
    try:
        rule = "platform_files.oversize"
        [found] = lifecycle(lambda: of(check_platform(rule), rule), lambda: (folder / stored).write_bytes(PDF))
        assert found.name == "指标解读.pdf" and found.details["values"]["limit"] == "4 KB"
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = limit


def test_the_platforms_file_checks_do_not_read_the_sites_folders(app, two_sites, check_platform):
    (_folder(app, two_sites[0]) / "shell.php.jpg").write_bytes(JPEG + b"<?php eval($_POST['x']); ?>")
    assert check_platform("platform_files.executable", "platform_files.type_mismatch") == []


@pytest.fixture
def tree(app, tmp_path):
    """A copy of a deployed tree in a temporary folder, with the check pointed at it and at its own manifest."""
    root = tmp_path / "deployed"
    for relative, text in {"wsgi.py": "app = None\n", "core/__init__.py": "", "core/admin/views.py": "x = 1\n",
                           "themes/default/templates/base.html": "<html>{% block content %}{% endblock %}</html>\n",
                           "themes/default/static/site.css": "body { color: #000; }\n",
                           "tenants/hosts.py": "", "jobs/__init__.py": ""}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    saved = {key: app.config[key] for key in ("SECURITY_CODE_ROOT", "SECURITY_INTEGRITY_MANIFEST")}
    app.config.update(SECURITY_CODE_ROOT=str(root), SECURITY_INTEGRITY_MANIFEST=str(tmp_path / "manifest.json"))
    try:
        yield root
    finally:
        app.config.update(saved)


def _baseline(app, moment):
    with app.app_context():
        files, digest = take_baseline(moment)
        db.session.commit()
        db.session.remove()
    return files, digest


def test_the_tamper_check_notices_a_changed_template_an_added_file_and_a_removed_one(app, tree, moment,
                                                                                      check_platform):
    files, digest = _baseline(app, moment)
    assert files == 7 and len(digest) == 64
    rule = "files.tampered"
    assert of(check_platform(rule), rule) == []
    template = tree / "themes/default/templates/base.html"
    original = template.read_text()
    template.write_text(original.replace("<html>", '<html><a href="http://bet.example/">x</a>'))
    (tree / "themes/default/static/shell.php").write_text("<?php system($_GET['c']); ?>")
    (tree / "core/admin/views.py").unlink()
    # Caches are not the code: compiled files and the editor's packages may change freely.
    (tree / "core/__pycache__").mkdir()
    (tree / "core/__pycache__/x.cpython-312.pyc").write_bytes(b"\x00")
    (tree / "themes/vendor/node_modules/pkg").mkdir(parents=True)
    (tree / "themes/vendor/node_modules/pkg/index.js").write_text("1")
    found = of(check_platform(rule), rule)
    assert sorted((r.name, r.details["says"], r.state, r.severity) for r in found) == [
        ("core/admin/views.py", "removed", "new", "high"),
        ("themes/default/static/shell.php", "added", "new", "high"),
        ("themes/default/templates/base.html", "changed", "new", "high")]
    template.write_text(original)  # the template put back: that finding is resolved, the others stay
    states = {r.name: r.state for r in of(check_platform(rule), rule)}
    assert states == {"core/admin/views.py": "open", "themes/default/static/shell.php": "open",
                      "themes/default/templates/base.html": "resolved"}
    _baseline(app, moment)  # a deployment: a new baseline, and nothing is left to report
    assert {r.state for r in of(check_platform(rule), rule)} == {"resolved"}


def test_a_missing_or_unreadable_manifest_is_a_finding(app, tree, check_platform):
    rule = "files.tampered"
    [missing] = of(check_platform(rule), rule)
    assert missing.details["says"] == "missing" and missing.severity == "medium"
    Path(app.config["SECURITY_INTEGRITY_MANIFEST"]).write_text("{not json")
    [unreadable] = of(check_platform(rule), rule)
    assert unreadable.id == missing.id and unreadable.details["says"] == "unreadable"


def test_the_baseline_is_written_whole_and_if_missing_leaves_one_alone(app, tree, moment, runner):
    result = runner.invoke(args=["security", "baseline"])
    assert result.exit_code == 0 and "7 files" in result.output, result.output
    path = Path(app.config["SECURITY_INTEGRITY_MANIFEST"])
    data = json.loads(path.read_text())
    assert sorted(data["files"]) == ["core/__init__.py", "core/admin/views.py", "jobs/__init__.py",
                                     "tenants/hosts.py", "themes/default/static/site.css",
                                     "themes/default/templates/base.html", "wsgi.py"]
    (tree / "core/new.py").write_text("")
    kept = runner.invoke(args=["security", "baseline", "--if-missing"])
    assert kept.exit_code == 0 and "kept" in kept.output
    assert json.loads(path.read_text()) == data
    assert not list(path.parent.glob(".*.part"))
