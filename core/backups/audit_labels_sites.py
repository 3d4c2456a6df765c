"""The audit log's words for a whole site's export, import and deletion (core.backups.archive_sites and _import)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details


def register() -> None:
    """Name these actions in the audit log (called from the package's `init_app`); they sit with the sites'."""
    describe_actions({
        "site.export": _l("Exported a whole site as an archive (its personal data included)"),
        "site.import": _l("Imported a site from an archive"),
        "site.delete": _l("Deleted a site with all its data and files"),
    })
    describe_details({
        "archive_rows": lazy_pgettext("audit detail", "Records"),
        "archive_files": lazy_pgettext("audit detail", "Uploaded files"),
        "archive_accounts": lazy_pgettext("audit detail", "Accounts named"),
        "source_site": lazy_pgettext("audit detail", "Exported from the site"),
        "exported_at": lazy_pgettext("audit detail", "Exported at"),
        "accounts_created": lazy_pgettext("audit detail", "Accounts created"),
        "accounts_linked": lazy_pgettext("audit detail", "Existing accounts used"),
        "platform_added": lazy_pgettext("audit detail", "Added to the platform's lists"),
        "links_restored": lazy_pgettext("audit detail", "Other sites' letters linked to it again"),
    })
