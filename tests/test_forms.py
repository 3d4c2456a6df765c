"""WTForms' own messages read in the interface's language, next to the field they are about."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po

from core.forms import _wtforms_messages
from tests.fixtures.accounts import post_form

ROOT = Path(__file__).resolve().parent.parent
DUTY_FIELDS = {f"{d}_{w}": "" for d in ("publishing", "online_services", "interaction", "security", "maintenance")
               for w in ("responsible", "deputy")}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _ids(messages) -> set[str]:
    return {m if isinstance(m, str) else m[0] for m in messages}


def test_every_message_of_the_installed_wtforms_is_in_our_catalogue_in_chinese():
    with open(Path(wtforms.__file__).parent / "locale" / "wtforms.pot", "rb") as fh:
        theirs = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    listed = _ids(_wtforms_messages())
    assert sorted(theirs - listed) == []  # a WTForms upgrade brought a message: list it in core/forms.py
    with open(ROOT / "core/translations/zh/LC_MESSAGES/messages.po", "rb") as fh:
        catalogue = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(fh) if m.id}
    for message in listed:
        strings = catalogue[message].string
        for text in strings if isinstance(strings, tuple) else (strings,):
            assert CJK.search(text), message


@pytest.fixture
def site_admin(two_sites, signed_in):
    client, account = signed_in("rsj.localhost", "zhang.admin", site=two_sites[0], roles=["site_admin"])
    return client, account


def _errors_of(html: str, field_id: str) -> list[str]:
    found = re.search(rf'<ul class="errors" id="{field_id}-errors"[^>]*>(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", found.group(1)) if found else []


@pytest.mark.parametrize("bad", ["abc", "99999"])
def test_a_tampered_duty_select_says_so_in_chinese_at_the_select(site_admin, bad):
    client, _ = site_admin
    html = post_form(client, "/admin/duties/", {**DUTY_FIELDS, "security_deputy": bad}).get_data(as_text=True)
    assert _errors_of(html, "security_deputy") == ["请从列表中选择。"]
    select = re.search(r'<select[^>]*id="security_deputy"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in select and 'aria-describedby="security_deputy-errors"' in select
    assert _errors_of(html, "security_responsible") == []
    assert "Not a valid choice" not in html and "coerce" not in html


def test_a_refused_duty_shows_at_the_person_it_is_about(site_admin, create_account, two_sites):
    client, account = site_admin
    other = create_account("li.editor", site=two_sites[0], roles=["editor"])
    html = post_form(client, "/admin/duties/", {**DUTY_FIELDS, "publishing_responsible": str(other.id),
                                                "publishing_deputy": str(other.id)}).get_data(as_text=True)
    assert _errors_of(html, "publishing_deputy") == ["AB 角须为负责人以外的人员。"]
    html = post_form(client, "/admin/duties/", {**DUTY_FIELDS, "interaction_deputy": str(account.id)}
                     ).get_data(as_text=True)
    assert len(_errors_of(html, "interaction_responsible")) == 1


def test_the_settings_radio_groups_and_text_fields_say_what_is_wrong_in_chinese(site_admin):
    client, _ = site_admin
    html = post_form(client, "/admin/settings", {"sponsor_zh": "", "sponsor_en": "Personnel Bureau",
                                                 "phone": "0" * 60, "accent": "purple", "banner": "neon"}
                     ).get_data(as_text=True)
    assert _errors_of(html, "accent") == ["请从列表中选择。"] and _errors_of(html, "banner") == ["请从列表中选择。"]
    assert 'aria-describedby="accent-errors"' in html and 'aria-describedby="banner-errors"' in html
    assert _errors_of(html, "sponsor_zh") == ["此项必填。"]
    assert _errors_of(html, "phone") == ["最多 50 个字符。"]
    assert "This field" not in html and "Not a valid" not in html and "Field cannot" not in html


def test_the_english_interface_keeps_wtforms_english(site_admin):
    client, _ = site_admin
    client.set_language("en")
    html = post_form(client, "/admin/settings", {"sponsor_zh": "", "sponsor_en": "x", "accent": "purple",
                                                 "banner": "river"}).get_data(as_text=True)
    assert _errors_of(html, "accent") == ["Not a valid choice."] and _errors_of(html, "sponsor_zh") == [
        "This field is required."]


def test_a_form_sent_without_its_token_is_a_page_in_words(site_admin):
    client, _ = site_admin
    response = client.post("/admin/settings", data={"sponsor_zh": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "表单已过期" in html and "CSRF" not in html


@pytest.mark.parametrize("typed", ["sNaN", "NaN", "-Infinity", "1e3", "١٢", "１２"])
def test_a_number_not_in_the_digits_0_to_9_gets_one_message_and_never_reaches_a_range_check(app, typed):
    """Python reads all of these as numbers (a signalling NaN even makes a range check raise): each is refused,
    with one message, before any validator compares it."""
    from werkzeug.datastructures import MultiDict
    from wtforms import DecimalField, IntegerField
    from wtforms.validators import NumberRange, Optional

    from core.forms import Form

    class Figures(Form):
        class Meta:
            csrf = False

        amount = DecimalField(validators=[Optional(), NumberRange(min=0, max=100)])
        count = IntegerField(validators=[Optional(), NumberRange(min=0, max=100)])

    with app.test_request_context():
        form = Figures(formdata=MultiDict({"amount": typed, "count": "7"}))
        assert not form.validate()
        assert form.amount.errors == ["请用数字 0 至 9 填写。"]
        assert form.count.errors == []
