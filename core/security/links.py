"""Where a link in a published body leads: nowhere (a page that is not there), another host, or a page we serve.

An internal link (a path on the site, or an address on any host the platform
serves: the portal, the console, any site's domain or alias) is resolved the
way a request would be, without making one: the app's URL map names the view
and its arguments, the route's declared hosts say whether that view answers
on that kind of host, and a *target* registered for the view says whether
the object it shows is public (a published item, an existing section, a
published service item). A view with no target registered is taken to be
there once its URL matches (a list page, the search).

Another module adds a target for its own public pages with
`link_target("endpoint")`, the function taking the view's arguments and
returning whether the page exists for the public; it is called with the
linked site active.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from core.content.models import Attachment
from core.content.queries import public_article
from core.extensions import db
from core.sections.queries import site_sections
from core.security.words import ascii_host
from core.services.queries_guide import public_item
from core.web.routes import RULES
from tenants.hosts import registry, split_host
from tenants.scoping import active_tenant_id, activate_tenant, crosses_tenants

#: endpoint -> fn(view arguments) -> bool: whether the page shows something to the public.
LINK_TARGETS: dict[str, Callable[[dict], bool]] = {}


def link_target(endpoint: str):
    """Register whether a public page of `endpoint` exists for given view arguments (see the module's docstring)."""
    def decorator(fn):
        LINK_TARGETS[endpoint] = fn
        return fn

    return decorator


@link_target("content.article")
def _article(args: dict) -> bool:
    return public_article(args["article_id"]) is not None


@link_target("content.attachment")
def _attachment(args: dict) -> bool:
    found = db.session.execute(select(Attachment).where(Attachment.id == args["attachment_id"])).scalar_one_or_none()
    return found is not None and found.filename == args["filename"] and public_article(found.article_id) is not None


@link_target("sections.show")
def _section(args: dict) -> bool:
    return any(s.slug == args["slug"] for s in site_sections())


@link_target("services_guide.item")
def _service_item(args: dict) -> bool:
    return public_item(args["item_id"]) is not None


@dataclass(frozen=True)
class Target:
    """What a link is: "skip" (mail, a phone number, a place on the same page), "external" (another host,
    named), "internal" (one of ours) with whether it leads anywhere."""

    kind: str
    host: str = ""
    broken: bool = False


SKIPPED_SCHEMES = ("mailto", "tel", "sms", "javascript", "data", "ftp")


class LinkResolver:
    """Resolves the links of one run; what it learnt of a page is kept for the rest of the run."""

    def __init__(self):
        config = current_app.config
        base = config["BASE_DOMAIN"]
        self.portal_hosts = {base, f"www.{base}"}
        self.platform_host = f"{config['PLATFORM_HOST_LABEL']}.{base}"
        self.known: dict[tuple, bool] = {}

    def host_kind(self, host: str) -> tuple[str, int | None] | None:
        """("site", its id), ("portal", None), ("platform", None), or None for a host the platform does not serve."""
        if host in self.portal_hosts:
            return "portal", None
        if host == self.platform_host:
            return "platform", None
        found = registry().resolve(host)
        return ("site", found[0].id) if found is not None else None

    def resolve(self, url: str, *, page: str) -> Target:
        """Where `url`, written on the page at path `page` of the active site, leads."""
        url = url.strip()
        try:
            parts = urlsplit(url)
        except ValueError:
            return Target("internal", broken=True)
        scheme = parts.scheme.lower()
        if scheme in SKIPPED_SCHEMES or (scheme and scheme not in ("http", "https")):
            return Target("skip")
        if not parts.netloc and not parts.path:
            return Target("skip")  # "#part" or "?page=2": the page itself
        if parts.netloc:
            written = parts.netloc.rsplit("@", 1)[-1]
            if _ip_literal(parts.hostname):  # the platform serves names, never a bare address
                return Target("external", host=parts.hostname)
            named = split_host(written if written.isascii() else _ascii_netloc(written))
            if named is None:
                return Target("internal", broken=True)
            host = named[0]
            kind = self.host_kind(host)
            if kind is None:
                return Target("external", host=host)
            path = parts.path or "/"
        else:
            kind, host = ("site", active_tenant_id()), ""
            path = urlsplit(urljoin(page, url)).path or "/"
        return Target("internal", host=host, broken=not self.leads_somewhere(kind, unquote(path)))

    def leads_somewhere(self, kind: tuple[str, int | None], path: str) -> bool:
        key = (kind, path)
        if key not in self.known:
            self.known[key] = self._match(kind, path)
        return self.known[key]

    def _match(self, kind: tuple[str, int | None], path: str, redirects: int = 0) -> bool:
        host_kind, site_id = kind
        adapter = current_app.url_map.bind("localhost")
        try:
            endpoint, args = adapter.match(path, method="GET")
        except RequestRedirect as moved:  # a missing trailing slash: the page is there, one redirect away
            return redirects < 2 and self._match(kind, urlsplit(moved.new_url).path, redirects + 1)
        except (NotFound, MethodNotAllowed):
            return False
        rule = RULES.get(endpoint)
        if rule is None or host_kind not in rule.hosts:
            return False
        target = LINK_TARGETS.get(endpoint)
        if target is None or site_id is None:
            return True
        return _on_site(site_id, target, args)


def _ip_literal(host: str | None) -> bool:
    try:
        ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return True


def _ascii_netloc(netloc: str) -> str:
    """"政府.中国:8080" -> "xn--mxtq1m.xn--fiqs8s:8080" (what a browser asks for); "" when it cannot be."""
    host, colon, port = netloc.rpartition(":") if ":" in netloc else (netloc, "", "")
    return f"{ascii_host(host) or ''}{colon}{port}" if ascii_host(host) else ""


@crosses_tenants("a link on one site to a page of another site is looked up on that site, read only")
def _on_site(site_id: int, target: Callable[[dict], bool], args: dict) -> bool:
    """Whether `target(args)` holds on the site `site_id` (the active one, or another that a link names)."""
    if site_id == active_tenant_id():
        return target(args)
    with activate_tenant(site_id):
        return target(args)
