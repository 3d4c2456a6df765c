"""The open-data API (开放数据接口): read-only JSON of what the public reads, on every site's host and on the portal.

flask-smorest builds the OpenAPI document from the schemas (`core.api.schemas`) and checks each query string;
the routes themselves are declared with `core.web.route` like every other page (host kind, open permission).
Flask-smorest's own spec blueprint and its app-wide JSON error handler are left out (`_Api`): the document is
served by a declared route here, and every page outside the API keeps its themed error pages.

Every answer: `ETag` (a hash of the body) and, where the rows keep time, `Last-Modified` (their last change or the
registry's, whichever is later: a site suspended, resumed, renamed or deleted changes the lists that name it), with
`304` on `If-None-Match` / `If-Modified-Since`; CORS for GET (a preflight allows GET alone); a rate limit per
address over every host of the city together (`API_RATE_LIMIT`). A site's host lists its own items; the portal
lists every active site's, each naming its site. Items are read one by one on their site's host only (`api_url`),
where another site's id is not found.

Every error under `/api/` is JSON of one shape (`ErrorOut`), with the CORS headers: a parameter that does not
read (400, naming it), an address or id no route takes and an unknown section, site, item or page (404), a method
other than GET (405), the rate limit (429), a suspended site (503), a failure (500). The app's error handlers ask
this module first (`core.web.errors`), since most of these come before any view of it runs. The language of the
messages is the `lang` cookie's (`core.i18n`): an error says `Vary: Cookie`; a list or an item, the same in
every language, varies with nothing.
"""
from __future__ import annotations

import hashlib
from urllib.parse import urlencode
from datetime import datetime, timezone

from flask import current_app, g, jsonify, make_response, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint
from werkzeug.exceptions import HTTPException, NotFound

from core.api import queries
from core.api.queries import ArticleFilters, Scope, ServiceFilters
from core.api.schemas import (ArticleArgs, ArticleDetail, ArticlePage, DisclosureArgs, ErrorOut, PagingArgs,
                              PolicyArgs, SectionPage, ServiceArgs, ServiceDetail, ServicePage)
from core.extensions import db, limiter
from core.services.guide import published
from core.services.queries_guide import public_item
from core.timeutil import CITY_TZ, now
from core.web import route
from core.web.errors import answer_errors_under
from core.web.limits import city_address_key
from core.web.routes import UnreadableAddress
from tenants.hosts import public_origin, registry
from themes import render_page, site_url

bp = ApiBlueprint("api", __name__, template_folder="templates",
                  description="Open data: what the public reads on the city's government websites.")

PREFIX = "/api/v1"
#: What a browser script on another origin may read of an answer besides the simple headers.
EXPOSED_HEADERS = "ETag, Last-Modified, Link"


class _Api(Api):
    """flask-smorest without its app-wide error handler (every HTTP error of the whole app as JSON): errors under
    /api/ are answered in JSON by `_error` (through core.web.errors), the rest of the app keeps its pages
    (core.errors)."""

    def _register_error_handlers(self):
        return None


def _limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


# One bucket per address for the whole city: the portal lists every site's items, so a bucket per host would let
# one address read as much again from each site (core.web.limits.city_address_key).
limiter.shared_limit(_limit, scope="api", key_func=city_address_key("api"))(bp)


def _not_found(message: str, parameter: str | None = None) -> NotFound:
    """A 404 whose message the client reads (an unknown section, site, item or page), under the query
    parameter that named it, if one did."""
    error = NotFound()
    error.data = {"message": message, **({"parameter": parameter} if parameter else {})}
    return error


# --- answering ----------------------------------------------------------------------------------------------

def _iso(moment: datetime | None) -> str | None:
    """A stored (naive, city-time) moment with the city's offset, as the document's date-time."""
    return moment.replace(tzinfo=CITY_TZ).isoformat() if moment is not None else None


def _http_time(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=CITY_TZ).astimezone(timezone.utc) if moment is not None else None


def _last_modified(rows_changed: datetime | None) -> datetime | None:
    """The Last-Modified to send for an answer whose rows last changed at `rows_changed` (None: they keep no
    time, and the ETag alone revalidates the answer), or None to send none.

    Every answer names sites (their names, their addresses), and the portal's lists are made of the active sites:
    the registry's last change counts too. And a date is sent only once its second has passed: HTTP dates are
    whole seconds, so a change later in the same second would carry the same date, and a client that asks again
    with If-Modified-Since would be told its copy is current when it is not. Until then the ETag alone serves.
    """
    if rows_changed is None:
        return None
    moment = max(m for m in (rows_changed, registry().changed_at()) if m is not None)
    return moment if moment < now() else None


def _conditional(response, last_modified: datetime | None):
    """ETag from the body and Last-Modified (`_last_modified`), then 304 when the client's copy is current
    (werkzeug reads If-None-Match first and If-Modified-Since only without it, as RFC 9110 says).

    No Vary: the body is the same whatever the request's cookies or headers (names come in both languages)."""
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    moment = _last_modified(last_modified)
    if moment is not None:
        response.last_modified = _http_time(moment)
    response.cache_control.no_cache = True  # keep a copy, ask again each time (a 304 costs nothing)
    return response.make_conditional(request)


def _links(page: queries.Page) -> str:
    """The Link header: first, previous, next and last pages, as absolute addresses."""
    args = request.args.to_dict()
    base = _origin() + request.path

    def to(number: int, rel: str) -> str:
        return f'<{base}?{urlencode({**args, "page": str(number)})}>; rel="{rel}"'

    found = [to(1, "first")]
    if page.page > 1:
        found.append(to(min(page.page - 1, page.pages), "prev"))
    if page.page < page.pages:
        found.append(to(page.page + 1, "next"))
    found.append(to(page.pages, "last"))
    return ", ".join(found)


def _listed(page: queries.Page, items: list[dict]):
    if page.page > 1 and page.page > page.pages:
        raise _not_found(_("There is no page %(page)d: the list has %(pages)d.", page=page.page, pages=page.pages),
                         "page")
    response = jsonify({"items": items, "page": page.page, "per_page": page.per_page, "total": page.total,
                        "pages": page.pages})
    response.headers["Link"] = _links(page)
    return _conditional(response, page.last_modified)


def _origin() -> str:
    site = g.get("site")
    return public_origin(site.primary_domain if site is not None else current_app.config["BASE_DOMAIN"])


# --- where a list reads ---------------------------------------------------------------------------------

def _active_sites():
    return [s for s in registry().sites() if not s.is_suspended]


def _scope(args: dict) -> Scope:
    """The active site, or on the portal every active site (a `site` filter narrows them to one)."""
    wanted = args.get("site")
    if g.get("host_kind") == "site":
        if wanted and wanted != g.site.slug:
            raise _not_found(_("There is no site %(site)s here.", site=wanted), "site")
        return Scope()
    sites = [s.id for s in _active_sites() if not wanted or s.slug == wanted]
    if not sites:
        raise _not_found(_("There is no site %(site)s here.", site=wanted), "site")
    return Scope(tuple(sites))


def _check_section(args: dict, scope: Scope) -> None:
    if args.get("section") and not queries.section_exists(args["section"], scope):
        raise _not_found(_("There is no section %(section)s here.", section=args["section"]), "section")


def _site_ref(site_id: int) -> dict:
    site = _sites()[site_id]
    return {"slug": site.slug, "name_zh": site.name_zh, "name_en": site.name_en, "url": site_url(site)}


def _sites() -> dict:
    if "api_sites" not in g:
        g.api_sites = {s.id: s for s in registry().sites()}
    return g.api_sites


# --- shaping the rows ------------------------------------------------------------------------------------

def _article(article, section, kind: str, lists) -> dict:
    """An article as the lists show it; the columns naming people (author, editors) are never read here."""
    site = _sites()[article.tenant_id]
    item = {
        "id": article.id, "site": _site_ref(article.tenant_id),
        "section": {"slug": section.slug, "name_zh": section.name_zh, "name_en": section.name_en},
        "title": article.title, "summary": article.summary or "", "source": article.source or "",
        "published_at": _iso(article.public_at), "revised_at": _iso(article.revised_at),
        "url": site_url(site, url_for("content.article", article_id=article.id)),
        "api_url": site_url(site, url_for(f"api.{kind}_item", article_id=article.id)),
        "policy": None, "disclosure": None,
    }
    if article.policy_level:
        item["policy"] = {"level": article.policy_level, "status": article.policy_status,
                          "issuing_body": article.issuing_body or "", "document_number": article.document_number or "",
                          "issued_on": article.issued_on.isoformat() if article.issued_on else None,
                          "effective_on": article.effective_on.isoformat() if article.effective_on else None}
    if article.disclosure_category_id is not None:
        categories, subjects = lists
        item["disclosure"] = {"index_number": article.index_number,
                              "category": _named(categories.get(article.disclosure_category_id)),
                              "subject": _named(subjects.get(article.subject_id))}
    return item


def _named(row) -> dict | None:
    return {"id": row.id, "name_zh": row.name_zh, "name_en": row.name_en} if row is not None else None


def _service(item, guide: dict) -> dict:
    site = _sites()[item.tenant_id]
    return {"id": item.id, "site": _site_ref(item.tenant_id), "code": item.code, "name": item.name,
            "kind": item.kind, "theme": guide.get("theme") or "", "online_level": guide.get("online_level")
            or "in_person", "published_at": _iso(item.published_at),
            "url": site_url(site, url_for("services_guide.item", item_id=item.id)),
            "api_url": site_url(site, url_for("api.services_item", item_id=item.id))}


# --- the lists ------------------------------------------------------------------------------------------------

_ERRORS = {400: _l("The request's parameters cannot be read."), 404: _l("Not found."),
           405: _l("This address is read with GET (or HEAD) only."),
           429: _l("Too many requests from your address: wait a little and ask again."),
           500: _l("Something went wrong"), 503: _l("This site is temporarily closed for maintenance")}


def _article_list(kind: str, args: dict):
    scope = _scope(args)
    _check_section(args, scope)
    filters = ArticleFilters(section=args.get("section"), since=args.get("since"), until=args.get("until"),
                             policy_level=args.get("level"), policy_status=args.get("status"),
                             issuing_body=args.get("issuing_body", ""), document_number=args.get("document_number", ""),
                             category_id=args.get("category"), subject_id=args.get("subject"))
    page = queries.article_page(kind, filters, scope, args["page"], args["per_page"])
    lists = queries.disclosure_lists()
    return _listed(page, [_article(article, section, kind, lists) for article, section in page.rows])


def _article_item(kind: str, article_id: int):
    found = queries.public_article(kind, article_id)
    if found is None:
        raise _not_found(_("There is no such item here."))
    article, section = found
    item = _article(article, section, kind, queries.disclosure_lists())
    site = _sites()[article.tenant_id]
    item["body_html"] = article.body_html or ""
    item["attachments"] = [{"filename": a.filename, "content_type": a.content_type, "size": a.size,
                            "url": site_url(site, url_for("content.attachment", attachment_id=a.id,
                                                          filename=a.filename))} for a in article.attachments]
    last = max(m for m in (article.updated_at, article.public_at) if m is not None)
    return _conditional(jsonify(item), last)


_LIST_ERRORS = ((400, "A parameter cannot be read (its message says which and why)."),
                (404, "No such section, site or page."), (429, "Too many requests from this address."))
_ITEM_ERRORS = ((404, "No such item on this site (or not public)."), (429, "Too many requests from this address."))


def _documented(errors):
    """The answers besides 200 an operation gives: 304 on revalidation, and its errors (ErrorOut)."""

    def decorator(view):
        view = bp.alt_response(304, description="Not modified: the copy the client holds is current.")(view)
        for status, text in errors:
            view = bp.alt_response(status, schema=ErrorOut, description=text)(view)
        return view

    return decorator


@route(bp, f"{PREFIX}/articles", permission=None, host="public")
@bp.arguments(ArticleArgs, location="query", error_status_code=400, as_kwargs=False)
@bp.response(200, ArticlePage, description="Published articles, newest first.")
@_documented(_LIST_ERRORS)
def articles_list(args):
    """Published articles (信息), newest first; on the city portal, those of every active site."""
    return _article_list("articles", args)


@route(bp, f"{PREFIX}/articles/<int:article_id>", permission=None, host="site")
@bp.response(200, ArticleDetail)
@_documented(_ITEM_ERRORS)
def articles_item(article_id: int):
    """One published article of this site, with its text and files."""
    return _article_item("articles", article_id)


@route(bp, f"{PREFIX}/policies", permission=None, host="public")
@bp.arguments(PolicyArgs, location="query", error_status_code=400, as_kwargs=False)
@bp.response(200, ArticlePage, description="Published policy documents, newest first.")
@_documented(_LIST_ERRORS)
def policies_list(args):
    """Policy documents (政策文件): level, issuing body, document number, in force or repealed."""
    return _article_list("policies", args)


@route(bp, f"{PREFIX}/policies/<int:article_id>", permission=None, host="site")
@bp.response(200, ArticleDetail)
@_documented(_ITEM_ERRORS)
def policies_item(article_id: int):
    """One published policy document of this site."""
    return _article_item("policies", article_id)


@route(bp, f"{PREFIX}/disclosure", permission=None, host="public")
@bp.arguments(DisclosureArgs, location="query", error_status_code=400, as_kwargs=False)
@bp.response(200, ArticlePage, description="The disclosure catalogue's items, newest first.")
@_documented(_LIST_ERRORS)
def disclosure_list(args):
    """The government information disclosure catalogue (政府信息公开目录): filed items with their index numbers."""
    return _article_list("disclosure", args)


@route(bp, f"{PREFIX}/disclosure/<int:article_id>", permission=None, host="site")
@bp.response(200, ArticleDetail)
@_documented(_ITEM_ERRORS)
def disclosure_item(article_id: int):
    """One item of this site's disclosure catalogue."""
    return _article_item("disclosure", article_id)


@route(bp, f"{PREFIX}/services", permission=None, host="public")
@bp.arguments(ServiceArgs, location="query", error_status_code=400, as_kwargs=False)
@bp.response(200, ServicePage, description="Service items with a published guide, in the catalogue's order.")
@_documented(_LIST_ERRORS)
def services_list(args):
    """Service items (办事事项) whose guide is published."""
    scope = _scope(args)
    filters = ServiceFilters(kind=args.get("kind"), since=args.get("since"), until=args.get("until"))
    page = queries.service_page(filters, scope, args["page"], args["per_page"])
    items = []
    for (item,) in page.rows:
        items.append(_service(item, published(item) or {}))
    return _listed(page, items)


@route(bp, f"{PREFIX}/services/<int:item_id>", permission=None, host="site")
@bp.response(200, ServiceDetail)
@_documented(_ITEM_ERRORS)
def services_item(item_id: int):
    """One service item of this site with its guide as approved (办事指南)."""
    found = public_item(item_id)
    if found is None:
        raise _not_found(_("There is no such item here."))
    guide, site = found.guide, _sites()[found.item.tenant_id]
    item = _service(found.item, guide)
    for name in ("legal_basis", "conditions", "location", "office", "fee_basis", "fee_standard", "hours", "phone"):
        item[name] = guide.get(name) or ""
    for name in ("statutory_days", "promised_days"):
        item[name] = guide.get(name) if isinstance(guide.get(name), int) else None
    item["materials"] = [{"name": m.get("name") or "", "form": m.get("form") or "original",
                          "count": m.get("count") or 1, "required": bool(m.get("required")),
                          "note": m.get("note") or ""} for m in guide.get("materials") or [] if isinstance(m, dict)]
    item["steps"] = [{"title": s.get("title") or "", "description": s.get("description") or ""}
                     for s in guide.get("steps") or [] if isinstance(s, dict)]
    item["forms"] = [{"title": f.get("title") or "", "filename": f["filename"],
                      "url": site_url(site, url_for("services_guide.form_file", item_id=found.id, form_id=f["id"],
                                                    filename=f["filename"]))}
                     for f in found.forms if isinstance(f.get("id"), int) and f.get("filename")]
    return _conditional(jsonify(item), max(m for m in (found.item.updated_at, found.item.published_at) if m))


@route(bp, f"{PREFIX}/sections", permission=None, host="public")
@bp.arguments(PagingArgs, location="query", error_status_code=400, as_kwargs=False)
@bp.response(200, SectionPage, description="The sections, in each site's navigation order.")
@_documented(_LIST_ERRORS)
def sections_list(args):
    """The sections (栏目): the address name each list's `section` filter takes."""
    scope = _scope(args)
    page = queries.section_page(scope, args["page"], args["per_page"])
    items = []
    for section, parent in page.rows:
        site = _sites()[section.tenant_id]
        items.append({"site": _site_ref(section.tenant_id), "slug": section.slug, "name_zh": section.name_zh,
                      "name_en": section.name_en, "kind": section.kind, "parent": parent,
                      "url": site_url(site, url_for("sections.show", slug=section.slug))})
    return _listed(page, items)


@route(bp, f"{PREFIX}/openapi.json", permission=None, host="public")
@bp.doc(responses={"200": {"description": "This document.",
                           "content": {"application/json": {"schema": {"type": "object"}}}}})
@_documented(((429, "Too many requests from this address."),))
def openapi():
    """The OpenAPI document of this API (the same on every host; its server is the host asked)."""
    spec = dict(current_app.extensions["govsites.api"].spec.to_dict())
    spec["servers"] = [{"url": _origin()}]
    return _conditional(jsonify(spec), None)


@route(bp, "/api/", permission=None, host="public")
@bp.doc(responses={"200": {"description": "The API described for people (HTML).",
                           "content": {"text/html": {"schema": {"type": "string"}}}}})
def guide():
    """The API described for people: what it serves, the parameters, examples against this host."""
    response = make_response(render_page("api/index.html", origin=_origin(), prefix=PREFIX,
                                         portal=g.get("host_kind") == "portal", limit=_limit()))
    response.vary.add("Cookie")  # the language and the elder-friendly mode are the cookies' (core.i18n, core.web.elder)
    return response


# --- every answer of the API ----------------------------------------------------------------------------

def _problems(error: HTTPException) -> dict[str, list[str]]:
    """The refused parameters by name, each with its messages: webargs' ({location: {name: [messages]}}), a
    control character in a value (core.web.routes), or the parameter a 404 came from (`_not_found`)."""
    data = getattr(error, "data", None) or {}
    found: dict[str, list[str]] = {}
    for location in (data.get("messages") or {}).values():
        for name, messages in (location or {}).items():
            found[name] = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
    if isinstance(error, UnreadableAddress):
        for name in error.names:
            found[name] = [_("Give a value without control characters (such as the NUL byte).")]
    if data.get("parameter") and data.get("message"):
        found[data["parameter"]] = [str(data["message"])]
    return found


def _error(error: HTTPException):
    """An error under /api/ in JSON, the message in the request's language, naming every parameter refused;
    a 405, 429 or 503 keeps its headers (Allow, Retry-After); CORS as on a GET's answer."""
    if (error.code or 500) >= 500 and error.code != 503:
        db.session.rollback()
    data = getattr(error, "data", None) or {}
    errors = _problems(error)
    message = data.get("message") or (" ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()) if errors
                                      else str(_ERRORS.get(error.code, error.name)))
    body = {"code": error.code or 500, "status": error.name, "message": str(message)}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = error.code or 500
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if error.code == 429:
        response.headers.setdefault("Retry-After", "60")
    response.vary.add("Cookie")  # the language of the message is the `lang` cookie's
    return _cors(response)


@bp.after_request
def _cors(response):
    """Any origin may read the API (public data, no cookies); a preflight allows GET alone."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
    return response


def init_app(app) -> None:
    api = _Api(app, spec_kwargs={"title": "govsites open data", "version": "1", "openapi_version": "3.0.3",
                                 "info": {"description": "Read-only JSON of what the public reads on the city's "
                                                         "government websites. On a site's host: that site; on the "
                                                         "city portal: every active site."}})
    app.extensions["govsites.api"] = api
    api.register_blueprint(bp)
    answer_errors_under("/api/", _error)  # every error under /api/, whether a view of this module ran or not
