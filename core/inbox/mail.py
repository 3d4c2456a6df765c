"""E-mail copies of inbox messages, through Flask-Mail, when an SMTP server is configured.

MAIL_SERVER empty (the default) means no e-mail at all: messages stay in the
inbox only. Sending happens in the `inbox.send_mail` job, never in a request or
inside another job's transaction, so a slow or failing mail server delays
e-mail and nothing else. A message is tried `MAIL_ATTEMPTS` times, then marked
failed; addresses never reach the log (only message ids do).
"""
from __future__ import annotations

import logging
import smtplib
import socket
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l
from flask_mail import Mail, Message
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.inbox.links import current_link
from core.inbox.models import InboxMessage

log = logging.getLogger("govsites.inbox")
mail = Mail()
#: Tries before a message's e-mail is given up (one per run of the job).
MAIL_ATTEMPTS = 3
#: A message still unsent after this long is given up too (the inbox still has it).
MAIL_GIVE_UP_AFTER = timedelta(days=2)
#: Messages one run sends at most (the rest wait for the next run).
MAIL_BATCH = 200


def mail_configured() -> bool:
    """Whether e-mail copies are sent at all: an SMTP server is configured (MAIL_SERVER)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def _text(message: InboxMessage) -> str:
    """The e-mail's text: the message, its address, and a line saying what the e-mail is, in the person's
    language (the message itself was written in it when delivered)."""
    link = current_link(message.link)
    with force_locale(message.user.language or "zh_CN"):
        footer = str(_l("This is a copy of a message in your inbox in the administration of the city's government "
                        "websites; sign in there to act on it. Replies to this e-mail are not read."))
    return message.body + (f"\n\n{link}" if link else "") + f"\n\n-- \n{footer}\n"


def send_pending(now) -> dict[str, int]:
    """Send the e-mail copies waiting to go, over one SMTP connection; mark each sent, or count a try.

    :returns: ``{"sent": n, "failed": n}`` (failed: given up in this run).
    """
    given_up = db.session.execute(update(InboxMessage).where(
        InboxMessage.email_state == "pending", InboxMessage.created_at < now - MAIL_GIVE_UP_AFTER)
        .values(email_state="failed")).rowcount or 0
    if not mail_configured():
        return {"sent": 0, "failed": given_up}
    waiting = list(db.session.execute(select(InboxMessage).where(InboxMessage.email_state == "pending")
                                      .options(selectinload(InboxMessage.user))
                                      .order_by(InboxMessage.id).limit(MAIL_BATCH)).scalars())
    if not waiting:
        return {"sent": 0, "failed": given_up}
    sent = failed = 0
    try:
        with mail.connect() as connection:
            for message in waiting:
                address = message.user.email
                if not address:
                    message.email_state = "none"
                    continue
                try:
                    connection.send(Message(subject=message.subject, recipients=[address], body=_text(message)))
                except (smtplib.SMTPException, OSError) as error:
                    message.email_attempts += 1
                    if message.email_attempts >= MAIL_ATTEMPTS:
                        message.email_state, failed = "failed", failed + 1
                    log.warning("e-mail of inbox message %s not sent: %s", message.id, type(error).__name__)
                else:
                    message.email_state, sent = "sent", sent + 1
    except (smtplib.SMTPException, OSError, socket.timeout) as error:  # the server itself is unreachable
        for message in waiting:
            if message.email_state == "pending":
                message.email_attempts += 1
                if message.email_attempts >= MAIL_ATTEMPTS:
                    message.email_state, failed = "failed", failed + 1
        log.warning("mail server %s unreachable: %s", current_app.config.get("MAIL_SERVER"), type(error).__name__)
    return {"sent": sent, "failed": failed + given_up}


def init_app(app) -> None:
    mail.init_app(app)
