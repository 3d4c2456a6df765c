"""Every route says where it answers and what it needs, where it is registered.

`route(bp, rule, permission=..., host=...)` adds the view to its blueprint and
records a `Rule`: the host kinds it answers on and the permission a GET (and a
change) needs. A request hook answers 404 when the host is of the wrong kind;
the auth module's guard then checks the login and the permission. A request
under /admin or /platform whose endpoint has no rule is a 404, and a
structural test fails on any endpoint without one.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, abort, g, request
from werkzeug.exceptions import BadRequest

#: Host kinds by the name a route uses: a site's host, the console's, the bare city domain.
HOSTS = {
    "site": frozenset({"site"}),
    "platform": frozenset({"platform"}),
    "portal": frozenset({"portal"}),
    "any": frozenset({"site", "platform"}),  # the sign-in pages of staff
    "public": frozenset({"site", "portal"}),  # a public page of a site or of the portal
    "all": frozenset({"site", "platform", "portal"}),  # theme files, the language switch
}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Rule:
    permission: str | None  # None: open to anyone (public pages, the login pages)
    write: str | None  # what a POST needs (defaults to `permission`)
    host: str  # a key of HOSTS

    @property
    def hosts(self) -> frozenset[str]:
        return HOSTS[self.host]

    def needed(self, method: str) -> str | None:
        return self.permission if method in SAFE_METHODS else self.write


#: endpoint -> its rule, for every route of every module.
RULES: dict[str, Rule] = {}


def route(bp: Blueprint, rule: str, *, permission: str | None, write: str | None = None, host: str = "site",
          methods=("GET",), endpoint: str | None = None):
    """Register a view on `bp` with the hosts it answers on and the permission it needs.

    `permission=None` makes the route open (a public page); `write` is what
    a POST needs when it differs from `permission`.
    """
    if host not in HOSTS:
        raise ValueError(f"unknown host kind {host!r}")
    if permission is None and write is not None:
        raise ValueError("an open route (permission=None) cannot require a permission to write")

    def decorator(view):
        name = endpoint or view.__name__
        declared = Rule(permission, write or permission, host)
        # The rule is keyed by endpoint: a second route on the same endpoint must not loosen the first.
        previous = RULES.get(f"{bp.name}.{name}")
        if previous is not None and previous != declared:
            raise ValueError(f"endpoint {bp.name}.{name} is already registered with another rule")
        bp.add_url_rule(rule, name, view, methods=list(methods))
        RULES[f"{bp.name}.{name}"] = declared
        return view

    return decorator


def current_rule() -> Rule | None:
    return RULES.get(request.endpoint or "")


class UnreadableAddress(BadRequest):
    """A URL with a control character in it: its own page (errors/400.html), not a generic bad request.

    `names` are the query parameters (and URL parts) that hold one, so an answer can say which.
    """

    def __init__(self, names: list[str] | None = None):
        super().__init__()
        self.names = names or []


def _unreadable(value: str) -> bool:
    """A value from the URL that no column or header can hold: a NUL or another control character."""
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)


def check_host():
    """404 for a route asked on a host it does not answer on, or an unregistered admin path.

    Before that, 400 for a URL whose query arguments or path parts carry a
    control character (a NUL in `?q=` reaches the database otherwise, and
    PostgreSQL refuses it): every filter and search is safe without checking.
    """
    # `next` is a redirect target: `core.i18n.safe_next` sends an unusable one home instead.
    values = [(k, v) for k, v in request.args.items(multi=True) if k != "next"]
    values += [(k, v) for k, v in (request.view_args or {}).items() if isinstance(v, str)]
    names = [k for k, v in values if _unreadable(v)]
    if names:
        raise UnreadableAddress(list(dict.fromkeys(names)))
    rule = current_rule()
    if rule is None:
        if request.path.startswith(("/admin", "/platform")) or request.endpoint is not None:
            abort(404)
        return None
    if g.get("host_kind") not in rule.hosts:
        abort(404)
    return None


def init_app(app: Flask) -> None:
    app.before_request(check_host)
