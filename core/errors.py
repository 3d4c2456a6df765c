"""Error pages: themed on a known host, plain anywhere else; a refused operation of a role is a 403.

Every error met on a staff page (a site's /admin/ pages, the console) is
drawn in the admin layout, with a way back into the admin (`errors/admin_*.html`):
a public page's layout and its "back to the homepage" would lead staff out.
A refusal there (403) gives the reason in words: the refusing operation's own
message (`OperationForbidden`), the description a view gave
(`abort(403, description=...)`), or, for a page the route's permission keeps
out, which roles it needs and which the person has.

Every handler first asks whether the part of the address space the request is in answers its errors itself
(`core.web.errors`: the open-data API under /api/, in JSON), whatever the error and wherever it arose.
"""
from __future__ import annotations

from functools import wraps

from flask import Flask, Response, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, Forbidden, HTTPException, InternalServerError, ServiceUnavailable

from core.extensions import db
from core.operations import OperationForbidden
from core.web.errors import module_answer
from core.web.routes import UnreadableAddress, current_rule
from tenants.hosts import SiteSuspended


#: Retry-After of the page shown while the database cannot be reached, in seconds.
UNAVAILABLE_RETRY_SECONDS = 30
#: PostgreSQL's SQLSTATEs of a server out of reach: connection exceptions (class 08), the server shutting down or
#: restarting (57P01–57P03), too many connections (53300).
_UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")
#: SQLite's words for a database file out of reach for now.
_UNREACHABLE_SQLITE = ("database is locked", "unable to open database")


def unreachable(error: OperationalError) -> bool:
    """Whether `error` says the database is out of reach for now (worth a 503 and trying again), not that a
    statement of ours is wrong: a connection lost or refused (no SQLSTATE: the server never answered), a SQLSTATE
    of `_UNREACHABLE_STATES`, SQLite's locked or unopenable file."""
    if getattr(error, "connection_invalidated", False):
        return True
    orig = getattr(error, "orig", None)
    if type(orig).__module__.startswith("sqlite3"):
        return any(words in str(orig).lower() for words in _UNREACHABLE_SQLITE)
    state = getattr(orig, "sqlstate", None)
    return state is None or state.startswith(_UNREACHABLE_STATES)


def _page(status: int, template: str, headers: dict | None = None, plain: str | None = None, **context):
    """`template`, answered with `status` and `headers`; plain text (`plain`, or a word) on a host that is no site,
    or when the theme fails."""
    text = plain or ("Not Found" if status == 404 else "Error")
    if g.get("host_kind") not in ("site", "portal", "platform"):
        return Response(text, status=status, headers=headers, mimetype="text/plain")
    from themes import render_page

    try:
        return render_page(template, **context), status, headers or {}
    except Exception:  # the theme itself failed (or what it reads): still answer, plainly
        db.session.rollback()
        return Response(text, status=status, headers=headers, mimetype="text/plain")


def _themed(status: int, name: str | None = None, headers: dict | None = None, plain: str | None = None, **context):
    """The error page `errors/<name>.html` (`name` defaults to the status); on a staff page, `errors/admin_<name>.html`."""
    name = name or str(status)
    if _in_admin():
        from themes import render_page

        try:
            return render_page(f"errors/admin_{name}.html", admin_home=_admin_home(), **context), status, \
                headers or {}
        except Exception:  # the admin layout itself failed: still answer, in the site's own pages
            db.session.rollback()
    return _page(status, f"errors/{name}.html", headers, plain, **context)


def _too_many(error: HTTPException):
    """429: how long to wait, from the limit that was hit (its window), in whole minutes; also as Retry-After."""
    try:
        seconds = int(error.limit.limit.get_expiry())
    except (AttributeError, TypeError, ValueError):
        seconds = 60
    minutes = max(1, -(-seconds // 60))
    return _themed(429, minutes=minutes, headers={"Retry-After": str(seconds)})


def _in_admin() -> bool:
    """Whether the request is a staff page: a site's /admin/ pages or the console (signed in or not)."""
    kind = g.get("host_kind")
    path = request.path
    return kind == "platform" or (kind == "site" and (path == "/admin" or path.startswith("/admin/")))


def _admin_home() -> str:
    """The way back into the admin: the site's admin home, or the console's (the sign-in when signed out)."""
    from flask import url_for

    from core.web.menus import home_endpoint

    return url_for(home_endpoint("site" if g.get("host_kind") == "site" else "platform"))


def _role_reason() -> str:
    """Why the route's permission keeps the person out: the roles that have it, and theirs."""
    from core.auth.forms import role_label
    from core.auth.permissions import SITE_PERMISSIONS, site_roles

    rule = current_rule()
    needed = rule.needed(request.method) if rule else None
    if g.get("host_kind") == "platform":
        if current_user.platform_role == "evaluator":
            return _("Your account reads the console and every site, and changes nothing.")
        return _("This is for the information bureau's administrators.")
    if current_user.platform_role == "evaluator":
        return _("Your account reads every site, and changes nothing.")
    granting = [role_label(role) for role, granted in SITE_PERMISSIONS.items() if needed in granted]
    mine = [role_label(role) for role in sorted(site_roles(current_user))]
    reason = _("This needs one of these roles on this site: %(roles)s.", roles=", ".join(granting)) if granting \
        else _("Your roles on this site do not allow this.")
    have = _("Your roles here: %(roles)s.", roles=", ".join(mine)) if mine else _("You have no role on this site.")
    return f"{reason} {have}"


def _forbidden(reason: str | None):
    if _in_admin() and not reason:
        try:
            signed_in = getattr(current_user, "is_authenticated", False)
            reason = _role_reason() if signed_in else _("Sign in with an account that may do this.")
        except Exception:  # the roles could not be read: still refuse, in general words
            db.session.rollback()
            reason = _("Your roles on this site do not allow this.")
    return _themed(403, reason=reason)


def _owned(handler):
    """`handler`, unless the module that owns the request's address answers errors itself (`core.web.errors`:
    the open-data API, in JSON)."""

    @wraps(handler)
    def wrapper(error):
        answer = module_answer(error)
        return answer if answer is not None else handler(error)

    return wrapper


def _as_it_is(error: HTTPException):
    """Any other HTTP error (a 405, ...): Werkzeug's own answer, as Flask gives it without a handler."""
    return error


def init_app(app: Flask) -> None:
    for status in (404, 413):
        app.register_error_handler(status, _owned(lambda _error, status=status: _themed(status)))
    app.register_error_handler(429, _owned(_too_many))

    def forbidden(error: Forbidden):
        custom = error.description if error.description != Forbidden.description else None
        return _forbidden(custom)

    def bad_request(_error: HTTPException):
        """A request a page cannot use (an action's form that does not check out): in words, not Werkzeug's."""
        return _themed(400, "bad_request")

    def unreadable(_error: HTTPException):
        return _themed(400)

    def form_expired(_error: CSRFError):
        """A form without its token, or with an expired one: say so in words, not Flask-WTF's English."""
        return _themed(400, "form_expired")

    def suspended(error: HTTPException):
        return _page(503, "maintenance.html", dict(error.get_headers()))

    def server_error(_error):
        db.session.rollback()
        return _themed(500)

    def database_unavailable(error: OperationalError):
        """The database out of reach (`unreachable`: a restart, a failover, too many connections, a lock waited
        out): 503 with Retry-After, so a client or a proxy knows to come back; what the request was doing rolled
        back. The pool checks each connection before use (pool_pre_ping), so the next request after the database
        is back succeeds without a restart. Any other OperationalError (a missing table, a deadlock, a cancelled
        statement) is a fault of ours: logged with its traceback, the 500 page."""
        try:
            db.session.rollback()
        except Exception:
            db.session.remove()
        if not unreachable(error):
            app.logger.error("Exception on %s [%s]", request.path, request.method, exc_info=error)
            return _owned(server_error)(InternalServerError(original_exception=error))
        app.logger.warning("database unavailable: %s", str(getattr(error, "orig", error)).strip()[:300])
        headers = {"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)}
        plain = _("The site is briefly unavailable") + "\n"
        try:
            answer = module_answer(ServiceUnavailable(retry_after=UNAVAILABLE_RETRY_SECONDS))  # the API: in JSON
            return answer if answer is not None else _themed(503, "unavailable", headers, plain)
        except Exception:  # the host map itself needs the database: say it plainly
            db.session.remove()
            return Response(plain, status=503, headers=headers, mimetype="text/plain")

    for error, handler in ((Forbidden, forbidden), (BadRequest, bad_request), (UnreadableAddress, unreadable),
                           (CSRFError, form_expired), (SiteSuspended, suspended), (500, server_error),
                           (HTTPException, _as_it_is)):
        app.register_error_handler(error, _owned(handler))
    app.register_error_handler(OperationalError, database_unavailable)  # answers the API's form itself

    @app.errorhandler(OperationForbidden)
    def forbidden_operation(error: OperationForbidden):
        db.session.rollback()
        return _forbidden(error.message)
