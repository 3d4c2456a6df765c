"""Delivering messages to people's inboxes, and the alerts the platform's administrators get."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.auth.models import User
from core.extensions import db
from core.inbox.links import console_url
from core.inbox.mail import mail_configured
from core.inbox.models import KINDS, InboxMessage
from core.inbox.queries import platform_admins
from core.operations import audited
from core.timeutil import now
from jobs.registry import JOBS

Text = Any  # a str, a lazy string, or a callable taking the recipient and returning either


def _words(text: Text, user: User) -> str:
    value = text(user) if callable(text) else text
    return str(value)


@audited
def deliver(recipients: Iterable[User], *, key: str, kind: str, subject: Text, body: Text = "",
            link: str | Callable[[User], str] = "") -> list[InboxMessage]:
    """Put a message in each recipient's inbox, once per person and `key`, in the person's own language.

    :param recipients: the people (accounts); one who already has a message with this key is left out, so a
        job may deliver again on every run and reach only those who joined since.
    :param key: what the message is about, e.g. ``"training:12"`` (at most 120 characters).
    :param kind: one of `KINDS`.
    :param subject, body: lazy strings (or callables of the recipient returning one), rendered under
        `force_locale(user.language)`; plain text. The subject is cut to 200 characters.
    :param link: an absolute address where the person acts on the message, or a callable of the recipient.
    :returns: the new messages (none when everyone had it already). Each is queued for e-mail when SMTP is
        configured and the person gave an address; the `inbox.send_mail` job sends it.
    :raises ValueError: on an unknown kind or an over-long key (a programming error, not a user's).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    if not key or len(key) > 120:
        raise ValueError("a message key is 1 to 120 characters")
    people = {user.id: user for user in recipients if not user.is_locked}
    if not people:
        return []
    have = set(db.session.execute(select(InboxMessage.user_id).where(
        InboxMessage.key == key, InboxMessage.user_id.in_(list(people)))).scalars())
    mail = mail_configured()
    created = []
    for user_id, user in people.items():
        if user_id in have:
            continue
        with force_locale(user.language or "zh_CN"):
            message = InboxMessage(
                user_id=user_id, key=key, kind=kind, subject=_words(subject, user)[:200], body=_words(body, user),
                link=(link(user) if callable(link) else link)[:500], created_at=now(),
                email_state="pending" if mail and user.email else "none")
        db.session.add(message)
        created.append(message)
    if created:
        record("inbox.deliver", key, kind=kind, people=len(created))
    return created


@audited
def alert_platform_admins(*, key: str, subject: Text, body: Text, path: str = "") -> list[InboxMessage]:
    """An alert in every platform administrator's inbox (and e-mail), linking to `path` on the console.

    :param key: once per key (e.g. ``"backup-missing:2026-12-01"``), so a repeated check does not repeat it.
    :returns: the messages delivered.
    """
    return deliver(platform_admins(), key=key, kind="alert", subject=subject, body=body,
                   link=console_url(path) if path else "")


@audited
def alert_failed_run(run) -> None:
    """`jobs.runs.FAILURE_HOOKS` entry: tell the platform's administrators that a job run failed (or failed on
    some sites), with a link to its runs on the console."""
    job = JOBS.get(run.job_id)

    def title() -> str:  # in the recipient's language: called under their locale
        return str(job.title) if job is not None and job.title is not None else run.job_id

    failed_sites = run.outcome == "partial"
    started = run.started_at.strftime("%Y-%m-%d %H:%M")
    alert_platform_admins(
        key=f"job-run:{run.id}",
        subject=lambda user: (_l("Job “%(job)s” failed on some sites", job=title()) if failed_sites
                              else _l("Job “%(job)s” failed", job=title())),
        body=lambda user: _l("The run that started at %(started)s did not finish its work. The console's job runs "
                             "page shows the error; run it again by hand with “flask jobs run-once %(id)s” once it "
                             "is fixed.", started=started, id=run.job_id),
        path=f"/platform/jobs?job={run.job_id}")
