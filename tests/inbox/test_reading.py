"""What a person meets reading their inbox: a link that still works after the deployment's port or a site's
address changed, the e-mail copy saying what it is, a long message and a full inbox on a phone, and the header's
unread count read by an index."""
from __future__ import annotations

import re

from sqlalchemy import text

from core.extensions import db
from core.inbox.links import current_link
from jobs.runs import run_job
from tests.inbox.test_inbox import NOW, _deliver, _messages, _set


def test_a_stored_link_is_followed_with_todays_port_and_the_sites_primary_address(app, two_sites, public_address):
    public_address("http", "8750")
    with app.test_request_context():
        assert current_link("http://rsj.localhost/admin/training/3") == "http://rsj.localhost:8750/admin/training/3"
        assert current_link("http://rsj.localhost:8000/admin/training/3?x=1#f") == \
            "http://rsj.localhost:8750/admin/training/3?x=1#f"
        assert current_link("http://renshi.localhost:8000/admin/") == "http://rsj.localhost:8750/admin/"  # an alias
        assert current_link("http://admin.localhost/platform/jobs") == "http://admin.localhost:8750/platform/jobs"
        assert current_link("https://www.gov.cn/zhengce/") == "https://www.gov.cn/zhengce/"  # not ours: as stored
        assert current_link("javascript:alert(1)") == "" and current_link("") == ""
        assert current_link("http://[::1") == ""  # no address at all


def test_the_message_page_and_its_e_mail_link_to_where_the_site_is_served_today(app, two_sites, signed_in,
                                                                                 public_address, smtp_server):
    site, _, _ = two_sites
    client, me = signed_in(site.host, "wang.editor", site=site, roles=["editor"])
    _set(app, me.id, email="wang@rsj.example.gov.cn", language="en")
    [message] = _deliver(app, [me.id], link="http://rsj.localhost:8000/admin/training/1")  # served on 8000 then
    public_address("http", "8750")
    html = client.get(f"/admin/inbox/{message}").get_data(as_text=True)
    assert 'href="http://rsj.localhost:8750/admin/training/1"' in html and ":8000" not in html
    with app.app_context():
        assert run_job("inbox.send_mail", now=NOW).outcome == "success"
    [mail] = smtp_server.received
    assert "http://rsj.localhost:8750/admin/training/1" in mail.body
    assert mail.body.rstrip().endswith("Replies to this e-mail are not read.")  # in the person's language


def test_the_e_mail_says_what_it_is_in_chinese(app, two_sites, create_account, smtp_server):
    site, _, _ = two_sites
    wang = create_account("wang.editor", site=site, roles=["editor"])
    _set(app, wang.id, email="wang@rsj.example.gov.cn")
    _deliver(app, [wang.id], link="http://rsj.localhost/admin/training/1")
    with app.app_context():
        run_job("inbox.send_mail", now=NOW)
    [mail] = smtp_server.received
    *_, separator, footer = mail.body.splitlines()
    assert separator == "-- " and footer.startswith("这是您在全市政府网站管理后台收件箱中一条消息的副本")


def test_a_full_inbox_and_a_long_message_read_on_a_phone(app, two_sites, signed_in):
    site, _, _ = two_sites
    client, me = signed_in(site.host, "wang.editor", site=site, roles=["editor"])
    with app.app_context():
        db.session.execute(text(
            "INSERT INTO inbox_messages (user_id, key, kind, subject, body, link, created_at, email_state, "
            "email_attempts) VALUES (:user, :key, 'alert', :subject, :body, '', :at, 'none', 0)"),
            [{"user": me.id, "key": f"bulk:{n}", "subject": f"第 {n} 条提醒", "body": "短正文", "at": NOW}
             for n in range(999)])
        db.session.commit()
    [long] = _deliver(app, [me.id], key="long", body="https://example.gov.cn/" + "a" * 2000)
    page = client.get("/admin/inbox/").get_data(as_text=True)
    assert 'class="badge">1000<' in page  # every unread one counted
    assert len(re.findall(r'href="/admin/inbox/\d+"', page)) == 30  # a page at a time
    assert 'class="table stacked-table inbox"' in page  # a card per message on a phone
    assert 'data-label="收到时间"' in page and "提交时间" not in page  # received, not "submitted"
    opened = client.get(f"/admin/inbox/{long}").get_data(as_text=True)
    assert "a" * 2000 in opened and 'class="inbox-body"' in opened
    with open(app.root_path + "/../themes/default/static/admin.css", encoding="utf-8") as css:
        assert re.search(r"\.inbox-body p \{[^}]*overflow-wrap: anywhere", css.read())  # no sideways scrolling


def test_the_unread_count_is_read_through_an_index(app):
    """The count runs on every admin page: it must find a person's messages by index, not by reading them all."""
    query = "SELECT count(*) FROM inbox_messages WHERE user_id = 1 AND read_at IS NULL"
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))  # an empty table: ask whether an index would serve
            plan = " ".join(row[0] for row in conn.execute(text("EXPLAIN " + query)))
            assert "ix_inbox_messages_user_id" in plan or "uq_inbox_messages_user_key" in plan, plan
        else:
            plan = " ".join(str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + query)))
            assert "USING" in plan and "INDEX" in plan, plan
    assert _messages(app) == []
