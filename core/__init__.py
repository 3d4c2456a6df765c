"""The govsites application factory."""
from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from flask import Flask

from core.config import load_config
from core.extensions import csrf, db, limiter, migrate, show_limiter_warnings

ROOT = Path(__file__).resolve().parent.parent

#: The layers, from the bottom up (ARCHITECTURE.md); import-linter holds each to importing only
#: what is below it (tests/test_layers.py). Every module's `init_app(app)` registers its routes, menu
#: entries, CLI and jobs; its `models` submodule, when it has one, is imported first, so the ORM and
#: Alembic see every table. Adding a feature is a package under core/ and one line in FEATURES.
INFRASTRUCTURE = (
    "tenants",  # first: its request hook resolves the host before any other runs
    "core.database",
    "core.web",  # the id converter, the host check, menus, the page cache: before any route
    "core.i18n",
    "themes",
    "jobs",  # `flask jobs` and the runs page; the scheduler itself runs only in `flask jobs run`
)
#: Features, each one package: models, operations, queries, forms, views, CLI, jobs, templates.
#: A feature may use those above it in this list, never those below.
FEATURES = (
    "core.audit",
    "core.privacy",  # personal information: checks, masks, encryption at rest, masked logs
    "core.auth",
    "core.inbox",  # a person's messages from the platform (training, reminders, alerts), copied by e-mail
    "core.duties",
    "core.sites",
    "core.workdays",  # the working-day calendar every deadline is counted with
    "core.sections",
    "core.content",
    "core.publishing",
    "core.disclosure",
    "core.services",
    "core.interaction",  # letters to the mailboxes, their handling, forwarding and publication
    "core.security",  # the daily security checks and their findings; other modules register checks with it
    "core.training",  # training material and good-practice examples: distributed, acknowledged, reminded
    "core.backups",  # full backups (create, verify, restore, retention) and per-site archives (export, import)
    "core.search",  # site and city search over what the public reads; entries written with their sources
    "core.feeds",  # Atom feeds of sections and news, sitemaps (a site's, the portal's index), robots.txt
    "core.api",  # the read-only open-data JSON API of every site and of the portal, with its OpenAPI document
    "core.evaluation",  # every site graded from its own data, monthly snapshots, visit statistics: reads every
                        # module above, so last
)
#: Shells: layouts, menu hosts, home pages, error pages, the demo city.
SHELLS = (
    "core.admin",
    "core.platform",
    "core.public",
    "core.portal",
    "core.errors",
    "core.demo",
)
#: Every module that takes part, in the order it is wired in.
MODULES = INFRASTRUCTURE + FEATURES + SHELLS


def import_models(name: str) -> None:
    """Import `<module>.models` when the module has one (model discovery through the modules)."""
    module = importlib.import_module(name)
    if hasattr(module, "__path__") and importlib.util.find_spec(f"{name}.models") is not None:
        importlib.import_module(f"{name}.models")


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
    show_limiter_warnings()
    for name in MODULES:
        import_models(name)
    for name in MODULES:
        importlib.import_module(name).init_app(app)
    # After the modules: the host is resolved (and a bad one refused) before CSRF reads a form.
    csrf.init_app(app)
    return app
