"""Personal information: real ID and mobile numbers only, masked where not needed, encrypted at rest, never logged."""
from __future__ import annotations

import logging
from datetime import date

import pytest

from core.privacy.checks import id_check_character, id_number_problem, is_mobile, normalise_mobile
from core.privacy.masking import mask_email, mask_id_number, mask_name, mask_personal_text, mask_phone

# GB 11643's own example number, and one with an X check character.
VALID_IDS = ("11010519491231002X", "110101199003074477", "131000198506151233")


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers_pass(number):
    assert id_number_problem(number, today=date(2026, 11, 30)) is None
    assert id_number_problem(number.lower(), today=date(2026, 11, 30)) is None


@pytest.mark.parametrize("number, problem", [
    ("110105194912310021", "check"),     # the last character mistyped
    ("11010519481231002X", "check"),     # one digit of the year mistyped (1949 → 1948)
    ("11010519491231002", "format"),     # 17 characters
    ("1101051949123100２X", "format"),   # a full-width digit
    ("011010519491231002", "format"),    # no region starts with 0
    ("110105194902301234", "birth_date"),  # 30 February
    ("110105203001011234", "birth_date"),  # born in 2030
])
def test_wrong_id_numbers_say_what_is_wrong(number, problem):
    assert id_number_problem(number, today=date(2026, 11, 30)) == problem


def test_the_check_character_is_iso_7064_mod_11_2():
    assert id_check_character("11010519491231002") == "X"
    assert id_check_character("11010119900307447") == "7"


@pytest.mark.parametrize("raw, ok", [("13812345678", True), ("+86 138-1234-5678", True), ("0086 19912345678", True),
                                     ("12812345678", False), ("1381234567", False), ("0316-2222222", False)])
def test_mobile_numbers(raw, ok):
    assert is_mobile(raw) is ok
    if ok:
        assert len(normalise_mobile(raw)) == 11


def test_masks():
    assert mask_id_number("110101199003074477") == "1101**********4477"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张**" and mask_name("") == ""
    assert mask_email("zhangsan@example.com") == "z*******@example.com"


def test_personal_numbers_in_free_text_are_masked_and_other_numbers_kept():
    text = ("我的身份证号11010519491231002X，手机+86 138-1234-5678，单号123456789012345678，"
            "办公电话0316-2222222，文号廊政〔2026〕8号。")
    masked = mask_personal_text(text)
    assert "1101**********002X" in masked and "138****5678" in masked
    # 18 ID-shaped digits are masked whatever their check digit (a mistyped ID number is still one).
    assert "1234**********5678" in masked and "123456789012345678" not in masked
    assert "0316-2222222" in masked and "廊政〔2026〕8号" in masked
    assert "11010519491231002X" not in masked and "1234-5678" not in masked


@pytest.mark.parametrize("line", [
    "GET /admin/services/applications/?q=139+1234+5678 HTTP/1.1",
    "GET /admin/services/applications/?q=%28139%2912345678 HTTP/1.1",
    "GET /?q=%2B86%20139%201234%205678",
    "GET /?q=%31%33%39%31%32%33%34%35%36%37%38",
    "GET /?q=11010519491231002x",
    "tel (139)12345678 / 139.1234.5678",
])
def test_a_log_line_quoting_a_url_is_masked_however_the_number_is_written(line):
    from core.privacy.logs import mask_log_line

    masked = mask_log_line(line)
    assert "1234" not in masked.replace("139****5678", "").replace("1101**********002", ""), masked
    assert "****" in masked


def test_a_log_line_without_personal_data_is_left_as_sent():
    from core.privacy.logs import mask_log_line

    line = "GET /sections/news/?page=2&q=%E7%A4%BE%E4%BF%9D+%E6%94%BF%E7%AD%96 HTTP/1.1"
    assert mask_log_line(line) == line


def test_log_records_are_masked(app, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("govsites.test").info("query by %s with %s", "13812345678", "11010519491231002X")
    assert "13812345678" not in caplog.text and "11010519491231002X" not in caplog.text
    assert "138****5678" in caplog.text


def test_encrypted_at_rest_and_found_by_a_keyed_hash(app):
    from core.privacy.crypto import decrypt, encrypt, lookup_hash, reencrypt

    with app.app_context():
        token = encrypt("11010519491231002X")
        assert "11010519491231002X" not in token and decrypt(token) == "11010519491231002X"
        assert encrypt("13812345678") != encrypt("13812345678")  # no two tokens alike
        assert lookup_hash("13812345678", "a.phone") == lookup_hash("13812345678", "a.phone")
        assert lookup_hash("13812345678", "a.phone") != lookup_hash("13812345678", "b.phone")
        # A new key in front: old values still open, and rotation moves them to the new key.
        from cryptography.fernet import Fernet

        old_keys = app.config["PERSONAL_DATA_KEYS"]
        new = Fernet.generate_key().decode()
        app.config["PERSONAL_DATA_KEYS"] = (new, *old_keys)
        try:
            assert decrypt(token) == "11010519491231002X"
            rotated = reencrypt(token)
            app.config["PERSONAL_DATA_KEYS"] = (new,)
            assert decrypt(rotated) == "11010519491231002X"
        finally:
            app.config["PERSONAL_DATA_KEYS"] = old_keys


def test_a_missing_key_refuses_rather_than_storing_in_the_clear(app):
    from core.privacy.crypto import PersonalDataKeyError, encrypt

    with app.app_context():
        keys = app.config["PERSONAL_DATA_KEYS"]
        app.config["PERSONAL_DATA_KEYS"] = ("not-a-key",)
        try:
            with pytest.raises(PersonalDataKeyError):
                encrypt("13812345678")
        finally:
            app.config["PERSONAL_DATA_KEYS"] = keys


def test_form_validators_explain_and_normalise(app):
    from wtforms import Form, StringField

    from core.privacy.forms import IdNumber, MobilePhone

    class Applicant(Form):
        id_number = StringField(validators=[IdNumber()])
        phone = StringField(validators=[MobilePhone()])

    with app.test_request_context():
        form = Applicant(data={"id_number": " 11010519491231002x ", "phone": "+86 138 1234 5678"})
        assert form.validate() and form.id_number.data == "11010519491231002X" and form.phone.data == "13812345678"
        form = Applicant(data={"id_number": "110105194912310021", "phone": "0316-2222222"})
        assert not form.validate()
        assert "逐位核对" in form.id_number.errors[0] and "11位数字" in form.phone.errors[0]  # Chinese by default


def test_text_is_masked_for_publication():
    from core.privacy.masking import mask_for_publication

    text = ("我叫张三丰，身份证110105194912310021X号有误，正确为11010519491231002X，旧证130503670401001，"
            "手机+86 138-1234-5678，座机(0316)2011234或010-12345678，邮箱zhang.san@example.com。张三丰敬上")
    masked = mask_for_publication(text, ["张三丰"])
    assert "张三丰" not in masked and masked.count("张**") == 2
    assert "1101**********002X" in masked and "1305*******1001" in masked
    assert "138****5678" in masked and "0316-*****34" in masked and "010-******78" in masked
    assert "z********@example.com" in masked
    # An 18-digit number whose check digit fails (an order number) and a date stay as they are.
    assert "110105194912310021X" in masked or "110105194912310021" in masked
    assert mask_for_publication("2026-02-14 办结，电话12345") == "2026-02-14 办结，电话12345"
    # Masking is stable: masked text masked again is the same.
    assert mask_for_publication(masked, ["张三丰"]) == masked


MASKING_CASES = [
    # (what the writer typed, what must not be published, what is published instead)
    ("身份证号110101199003071234", "110101199003071234", "1101**********1234"),
    ("身份证号11010119900307123X（校验位错）", "11010119900307123X", "1101**********123X"),
    ("全角身份证１１０１０１１９９００３０７１２３４", "１１０１０１１９９００３０７１２３４", "1101**********1234"),
    ("身份证 110101 19900307 123X", "19900307", "1101**********123X"),
    ("身份证 110101-19900307-1234", "19900307", "1101**********1234"),
    ("身份证 1101 0119 9003 0712 34", "9003 0712", "1101**********1234"),
    ("旧证110101900307123", "110101900307123", "1101*******7123"),
    ("卡号6222021234567890123", "6222021234567890123", "6222***********0123"),
    ("手机13812345678", "13812345678", "138****5678"),
    ("手机138 1234 5678", "1234 5678", "138****5678"),
    ("手机+86-138-1234-5678", "1234-5678", "138****5678"),
    ("手机(+86)13812345678", "13812345678", "138****5678"),
    ("手机138‐1234‐5678", "1234‐5678", "138****5678"),
    ("手机138‑1234‑5678", "1234‑5678", "138****5678"),
    ("手机138–1234–5678", "1234–5678", "138****5678"),
    ("手机138—1234—5678", "1234—5678", "138****5678"),
    ("手机138－1234－5678", "1234－5678", "138****5678"),
    ("全角手机１３８１２３４５６７８", "１３８１２３４５６７８", "138****5678"),
    ("手机138\u200b1234\u200c5678", "5678\u200c", "138****5678"),
    ("座机0316-2011234", "2011234", "0316-*****34"),
    ("座机(0316)2011234", "2011234", "0316-*****34"),
    ("座机0316 201 1234", "201 1234", "0316-*****34"),
    ("座机010—12345678", "12345678", "010-******78"),
    ("电话2011234", "2011234", "电话*****34"),
    ("座机：20112345", "20112345", "座机：******45"),
    ("联系方式 201-1234", "201-1234", "联系方式 *****34"),
    ("tel 2011234", "2011234", "tel *****34"),
    ("QQ号 123456789", "123456789", "QQ号 *******89"),
    ("邮箱zsf@example.com", "zsf@example.com", "z**@example.com"),
    ("邮箱ｚｓｆ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｚｓｆ", "z**@example.com"),
    ("我叫张三丰", "张三丰", "我叫张**"),
    ("联系人张\u200d三丰", "三丰", "联系人张**"),
    ("落款：张 三 丰", "三 丰", "落款：张**"),
]


@pytest.mark.parametrize("typed, hidden, shown", MASKING_CASES)
def test_every_written_form_is_masked_for_publication(typed, hidden, shown):
    from core.privacy.masking import mask_for_publication

    masked = mask_for_publication(typed, ["张三丰"])
    assert hidden not in masked and shown in masked, masked
    assert mask_for_publication(masked, ["张三丰"]) == masked  # masking masked text changes nothing


def test_publication_drops_hidden_characters_and_keeps_numbers_that_are_not_personal():
    from core.privacy.masking import mask_for_publication

    kept = "依据廊政〔2026〕8号文件，2026年3月1日起（2026-03-01，20260301）执行，咨询热线12345，第5条。"
    assert mask_for_publication(kept) == kept
    assert mask_for_publication("答复\u200b如下\u202e。\ufeff") == "答复如下。"
    # Full-width punctuation around a masked number stays as written.
    assert mask_for_publication("（手机：１３８１２３４５６７８）") == "（手机：138****5678）"


def test_a_masked_access_log_line_keeps_its_time_zone_and_plus_signs_outside_the_query():
    from core.privacy.logs import mask_log_line

    line = ('127.0.0.1 - - [01/Dec/2026:08:38:27 +0000] "GET /a+b/?q=138+1234+5678 HTTP/1.1" 200 512 '
            '"-" "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0+"')
    masked = mask_log_line(line)
    assert "[01/Dec/2026:08:38:27 +0000]" in masked and "/a+b/" in masked and "Chrome/120.0+" in masked
    assert "138 1234 5678" not in masked and "****" in masked
