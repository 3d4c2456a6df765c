"""The layers hold, checked by import-linter: shells over features over infrastructure.

The contracts are built from `core.INFRASTRUCTURE`, `core.FEATURES` and
`core.SHELLS`, so a new feature module is under them the moment it is listed:

- layers: a shell may import features and infrastructure; a feature only
  features listed before it and infrastructure; infrastructure never a
  feature or a shell (`tenants` never imports `core.platform`, nor any module);
- no module imports another module's views (a feature talks to another
  through its operations and queries);
- the packages under `core` import each other without cycles.
"""
from __future__ import annotations

import importlib.util
import logging

from importlinter.cli import lint_imports

from core import FEATURES, INFRASTRUCTURE, SHELLS

#: Below every module: what they all use and that uses nothing of theirs.
BASE = ("core.operations", "core.forms", "core.text", "core.images", "core.extensions", "core.config",
        "core.timeutil", "core.database")


def _section(header: str, **options) -> str:
    """One INI section; a list value becomes an indented block, one item per line."""
    lines = [f"[{header}]"]
    for key, value in options.items():
        if isinstance(value, (list, tuple)):
            lines.append(f"{key} =")
            lines += [f"    {item}" for item in value]
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def contracts() -> str:
    """The import-linter configuration for the modules `core` lists today."""
    infrastructure = [m for m in reversed(INFRASTRUCTURE) if m != "core.database"]  # top first
    sections = [
        _section("importlinter", root_packages=["core", "tenants", "themes", "jobs"]),
        _section("importlinter:contract:layers", name="Shells over features over infrastructure",
                 type="layers", layers=[" | ".join(SHELLS), *reversed(FEATURES), *infrastructure, " : ".join(BASE)]),
        _section("importlinter:contract:tenancy", name="Tenancy imports no module of the app above it",
                 type="forbidden", source_modules=["tenants"],
                 forbidden_modules=[*FEATURES, *SHELLS, "themes", "jobs", "core.web", "core.i18n"]),
        _section("importlinter:contract:acyclic", name="The packages of core import each other without cycles",
                 type="acyclic_siblings", ancestors=["core"]),
    ]
    for module in (m for m in FEATURES if importlib.util.find_spec(f"{m}.views") is not None):
        sections.append(_section(f"importlinter:contract:views-of-{module}",
                                 name=f"No other module imports {module}.views", type="forbidden",
                                 source_modules=[m for m in (*FEATURES, *SHELLS) if m != module],
                                 forbidden_modules=[f"{module}.views"], allow_indirect_imports="True"))
    return "\n".join(sections)


def _keeping_loggers(run):
    """`run()`, then the loggers as they were: import-linter configures logging with `dictConfig`, which disables
    every logger that exists already (the app's own), so a later test in this process would see no log record."""
    loggers = [logging.getLogger(), *(logger for logger in logging.root.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger))]
    saved = [(logger, logger.disabled, logger.level, logger.propagate, list(logger.handlers)) for logger in loggers]
    try:
        return run()
    finally:
        for logger, disabled, level, propagate, handlers in saved:
            logger.disabled, logger.level, logger.propagate, logger.handlers = disabled, level, propagate, handlers


def test_the_import_contracts_hold(tmp_path, capsys):
    config = tmp_path / "importlinter.ini"
    config.write_text(contracts(), "utf-8")
    code = _keeping_loggers(lambda: lint_imports(config_filename=str(config), no_cache=True, no_logo=True))
    report = capsys.readouterr().out
    assert code == 0, report
