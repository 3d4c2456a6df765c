"""The daily security checks (网络安全): accounts, published content, uploaded files, configuration, deployed code.

Each check is a small named function in a registry (core.security.registry);
the `security.daily` job runs every site's checks and the platform's, and
keeps each finding from run to run (new, still open, resolved, accepted with
a reason). A site reads its own on /admin/security and its admin home; the
bureau reads every site's on /platform/security, and edits there the word
lists and the allowed outside hosts the content checks read.

Another module adds its own check from its `init_app` by importing a file
that declares it with `core.security.registry.check` (the registry's
docstring shows how); it must be listed after core.security in FEATURES.
A public page of its own can tell the broken-link check whether it exists
with `core.security.links.link_target`.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.security import (audit_labels, checks_accounts, checks_config, checks_content,  # noqa: F401
                               checks_files, cli, jobs, views)

    audit_labels.register()
    views.init_app(app)
    cli.init_app(app)
