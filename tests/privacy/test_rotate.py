"""`flask privacy rotate` end to end: a new key put in front, the CLI re-encrypts what is stored, the old key is
dropped, and the data still reads (README, "Personal information and its keys")."""
from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, text

from core.audit.models import PlatformAuditEntry
from core.extensions import db
from core.privacy.crypto import encrypted_columns
from core.services.models import Application
from tests.services.application_helpers import ID_NUMBER, PHONE, apply


def _stored(app) -> dict[str, str]:
    """The raw tokens of the application's encrypted columns, as a copied database holds them."""
    with app.app_context():
        row = db.session.execute(text("SELECT applicant_name, id_number, phone, answers FROM service_applications")
                                 ).mappings().one()
        db.session.remove()
        return dict(row)


def test_a_cli_rotation_reencrypts_every_value_and_the_old_key_can_go(app, runner, two_sites, online_item,
                                                                      client_for, officer_of):
    rsj = two_sites[0]
    item = online_item(rsj)
    assert apply(client_for("rsj.localhost"), item.id).status_code == 302
    officer = officer_of(rsj)
    with app.app_context():
        application_id = db.session.execute(select(Application.id).execution_options(all_tenants=True)).scalar_one()
        db.session.remove()
    old = app.config["PERSONAL_DATA_KEYS"]
    new = Fernet.generate_key().decode("ascii")
    before = _stored(app)
    try:
        # The new key first, the old one after it (the README's order): values are still read with the old one.
        app.config["PERSONAL_DATA_KEYS"] = (new, *old)
        result = runner.invoke(args=["privacy", "rotate"])
        assert result.exit_code == 0, result.output
        assert "service_applications.applicant_name: 1 values re-encrypted" in result.output
        assert "service_applications.id_number: 1 values re-encrypted" in result.output
        after = _stored(app)
        for column, token in after.items():
            assert token != before[column], column
            # Written with the new key: it opens them, the old one no longer does.
            assert Fernet(new).decrypt(token.encode()) == Fernet(old[0]).decrypt(before[column].encode())
            with pytest.raises(InvalidToken):
                Fernet(old[0]).decrypt(token.encode())
        assert json.loads(Fernet(new).decrypt(after["answers"].encode()))["employer"] == "廊坊市第一中学"

        # The old key dropped: the officer's page reads the applicant's data in full as before.
        app.config["PERSONAL_DATA_KEYS"] = (new,)
        page = officer.get(f"/admin/services/applications/{application_id}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "王小明" in html and ID_NUMBER in html and PHONE in html and "廊坊市第一中学" in html
    finally:
        app.config["PERSONAL_DATA_KEYS"] = old
    # The rotation is in the platform's audit log, one entry per column, saying how many values it rewrote.
    with app.app_context():
        entries = db.session.execute(select(PlatformAuditEntry.target, PlatformAuditEntry.detail).where(
            PlatformAuditEntry.action == "privacy.rotate")).all()
        db.session.remove()
    counts = {target: (json.loads(detail) if isinstance(detail, str) else detail)["values"]
              for target, detail in entries}
    with app.app_context():
        every = {f"{table}.{column}" for table, column in encrypted_columns(db.metadata)}
    assert set(counts) == every and "interaction_letters.phone" in every
    assert {target for target, n in counts.items() if n} == {
        f"service_applications.{column}" for column in ("applicant_name", "id_number", "phone", "email", "answers")}
