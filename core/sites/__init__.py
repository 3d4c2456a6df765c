"""Sites as the bureau and a site's administrator manage them: creation, domains, suspension, mourning, settings.

Tenancy itself (the model, host resolution, scoping, the checks) is the
`tenants` package; this module is the feature on top of it: the console's
site pages, a site's settings page, `flask tenants`, each change audited.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.sites import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.audit.describe import describe_values
    from core.sites import cli, views
    from core.sites.forms import ACCENT_LABELS, BANNER_LABELS, SITE_KIND_LABELS

    views.init_app(app)
    cli.init_app(app)
    # The audit log names a site's kind and colours, not their codes.
    describe_values("site.", "kind", SITE_KIND_LABELS)
    describe_values("site.", "accent", ACCENT_LABELS)
    describe_values("site.", "banner", BANNER_LABELS)
