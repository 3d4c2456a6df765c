"""The admin inbox: messages delivered once per person, in their language; read on opening; copied by e-mail."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from core.inbox.mail import MAIL_ATTEMPTS
from core.inbox.models import InboxMessage
from core.inbox.operations import deliver
from jobs import every, scheduled
from jobs.runs import run_job
from tests.fixtures.accounts import post_form
from tests.jobs.conftest import declare_job  # noqa: F401  (a fixture)

NOW = datetime(2026, 12, 1, 9, 0)


def _deliver(app, user_ids, key="training:1", **kwargs):
    with app.app_context():
        people = list(db.session.execute(select(User).where(User.id.in_(user_ids))).scalars())
        made = deliver(people, key=key, kind=kwargs.pop("kind", "training"),
                       subject=kwargs.pop("subject", _l("Training")),
                       body=kwargs.pop("body", _l("No unread messages.")), **kwargs)
        db.session.commit()
        ids = [m.id for m in made]
        db.session.remove()
        return ids


def _messages(app, **where):
    with app.app_context():
        found = list(db.session.execute(select(InboxMessage).filter_by(**where).order_by(InboxMessage.id)).scalars())
        for m in found:
            db.session.expunge(m)
        db.session.remove()
        return found


def _set(app, user_id, **values):
    with app.app_context():
        db.session.execute(db.update(User).where(User.id == user_id).values(**values))
        db.session.commit()
        db.session.remove()


def test_a_message_reaches_each_person_once_in_their_own_language(app, two_sites, create_account):
    site, _, _ = two_sites
    wang = create_account("wang.editor", site=site, roles=["editor"])
    li = create_account("li.editor", site=site, roles=["editor"])
    _set(app, li.id, language="en")
    assert len(_deliver(app, [wang.id, li.id])) == 2
    assert _deliver(app, [wang.id, li.id]) == []  # a second run reaches nobody again
    by_user = {m.user_id: m.subject for m in _messages(app)}
    assert by_user == {wang.id: "培训", li.id: "Training"}


def test_a_locked_account_gets_nothing(app, two_sites, create_account):
    site, _, _ = two_sites
    wang = create_account("wang.editor", site=site, roles=["editor"])
    _set(app, wang.id, is_locked=True)
    assert _deliver(app, [wang.id]) == []


def test_the_inbox_shows_only_ones_own_messages_and_opening_marks_read(app, two_sites, signed_in, create_account):
    site, _, _ = two_sites
    client, me = signed_in(site.host, "wang.editor", site=site, roles=["editor"])
    other = create_account("li.editor", site=site, roles=["editor"])
    [mine] = _deliver(app, [me.id])
    [theirs] = _deliver(app, [other.id], key="training:2", subject=_l("Someone else's message"))
    page = client.get("/admin/inbox/", headers={"Cookie": "lang=en"}).get_data(as_text=True)
    assert "培训" in page and "Someone else" not in page
    assert 'class="badge">1<' in page  # the header counts it as unread
    assert client.get(f"/admin/inbox/{theirs}").status_code == 404
    opened = client.get(f"/admin/inbox/{mine}", headers={"Cookie": "lang=en"})
    assert opened.status_code == 200 and "没有未读消息。" in opened.get_data(as_text=True)
    [message] = _messages(app, id=mine)
    assert message.read_at is not None
    assert 'class="badge"' not in client.get("/admin/inbox/").get_data(as_text=True)
    [still] = _messages(app, id=theirs)
    assert still.read_at is None


def test_mark_all_as_read(app, two_sites, signed_in):
    site, _, _ = two_sites
    client, me = signed_in(site.host, "wang.editor", site=site, roles=["editor"])
    _deliver(app, [me.id], key="training:1")
    _deliver(app, [me.id], key="training:2")
    response = post_form(client, "/admin/inbox/read", {}, form_path="/admin/inbox/")
    assert response.status_code == 302
    assert all(m.read_at is not None for m in _messages(app, user_id=me.id))


def test_copies_go_by_e_mail_to_those_who_gave_an_address(app, two_sites, create_account, smtp_server):
    site, _, _ = two_sites
    wang = create_account("wang.editor", site=site, roles=["editor"])
    li = create_account("li.editor", site=site, roles=["editor"])
    _set(app, wang.id, email="wang@rsj.example.gov.cn")
    _deliver(app, [wang.id, li.id], link="http://rsj.localhost/admin/training/1")
    assert {m.user_id: m.email_state for m in _messages(app)} == {wang.id: "pending", li.id: "none"}
    with app.app_context():
        run = run_job("inbox.send_mail", now=NOW)
    assert run.outcome == "success"
    [mail] = smtp_server.received
    assert mail.to == ["wang@rsj.example.gov.cn"] and mail.subject == "培训"
    assert "没有未读消息。" in mail.body
    assert "http://rsj.localhost/admin/training/1" in mail.body
    assert {m.user_id: m.email_state for m in _messages(app)} == {wang.id: "sent", li.id: "none"}
    with app.app_context():
        run_job("inbox.send_mail", now=NOW)
    assert len(smtp_server.received) == 1  # sent once


def test_a_refused_address_is_tried_a_few_times_then_given_up(app, two_sites, create_account, smtp_server):
    site, _, _ = two_sites
    wang = create_account("wang.editor", site=site, roles=["editor"])
    _set(app, wang.id, email="nobody@rsj.example.gov.cn")
    smtp_server.refuse.add("nobody@rsj.example.gov.cn")
    _deliver(app, [wang.id])
    for attempt in range(MAIL_ATTEMPTS):
        with app.app_context():
            run_job("inbox.send_mail", now=NOW + timedelta(minutes=attempt))
    [message] = _messages(app)
    assert (message.email_state, message.email_attempts) == ("failed", MAIL_ATTEMPTS)
    assert smtp_server.received == []


def test_without_a_mail_server_messages_stay_in_the_inbox(app, two_sites, create_account):
    site, _, _ = two_sites
    wang = create_account("wang.editor", site=site, roles=["editor"])
    _set(app, wang.id, email="wang@rsj.example.gov.cn")
    _deliver(app, [wang.id])
    assert [m.email_state for m in _messages(app)] == ["none"]


def test_a_failed_job_run_alerts_the_platform_administrators(app, declare_job, create_account, smtp_server):
    admin = create_account("chen.admin", platform_role="platform_admin", totp=True)
    create_account("zhao.evaluator", platform_role="evaluator")
    _set(app, admin.id, email="chen@xxzx.example.gov.cn", language="en")

    @scheduled(id="test.broken", trigger=every(minutes=1), title=_l("Back up the database"))
    def broken(now):
        raise RuntimeError("disk full")

    with app.app_context():
        assert run_job("test.broken", now=NOW).outcome == "failure"
        run_job("inbox.send_mail", now=NOW)
    [alert] = _messages(app)
    assert alert.user_id == admin.id and alert.kind == "alert"
    assert alert.subject == "Job “Back up the database” failed"
    assert alert.link.endswith("/platform/jobs?job=test.broken")
    assert [m.to for m in smtp_server.received] == [["chen@xxzx.example.gov.cn"]]


def test_the_account_page_takes_an_e_mail_address_and_refuses_a_wrong_one(app, two_sites, signed_in):
    site, _, _ = two_sites
    client, me = signed_in(site.host, "wang.editor", site=site, roles=["editor"])
    response = post_form(client, "/admin/account", {"display_name": "Wang", "language": "zh_CN",
                                                    "email": "wang at rsj"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="wang at rsj"' in page and "name@example.gov.cn" in page
    post_form(client, "/admin/account", {"display_name": "Wang", "language": "zh_CN", "email": "wang@rsj.gov.cn"})
    with app.app_context():
        assert db.session.get(User, me.id).email == "wang@rsj.gov.cn"
