"""The public address of an article, for the lists that show dozens of them on one page.

Why: `url_for` costs about ten microseconds a call (it matches the endpoint's rule and its converters each time),
and a site's homepage lists fifty items or more: a tenth of a page's drawing time went into building links
that differ only by their id (profile of 2026-12-03, bench/README.md). The address is built by `url_for` once
per request, and the others from it.
"""
from __future__ import annotations

from flask import has_request_context, request, url_for

_PROBE = 1
_KEY = "govsites.article_url_prefix"  # in the request's environ: one request's links


def article_url(article_id: int) -> str:
    """The path of the article `article_id` on this host: what `url_for('content.article', article_id=…)` gives
    ("/articles/42", after the app's path prefix), for an int id. Raises TypeError for anything but an int.
    Outside a request, `url_for`'s own answer (an absolute address on SERVER_NAME), asked each time."""
    if type(article_id) is not int:
        raise TypeError(f"an article id is an int, not {type(article_id).__name__}")
    if not has_request_context():
        return url_for("content.article", article_id=article_id)
    environ = request.environ
    prefix = environ.get(_KEY)
    if prefix is None:
        probe = url_for("content.article", article_id=_PROBE)
        if not probe.endswith(f"/{_PROBE}"):  # a rule that puts the id elsewhere: ask url_for every time
            return url_for("content.article", article_id=article_id)
        prefix = probe[: -len(str(_PROBE))]
        environ[_KEY] = prefix
    return f"{prefix}{article_id}"
