"""Tenancy: the site registry, host resolution, scoping, provisioning, the catalog."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from tenants import cli, hosts

    hosts.init_app(app)
    cli.init_app(app)
