"""The admin inbox: messages to a person from the platform (training material, reminders, alerts), with e-mail.

Every member of staff has one inbox, whichever host they sign in on (a site's
/admin/ or the console): messages are a person's own, not a site's. A module
delivers with `core.inbox.operations.deliver` (once per person and key); the
`inbox.send_mail` job copies each new message to the person's e-mail address
when SMTP is configured (MAIL_SERVER) and they gave one on their account page.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.inbox import audit_labels, jobs, mail, views  # noqa: F401  (jobs: its @scheduled declaration)
    from core.inbox.operations import alert_failed_run
    from jobs.runs import FAILURE_HOOKS

    audit_labels.register()
    mail.init_app(app)
    views.init_app(app)
    if alert_failed_run not in FAILURE_HOOKS:
        FAILURE_HOOKS.append(alert_failed_run)
