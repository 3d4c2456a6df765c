"""A bureau account's way into a site's admin: a signed link from the console, good once, for two minutes.

The information bureau's accounts sign in on the console only, so their
passwords are never typed, or tried, on a department's host. To work in a
site's admin, the console gives the signed-in account a link to that site's
host (`ticket_for`); the site's host reads it (`read_ticket`) and
`core.auth.operations.enter_from_console` opens a session there. The link
names the site, the console login it came from and the account's next
handoff number, so it works on that site only, while that login lasts, and once.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from core.auth.models import User

#: How long a link works, in seconds.
HANDOFF_SECONDS = 120
_SALT = "govsites.console-to-site"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def ticket_for(user: User, tenant_id: int) -> str:
    """The signed ticket for `user`, signed in on the console (this request's login), to enter site `tenant_id`."""
    return _serializer().dumps({"user": user.id, "site": tenant_id, "login": user.current_session.id,
                                "serial": user.handoff_serial + 1})


def read_ticket(ticket: str) -> dict | None:
    """What a ticket says, when it is one of ours and not older than HANDOFF_SECONDS; else None."""
    try:
        data = _serializer().loads(ticket, max_age=HANDOFF_SECONDS)
    except BadData:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("user", "site", "login", "serial")):
        return None
    return data
