"""The one place where admin and console requests are authorised.

Every route is registered with `core.web.route`, which records the host kinds
it answers on and the permission it needs; `core.web` answers 404 on a wrong
host. This hook then checks the rest before any view runs: the user logged
in, their password current, their second factor enrolled where required, and
the permission held on this site (or on the platform).
"""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_login import current_user

from core.auth.permissions import can
from core.web.routes import current_rule

#: Endpoints a user with a pending obligation may still reach.
OBLIGATION_FREE = {"auth.change_password", "auth.logout", "auth.enrol_totp", "auth.login", "auth.verify"}


def needs_totp_enrolment(user) -> bool:
    """Whether the account must set up two-step login before going on: every information-bureau account.

    Each platform role reads every site (the evaluator too), so none reaches the
    console, or a site through the console's link, on a password alone.
    """
    return user.platform_role is not None and not user.totp_enabled


def authorise():
    rule = current_rule()
    if rule is None or rule.permission is None:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if request.endpoint not in OBLIGATION_FREE:
        if current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
        if needs_totp_enrolment(current_user):
            return redirect(url_for("auth.enrol_totp"))
    if not can(current_user, rule.needed(request.method)):
        abort(403)
    return None


def init_app(app) -> None:
    app.before_request(authorise)
