"""Sending the e-mail copies of new inbox messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.inbox.mail import send_pending
from jobs import every, scheduled


@scheduled(id="inbox.send_mail", trigger=every(minutes=1), title=_l("Send inbox messages by e-mail"),
           description=_l("Sends a copy of each new inbox message (training material, reminders, alerts) to the "
                          "person's e-mail address, when an SMTP server is configured and they gave an address on "
                          "their account page. A message that cannot be sent is tried three times, over two days at "
                          "most; the inbox keeps it either way."),
           summary=_l("e-mails sent: %(sent)s; given up: %(failed)s"))
def send_mail(now):
    return send_pending(now)
