"""Tenancy: the site registry, host resolution, scoping, provisioning, the catalog."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from tenants import hosts

    hosts.init_app(app)

