"""The reverse proxy in front: whose `X-Forwarded-For` and `X-Forwarded-Proto` to believe (werkzeug's ProxyFix).

Behind nginx every request comes from the proxy's address, so the per-address rate limits would put the whole
city in one bucket, and the logs, the sessions' and the visits' addresses would all be the proxy's. With
PROXY_FIX_HOPS = n the app trusts the last n proxies' headers: the client's address and the scheme it used (so
HSTS is sent behind HTTPS). With 0, the default, no proxy is trusted and those headers are ignored: a client
talking to the app directly cannot pass itself off as another address. The Host header is the proxy's to pass
on as it came (nginx: `proxy_set_header Host $host`); `X-Forwarded-Host` is never read.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Wrap the WSGI app in ProxyFix when PROXY_FIX_HOPS is above 0.

    :raises ValueError: PROXY_FIX_HOPS is negative.
    """
    hops = int(app.config["PROXY_FIX_HOPS"])
    if hops < 0:
        raise ValueError("PROXY_FIX_HOPS must be 0 (no proxy trusted) or the number of proxies in front")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
