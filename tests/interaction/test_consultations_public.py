"""The public side of a consultation: per-field errors with the text kept, oversize refused, a rate limit per
address, and no sender's name or mobile number on any public page (nor in the database in clear)."""
from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import text

from core.extensions import db, limiter
from tests.fixtures.accounts import csrf_token
from tests.interaction.consultation_helpers import (NAME, PHONE, clock, comment, consultation,  # noqa: F401
                                                    opinions_of, post_with_token)

NOW = datetime(2026, 3, 10, 15, 0)


def test_mistakes_are_shown_under_their_fields_and_what_was_typed_is_kept(two_sites, client_for, consultation,
                                                                          clock, app):
    rsj = two_sites[0]
    made = consultation(rsj)
    clock(NOW)
    client = client_for("rsj.localhost")
    long_text = "建议" * 1001  # 2002 characters: over the limit of 2000
    response = comment(client, made.id, {"body": long_text, "part": "第五条", "name": "王小明", "phone": "1381234"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请更正以下内容" in html
    body_errors = re.search(r'<ul class="svc-errors" id="body-errors">(.*?)</ul>', html, re.DOTALL).group(1)
    assert "2000" in body_errors
    assert 'id="phone-errors"' in html and "手机号码为11位数字" in html
    assert long_text in html and 'value="第五条"' in html and 'value="王小明"' in html  # kept
    assert opinions_of(app, rsj, made.id) == []
    empty = comment(client, made.id, {"body": "   ", "part": "", "name": "", "phone": ""})
    assert "请填写您的意见" in empty.get_data(as_text=True)
    # A character no column can hold is a message under the field, never a server error.
    control = comment(client, made.id, {"body": "意见\x00内容", "part": "\u202e第五条", "name": "", "phone": ""})
    assert control.status_code == 200 and 'id="body-errors"' in control.get_data(as_text=True)
    assert opinions_of(app, rsj, made.id) == []


def test_a_post_without_the_forms_token_is_refused(two_sites, client_for, consultation, clock, app):
    rsj = two_sites[0]
    made = consultation(rsj)
    clock(NOW)
    response = client_for("rsj.localhost").post(f"/consultations/{made.id}", data={"body": "没有令牌的意见"})
    assert response.status_code in (400, 200) and opinions_of(app, rsj, made.id) == []


def test_opinions_from_one_address_are_rate_limited(app, two_sites, consultation, monkeypatch):
    from core import create_app

    monkeypatch.setattr("core.timeutil.now", lambda: NOW)
    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "PERSONAL_DATA_KEYS", "PERSONAL_DATA_INDEX_KEY")},
                          "RATELIMIT_ENABLED": True, "CONSULTATION_COMMENT_RATE_LIMIT": "2 per minute"})
    try:
        made = consultation(two_sites[0])
        client = limited.test_client()
        host = {"HTTP_HOST": "rsj.localhost"}
        statuses = []
        for n in range(3):
            page = client.get(f"/consultations/{made.id}", environ_overrides=host)
            statuses.append(client.post(f"/consultations/{made.id}", environ_overrides=host, data={
                "csrf_token": csrf_token(page.get_data(as_text=True)), "body": f"第{n}条意见"}).status_code)
        assert statuses == [302, 302, 429]
        # Reading is not limited; another site's form counts on its own.
        assert client.get(f"/consultations/{made.id}", environ_overrides=host).status_code == 200
        other = consultation(two_sites[1])
        page = client.get(f"/consultations/{other.id}", environ_overrides={"HTTP_HOST": "czj.localhost"})
        assert client.post(f"/consultations/{other.id}", environ_overrides={"HTTP_HOST": "czj.localhost"}, data={
            "csrf_token": csrf_token(page.get_data(as_text=True)), "body": "另一网站的意见"}).status_code == 302
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_senders_names_and_phones_are_on_no_public_page_and_encrypted_at_rest(two_sites, client_for, consultation,
                                                                              clock, signed_in, app):
    rsj = two_sites[0]
    made = consultation(rsj, open_on=date(2026, 3, 1), close_on=date(2026, 3, 31))
    public = client_for("rsj.localhost")
    clock(NOW)
    assert comment(public, made.id).status_code == 302  # with NAME and PHONE
    masked = ("138****5678", "王*明", "王**")
    pages = ["/consultations/", f"/consultations/{made.id}", "/sitemap", "/"]

    def grep_public():
        for path in pages:
            html = public.get(path).get_data(as_text=True)
            assert NAME not in html and PHONE not in html, path
            assert not any(m in html for m in masked), path
            assert "建议将补贴申请时限由30日延长至60日" not in html, path  # opinions are not published one by one

    grep_public()
    with app.app_context():
        stored = db.session.execute(text("SELECT name, phone FROM consultation_opinions")).one()
    assert NAME not in stored[0] and PHONE not in stored[1]

    # The officers decide, the summary goes out: still nothing personal on the public pages.
    officer, _ = signed_in("rsj.localhost", "io.rsj", site=rsj, roles=["interaction_officer"])
    opinion = opinions_of(app, rsj, made.id)[0]
    listing = f"/admin/consultations/{made.id}/opinions"
    html = officer.get(listing).get_data(as_text=True)
    assert NAME in html and PHONE in html  # the site's interaction officer sees them in full
    clock(datetime(2026, 4, 2, 9, 0))
    post_with_token(officer, listing, f"{listing}/{opinion.id}", {f"o{opinion.id}-decision": "adopted"},
                    prefix=f"o{opinion.id}")
    summary = f"/admin/consultations/{made.id}/summary"
    assert post_with_token(officer, summary, summary, {"summary_text": "采纳了延长时限的意见。"}).status_code == 302
    grep_public()
    # Anyone else with the page sees them masked (the bureau's administrators hold every permission).
    admin, _ = signed_in("rsj.localhost", "chen.admin", platform_role="platform_admin", totp=True)
    html = admin.get(listing).get_data(as_text=True)
    assert PHONE not in html and NAME not in html and "138****5678" in html
