"""Behind nginx the app believes the proxy's X-Forwarded-For and -Proto, and only then (core.web.proxy).

Without it every visitor would share the proxy's address (one rate-limit bucket for the whole city); with it
turned on where no proxy stands, anyone could choose their own address and escape the limits.
"""
from __future__ import annotations

import pytest
from flask import request

from core import create_app
from core.extensions import db, limiter


def _app_behind(app, hops: int):
    """A second app with the search limited to 2 a minute, trusting `hops` proxies. Flask-Limiter keeps its
    switch and storage on the one extension object: the suite's are put back afterwards (`_put_back`)."""
    return create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER")},
                       "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                       "SEARCH_RATE_LIMIT": "2 per minute", "PROXY_FIX_HOPS": hops})


def _put_back(behind) -> None:
    limiter.reset()
    limiter.enabled = False
    with behind.app_context():
        db.engine.dispose()


def _search(client, address: str, proto: str = "http"):
    return client.get("/search?q=通知", environ_overrides={"HTTP_HOST": "rsj.localhost", "REMOTE_ADDR": "127.0.0.1"},
                      headers={"X-Forwarded-For": address, "X-Forwarded-Proto": proto})


@pytest.mark.parametrize("hops, separate", [(1, True), (0, False)])
def test_rate_limits_count_per_client_only_behind_a_trusted_proxy(app, two_sites, hops, separate):
    behind = _app_behind(app, hops)
    try:
        client = behind.test_client()
        assert [_search(client, "203.0.113.7").status_code for _ in range(3)] == [200, 200, 429]
        # Another citizen through the same proxy: their own bucket only when the proxy is believed.
        assert _search(client, "198.51.100.9").status_code == (200 if separate else 429)
    finally:
        _put_back(behind)


@pytest.mark.parametrize("hops, seen", [(1, ("https", "203.0.113.7")), (0, ("http", "127.0.0.1"))])
def test_the_address_and_scheme_are_the_proxys_only_when_trusted(app, two_sites, hops, seen):
    """What the logs, the sessions and the visits read: the client's address and scheme behind a trusted proxy,
    the connection's own otherwise (a client talking to the app directly cannot choose them)."""
    behind = _app_behind(app, hops)
    requests = []
    behind.before_request(lambda: requests.append((request.scheme, request.remote_addr)))
    try:
        assert _search(behind.test_client(), "203.0.113.7", proto="https").status_code == 200
        assert requests == [seen]
    finally:
        _put_back(behind)


def test_a_negative_number_of_proxies_is_refused(app):
    with pytest.raises(ValueError, match="PROXY_FIX_HOPS"):
        create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER")},
                    "PROXY_FIX_HOPS": -1})
