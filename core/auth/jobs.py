"""Jobs about login sessions (platform data: one table for every host)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from core.auth.models import UserSession
from core.extensions import db
from jobs import every, scheduled


@scheduled(id="sessions.end_idle", trigger=every(minutes=5), title=_l("End idle logins"),
           description=_l("Ends the logins nobody has used for longer than the configured idle time, so the "
                          "record of who is signed in stays true."),
           summary=_l("%(ended)s idle logins ended"))
def end_idle_sessions(now: datetime) -> dict[str, int]:
    """End the logins idle for longer than SESSION_IDLE_MINUTES.

    A request already refuses such a session; ending it here as well keeps
    "who is signed in" true for sessions nobody comes back to. Running it
    twice ends nothing more.
    """
    cutoff = now - timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    result = db.session.execute(update(UserSession)
                                .where(UserSession.ended_at.is_(None), UserSession.last_seen_at < cutoff)
                                .values(ended_at=now))
    return {"ended": result.rowcount or 0}
