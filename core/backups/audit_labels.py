"""The audit log's words for full backups: each run's start and end, verifies, copies, retention, restores."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values


def register() -> None:
    from core.backups.labels import COPY, TRIGGER, VERIFY

    describe_group("backups", _l("Backups"), ("backups.",))
    describe_actions({
        "backups.start": _l("Started a full backup"),
        "backups.finish": _l("A full backup was completed"),
        "backups.fail": _l("A full backup failed"),
        "backups.copy": _l("Copied a backup to the second location"),
        "backups.verify": _l("Verified a backup against its manifest"),
        "backups.remove": _l("Deleted old backups (retention)"),
        "backups.request": _l("Asked for a backup or a verify on the console"),
        "backups.take_requests": _l("The scheduler took up the backups asked for on the console"),
        "backups.reconcile": _l("Brought the list of backups in step with the backup folder"),
        "backups.restore": _l("Restored the platform from a backup"),
    }, {"backups": _l("Backups")})
    describe_details({
        "backup_trigger": lazy_pgettext("audit detail", "Started by"),
        "backup_bytes": lazy_pgettext("audit detail", "Size in bytes"),
        "backup_rows": lazy_pgettext("audit detail", "Rows"),
        "backup_failure": lazy_pgettext("audit detail", "Reason"),
        "copy_state": lazy_pgettext("audit detail", "Copy"),
        "verify_result": lazy_pgettext("audit detail", "Result"),
        "differences": lazy_pgettext("audit detail", "Differences"),
        "location": lazy_pgettext("audit detail", "Where"),
        "backups": lazy_pgettext("audit detail", "Backups"),
        "requested": lazy_pgettext("audit detail", "Asked for"),
        "requests": lazy_pgettext("audit detail", "Requests"),
        "restored_at": lazy_pgettext("audit detail", "Restored at"),
    })
    describe_values("backups.", "backup_trigger", TRIGGER)
    describe_values("backups.", "copy_state", COPY)
    describe_values("backups.", "verify_result", VERIFY)
    describe_values("backups.", "location", {"main": _l("the backup folder"), "copy": _l("the second location")})
    describe_values("backups.", "requested", {"backup": _l("a backup"), "verify": _l("a verify")})
