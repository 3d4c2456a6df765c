"""The inbox pages (a site's /admin/inbox and the console's, the same pages) and the unread count in the header."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SubmitField

from core.extensions import db
from core.forms import Form, submitted
from core.inbox.links import current_link
from core.inbox.models import InboxMessage
from core.inbox.queries import messages_query, own_message, unread_count
from core.inbox.reading import mark_read
from core.web import page_number, route
from themes import render_page

bp = Blueprint("inbox", __name__, template_folder="templates")
PER_PAGE = 30
KIND_LABELS = {"training": _l("Training"), "reminder": _l("Reminder"), "alert": _l("Alert"),
               "security": _l("Security")}


class ReadAllForm(Form):
    submit = SubmitField(_l("Mark all as read"))


@route(bp, "/admin/inbox/", permission="account.own", host="any")
def index():
    """The person's messages, newest first; unread ones marked."""
    unread_only = request.args.get("show") == "unread"
    pagination = db.paginate(messages_query(current_user, unread_only=unread_only), page=page_number(),
                             per_page=PER_PAGE, error_out=False)
    return render_page("inbox/index.html", pagination=pagination, unread_only=unread_only,
                       kind_labels=KIND_LABELS, form=ReadAllForm())


@route(bp, "/admin/inbox/<int:message_id>", permission="account.own", host="any")
def message(message_id: int):
    """One message, marked read as it is opened. Another person's message is not found."""
    found: InboxMessage | None = own_message(current_user, message_id)
    if found is None:
        abort(404)
    if found.read_at is None:
        mark_read(current_user, [found.id])
        db.session.commit()
    return render_page("inbox/message.html", message=found, link=current_link(found.link), kind_labels=KIND_LABELS)


@route(bp, "/admin/inbox/read", permission="account.own", host="any", methods=("POST",))
def read_all():
    submitted(ReadAllForm())
    changed = mark_read(current_user)
    db.session.commit()
    if changed:
        flash(str(_l("All messages marked as read.")), "success")
    return redirect(url_for("inbox.index"))


def _header_context() -> dict:
    """`inbox_unread()` for the admin header: the signed-in person's unread count (0 when nobody is)."""
    def inbox_unread() -> int:
        if not getattr(current_user, "is_authenticated", False):
            return 0
        return unread_count(current_user)

    return {"inbox_unread": inbox_unread}


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.context_processor(_header_context)
