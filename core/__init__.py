"""The govsites application factory."""
from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

from core.config import load_config
from core.extensions import csrf, db, limiter, migrate

ROOT = Path(__file__).resolve().parent.parent

#: Every module that takes part, in the order it is wired in. Tenancy comes
#: first: its request hook must run before any other.
MODULES = (
    "tenants",
    "core.database",
    "core.i18n",
    "themes",
    "core.auth",
    "core.admin",
    "core.publishing",
    "core.platform",
    "core.sections",
    "core.content",
    "core.public",
    "core.portal",
    "core.errors",
    "core.demo",
    "jobs",  # the job registry and `flask jobs`; the scheduler itself runs only in `flask jobs run`
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config from instance/ and the environment, then every module."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "themes"),
        static_folder=None,
    )
    load_config(app, config)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "core" / "migrations"), render_as_batch=True, compare_type=True)
    limiter.init_app(app)
    for name in MODULES:
        importlib.import_module(name).init_app(app)
    # After the modules: the host is resolved (and a bad one refused) before CSRF reads a form.
    csrf.init_app(app)
    return app
