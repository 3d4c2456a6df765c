"""The one place where admin and console requests are authorised.

Routes are registered with `route(...)`, which records the permission they
need; a request hook checks it before any view runs: the host must be the
right kind, the user logged in, their password current, their second factor
enrolled where required, and the permission held on this site. A route under
/admin or /platform that was not registered this way answers 404.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, g, redirect, request, url_for
from flask_login import current_user

from core.auth.permissions import can

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Rule:
    permission: str | None  # None: open to anyone (the login pages)
    write: str | None
    host: str  # "site", "platform" or "any"


RULES: dict[str, Rule] = {}
#: Endpoints a user with a pending obligation may still reach.
OBLIGATION_FREE = {"auth.change_password", "auth.logout", "auth.enrol_totp", "auth.login", "auth.verify"}


def route(bp: Blueprint, rule: str, *, permission: str | None, write: str | None = None, host: str = "site",
          methods=("GET",)):
    """Register a view on `bp` together with what it requires."""

    def decorator(view):
        bp.add_url_rule(rule, view.__name__, view, methods=list(methods))
        RULES[f"{bp.name}.{view.__name__}"] = Rule(permission, write or permission, host)
        return view

    return decorator


def needs_totp_enrolment(user) -> bool:
    return user.platform_role == "platform_admin" and not user.totp_enabled


def authorise():
    rule = RULES.get(request.endpoint or "")
    if rule is None:
        if request.path.startswith(("/admin", "/platform")):
            abort(404)
        return None
    kind = g.get("host_kind")
    if (rule.host == "any" and kind not in ("site", "platform")) or (rule.host != "any" and kind != rule.host):
        abort(404)
    if rule.permission is None:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if request.endpoint not in OBLIGATION_FREE:
        if current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
        if needs_totp_enrolment(current_user):
            return redirect(url_for("auth.enrol_totp"))
    needed = rule.permission if request.method in SAFE_METHODS else rule.write
    if not can(current_user, needed):
        abort(403)
    return None


def init_app(app) -> None:
    app.before_request(authorise)
