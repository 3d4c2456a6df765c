"""The open-data API (开放数据接口): read-only JSON of what the public reads, per site and for the city portal.

The issue's "Feeds, sitemaps, API" asks every site and the portal to offer their published items, policies, service
items and disclosure catalogue to programs, with an OpenAPI document. The parts: `queries` (what is listed, and the
one crossing of sites, for the portal), `schemas` (parameters and answers: the document is built from them by
flask-smorest), `views` (the routes, validators, CORS, the rate limit, the human page).
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.api import views

    views.init_app(app)
