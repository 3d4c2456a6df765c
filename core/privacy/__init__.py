"""Personal information (个人信息) of citizens: checked, masked wherever it is not needed, encrypted at rest.

ID numbers, mobile phones, names and files of the people who apply or write
are shown in full only to the officers who handle them. Everything else —
lists, exports for the bureau, public pages, logs — sees them masked, and a
copied database or backup holds them only encrypted, with a key kept outside
the database (Personal Information Protection Law, arts. 51 and 28). A site's
archive (core.backups) seals them, and what the modules declare personal
(`crypto.is_personal`, `crypto.PERSONAL_FOLDERS`), with a passphrase.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.privacy import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.privacy import cli, crypto, logs, masking

    crypto.init_app(app)
    logs.init_app(app)
    masking.init_app(app)
    cli.init_app(app)
