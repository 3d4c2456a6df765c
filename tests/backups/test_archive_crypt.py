"""A site's archive never carries citizens' personal data in clear: it is sealed with the passphrase given at the
export, and only that passphrase imports it (here or in another deployment, encrypted there with its own keys).

An archive made before the passphrase (format 1, personal data in clear) is still imported.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from core.backups.archive_crypt import ArchiveKey, value_place
from core.backups.archive_import import import_site
from core.backups.archive_sites import ExportRefused, delete_site, export_site
from core.content.files import Upload
from core.extensions import db
from tenants.provisioning import get_tenant, upload_folder
from tenants.scoping import activate_tenant
from tests.backups.archive_helpers import (PASSPHRASE, PDF, count_everything, every_file, export_archive,
                                           refused_problems)
from tests.services.application_helpers import make_item

#: What a citizen gave the site, planted to be looked for in the archive's bytes.
APPLICANT = {"name": "欧阳明远", "id_number": "11010519491231002X", "phone": "13911112222",
             "email": "ouyang.mingyuan@example.com", "employer": "廊坊市第三十七中学"}
DISCLOSURE = {"name": "司马青云", "id_number": "131002198506151236", "phone": "13933334444",
              "address": "廊坊市广阳区新华路88号3单元", "description": "请公开本人2019年社保补缴审批材料"}
LETTER = {"name": "诸葛晓雯", "phone": "13955556666", "email": "zhuge.xiaowen@example.com",
          "subject": "邻居违章搭建举报", "body": "我家楼下一层住户在院内违章搭建彩钢房，影响通行。"}
OPINION = {"name": "上官子墨", "phone": "13977778888", "body": "建议第五条增加对灵活就业人员的补贴说明。"}
#: The files the public sent: their content and the names they gave them.
FILES = {"diploma": (f"{APPLICANT['name']}学历证书.pdf", PDF + b"DIPLOMA-OF-OUYANG-0042"),
         "letter": (f"{LETTER['name']}现场照片.pdf", PDF + b"PHOTO-OF-THE-SHED-1177"),
         "disclosure": (f"{DISCLOSURE['name']}身份证复印件.pdf", PDF + b"ID-CARD-OF-SIMA-7788")}
FIELDS = [{"key": "employer", "type": "text", "label": "工作单位", "label_en": "Employer", "required": True,
           "max_length": 100},
          {"key": "diploma", "type": "file", "label": "学历证书", "label_en": "Diploma", "required": True,
           "extensions": ["pdf"], "max_mb": 1}]


def planted_strings() -> list[str]:
    found = [*APPLICANT.values(), *DISCLOSURE.values(), *LETTER.values(), *OPINION.values()]
    found += [name.rsplit(".", 1)[0] for name, _data in FILES.values()]
    return found


def planted_bytes() -> list[bytes]:
    return [s.encode("utf-8") for s in planted_strings()] + [data[len(PDF):] for _name, data in FILES.values()]


@pytest.fixture
def planted(app, small_site):
    """rsj with an application (and its material), a letter (and its attachment), an application for disclosure
    (and its file) and an opinion on a draft, each from a citizen of its own."""
    from core.disclosure.applications import submit_application as apply_for_disclosure
    from core.interaction.letters import submit_letter
    from core.interaction.models_consultations import Consultation, Opinion
    from core.services.applications import submit_application
    from core.services.models import ServiceItem
    from core.services.queries_applications import apply_item

    rsj = small_site[0]
    item = make_item(app, rsj, fields=FIELDS)
    with app.app_context(), activate_tenant(rsj.id):
        submit_application(apply_item(db.session.get(ServiceItem, item.id)), applicant_name=APPLICANT["name"],
                           id_number=APPLICANT["id_number"], phone=APPLICANT["phone"], email=APPLICANT["email"],
                           answers={"employer": APPLICANT["employer"]}, uploads={"diploma": Upload(*FILES["diploma"])})
        submit_letter("report", subject=LETTER["subject"], body=LETTER["body"], writer_name=LETTER["name"],
                      phone=LETTER["phone"], email=LETTER["email"], upload=Upload(*FILES["letter"]))
        apply_for_disclosure(applicant_kind="person", applicant_name=DISCLOSURE["name"],
                             id_number=DISCLOSURE["id_number"], phone=DISCLOSURE["phone"],
                             description=DISCLOSURE["description"], medium="electronic", delivery="post",
                             address=DISCLOSURE["address"], uploads=[Upload(*FILES["disclosure"])])
        consultation = Consultation(title="关于就业补贴办法的征求意见稿", status="published", office="就业科",
                                    open_on=date.today() - timedelta(days=3), close_on=date.today() + timedelta(days=3))
        db.session.add(consultation)
        db.session.flush()
        db.session.add(Opinion(consultation_id=consultation.id, part="第五条", body=OPINION["body"],
                               name=OPINION["name"], phone=OPINION["phone"]))
        db.session.commit()
        db.session.remove()
    return rsj


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def _personal_values(app, site_id: int) -> dict[str, str]:
    """Every planted value as the site holds it now (read through the models: decrypted)."""
    from core.disclosure.models_applications import DisclosureApplication
    from core.interaction.models import Letter
    from core.interaction.models_consultations import Opinion
    from core.services.models import Application, ApplicationFile

    with app.app_context(), activate_tenant(site_id):
        application = db.session.execute(select(Application)).scalar_one()
        letter = db.session.execute(select(Letter).where(Letter.kind == "report")).scalar_one()
        disclosure = db.session.execute(select(DisclosureApplication)).scalar_one()
        opinion = db.session.execute(select(Opinion)).scalar_one()
        material = db.session.execute(select(ApplicationFile)).scalar_one()
        found = {"applicant": (application.applicant_name, application.id_number, application.phone,
                               application.email, json.loads(application.answers)["employer"]),
                 "letter": (letter.writer_name, letter.phone, letter.email, letter.subject, letter.body,
                            letter.attachment_name),
                 "disclosure": (disclosure.applicant_name, disclosure.id_number, disclosure.phone,
                                disclosure.address, disclosure.description),
                 "opinion": (opinion.name, opinion.phone, opinion.body),
                 "material": material.filename}
        db.session.remove()
    return found


def _files(app, site_id: int) -> list[bytes]:
    with app.app_context():
        folder = upload_folder(site_id)
    return sorted(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_the_archive_holds_no_personal_data_in_clear(app, planted, tmp_path):
    archive = export_archive(app, tmp_path)
    members = _members(archive)
    raw = archive.read_bytes()
    for planted_value in planted_bytes():
        assert planted_value not in raw, planted_value.decode("utf-8", "replace")
        holding = [name for name, data in members.items() if planted_value in data]
        assert holding == [], (planted_value.decode("utf-8", "replace"), holding)
    manifest = json.loads(members["manifest.json"])
    assert manifest["format_version"] == 2 and manifest["personal_data"] == "protected"
    assert manifest["protection"]["kdf"]["name"] == "scrypt" and manifest["protection"]["cipher"] == "AES-256-GCM"
    tables = manifest["tables"]
    assert {"applicant_name", "id_number", "phone", "phone_hash", "email", "answers"} <= set(
        tables["service_applications"]["protected"])
    assert {"writer_name", "phone", "email", "subject", "body", "attachment_name", "phone_hash", "text_hash"} <= set(
        tables["interaction_letters"]["protected"])
    assert {"applicant_name", "id_number", "phone", "address", "description"} <= set(
        tables["disclosure_applications"]["protected"])
    assert set(tables["consultation_opinions"]["protected"]) == {"body", "name", "phone"}
    assert tables["audit_entries"]["protected"] == ["ip"] and tables["articles"]["protected"] == []
    assert manifest["users"]["protected"] == ["email", "password_hash"]
    sealed = sorted(path.split("/")[0] for path, entry in manifest["files"].items() if entry["protected"])
    assert sealed == ["applications", "disclosure", "letters", "letters"]  # the small site's letter's file too
    assert not any(entry["protected"] for path, entry in manifest["files"].items() if "/" not in path)
    # What the public reads stays readable (and checked as it was): an item's title, its attachment.
    assert "人事局召开全体干部大会".encode() in members["data/articles.jsonl"]
    assert any(data == PDF for name, data in members.items() if name.startswith("files/"))


def test_the_passphrase_brings_every_value_and_file_back_encrypted_with_the_targets_keys(
        app, planted, tmp_path, second_deployment):
    from cryptography.fernet import Fernet, InvalidToken

    rsj = planted
    values, files = _personal_values(app, rsj.id), _files(app, rsj.id)
    archive = export_archive(app, tmp_path)
    target = second_deployment
    with target.app_context():
        result = import_site(archive, passphrase=PASSPHRASE)
        db.session.commit()
        new_id = result.tenant.id
        db.session.remove()
    assert result.personal_data == "protected"
    assert _personal_values(target, new_id) == values
    assert _files(target, new_id) == files
    with target.app_context():  # stored encrypted with the target's key, which the source's key does not open
        token = db.session.execute(text("SELECT id_number FROM service_applications")).scalar_one()
        assert APPLICANT["id_number"] not in token
        assert Fernet(target.config["PERSONAL_DATA_KEYS"][0]).decrypt(token.encode()).decode() == \
            APPLICANT["id_number"]
        with pytest.raises(InvalidToken):
            Fernet(app.config["PERSONAL_DATA_KEYS"][0]).decrypt(token.encode())
        db.session.remove()


def test_a_wrong_or_missing_passphrase_is_refused_before_any_part_is_read(app, planted, tmp_path, monkeypatch):
    archive = export_archive(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        db.session.remove()
    opened = []
    real = zipfile.ZipFile.open

    def counting(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting)
    wrong = refused_problems(app, archive, passphrase="blue moon over the old locust tree!")  # nothing written
    assert list(wrong) == ["passphrase"]
    assert "not the passphrase the archive was exported with" in wrong["passphrase"]
    assert "Nothing was imported" in wrong["passphrase"]
    missing = refused_problems(app, archive, passphrase=None)
    assert list(missing) == ["passphrase"] and "protected by the passphrase" in missing["passphrase"]
    assert set(opened) == {"manifest.json"}  # not one row or file was read
    with app.app_context():
        assert import_site(archive, passphrase=PASSPHRASE).tenant.slug == "rsj"
        db.session.rollback()
        db.session.remove()


def test_the_passphrase_typed_in_another_normal_form_opens_the_archive(app, small_site, tmp_path):
    """The same characters typed on another system (composed or decomposed) make the same key."""
    import unicodedata

    composed = "Café au lait, 老槐树下"
    with app.app_context():
        export_site(get_tenant("rsj"), tmp_path / "rsj.site.zip", passphrase=composed)
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        result = import_site(tmp_path / "rsj.site.zip", passphrase=unicodedata.normalize("NFD", composed))
        assert result.tenant.slug == "rsj"
        db.session.rollback()
        db.session.remove()


@pytest.mark.parametrize("passphrase", [None, "", "short one", "十一个字的口令也不够长"])
def test_an_export_without_a_passphrase_long_enough_writes_nothing(app, small_site, tmp_path, passphrase):
    from core.audit.models import PlatformAuditEntry

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        with pytest.raises(ExportRefused) as refused:
            export_site(get_tenant("rsj"), tmp_path / "rsj.site.zip", passphrase=passphrase)
        db.session.rollback()
        problem = refused.value.problems["passphrase"]
        assert ("at least 12 characters" in problem) if passphrase else ("Give the passphrase" in problem)
        assert db.session.execute(select(PlatformAuditEntry).where(
            PlatformAuditEntry.action == "site.export")).first() is None
        db.session.remove()
    assert list(tmp_path.iterdir()) == []


def _sealed_rewrite(archive, target, change):
    """A copy of the archive whose letters' rows `change(rows, columns)` alters, checksums made to agree."""
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    entry = manifest["tables"]["interaction_letters"]
    rows = [json.loads(line) for line in members[entry["member"]].splitlines() if line]
    change(rows, entry["columns"])
    data = b"".join(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n" for row in rows)
    members[entry["member"]], entry["sha256"] = data, hashlib.sha256(data).hexdigest()
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(target, "w") as new:
        for name, member in members.items():
            new.writestr(name, member)
    return target


@pytest.mark.parametrize("how", ["moved to another column", "changed"])
def test_a_sealed_value_moved_or_changed_is_refused(app, planted, tmp_path, how):
    archive = export_archive(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        db.session.remove()

    def change(rows, columns):
        name, phone = columns.index("writer_name"), columns.index("phone")
        if how == "changed":
            rows[0][name] = rows[0][name][:-6] + ("AAAAAA" if not rows[0][name].endswith("AAAAAA") else "BBBBBB")
        else:
            rows[0][name] = rows[0][phone]  # the phone, shown as the writer's name

    problem = refused_problems(app, _sealed_rewrite(archive, tmp_path / "moved.zip", change))["archive"]
    assert "data/interaction_letters.jsonl" in problem and "damaged" in problem


def format_1(app, archive, target):
    """The archive as govsites wrote it before the passphrase (format 1): every value and file in clear, no
    "protected" or "protection" in the manifest."""
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    with app.app_context():
        key = ArchiveKey.open(PASSPHRASE, manifest["protection"])
    for entry in [*manifest["tables"].values(), manifest["users"], *manifest["platform"].values()]:
        protected = entry.pop("protected")
        if protected:
            rows = [json.loads(line) for line in members[entry["member"]].splitlines() if line]
            for row in rows:
                for column in protected:
                    index = entry["columns"].index(column)
                    row[index] = key.open_value(row[index], value_place(entry["member"], column))
            members[entry["member"]] = b"".join(
                json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" for row in rows)
            entry["sha256"] = hashlib.sha256(members[entry["member"]]).hexdigest()
    for entry in manifest["files"].values():
        if entry.pop("protected"):
            members[entry["member"]] = key.open_bytes(members[entry["member"]], entry["member"])
            entry["size"] = len(members[entry["member"]])
            entry["sha256"] = hashlib.sha256(members[entry["member"]]).hexdigest()
    del manifest["protection"]
    manifest.update(format_version=1, personal_data="clear")
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, member in members.items():
            new.writestr(name, member)
    return target


def test_an_archive_of_format_1_in_clear_is_still_imported_and_said_so(app, planted, tmp_path, runner):
    rsj = planted
    values, files = _personal_values(app, rsj.id), _files(app, rsj.id)
    old = format_1(app, export_archive(app, tmp_path), tmp_path / "old.site.zip")
    assert APPLICANT["id_number"].encode() in _members(old)["data/service_applications.jsonl"]  # in clear, as then
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        db.session.remove()
    before = count_everything(app), every_file(app)
    # No passphrase is asked for (none is typed), and the command says what the file held.
    result = runner.invoke(args=["backup", "import-site", str(old)])
    assert result.exit_code == 0, result.output
    assert "earlier version of govsites: its personal data was in clear" in result.output
    assert (count_everything(app), every_file(app)) != before
    with app.app_context():
        new_id = get_tenant("rsj").id
        db.session.remove()
    assert _personal_values(app, new_id) == values and _files(app, new_id) == files


def test_a_format_1_archive_claiming_sealed_parts_or_a_format_2_one_without_a_key_is_refused(app, planted,
                                                                                              tmp_path):
    archive = export_archive(app, tmp_path)
    with app.app_context():
        delete_site(get_tenant("rsj"), confirm_slug="rsj")
        db.session.commit()
        db.session.remove()
    from tests.backups.archive_helpers import rewrite_archive

    older = rewrite_archive(archive, tmp_path / "older.zip", manifest=lambda m: {**m, "format_version": 1})
    assert "damaged" in refused_problems(app, older)["archive"]
    keyless = rewrite_archive(archive, tmp_path / "keyless.zip",
                              manifest=lambda m: {k: v for k, v in m.items() if k != "protection"})
    assert "damaged" in refused_problems(app, keyless)["archive"]
    costly = rewrite_archive(archive, tmp_path / "costly.zip", manifest=lambda m: {
        **m, "protection": {**m["protection"], "kdf": {**m["protection"]["kdf"], "cost": 30}}})
    assert "damaged" in refused_problems(app, costly)["archive"]  # never made to spend 128 GiB on a key


def test_the_stored_values_are_encrypted_at_rest_in_the_source_too(app, planted):
    """The archive's sealing is on top of the encryption at rest: the database never held these in clear."""
    with app.app_context():
        stored = db.session.execute(text("SELECT id_number, phone FROM service_applications")).one()
        db.session.remove()
    assert APPLICANT["id_number"] not in stored[0] and APPLICANT["phone"] not in stored[1]
