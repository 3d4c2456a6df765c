"""The platform administrators' alerts about backups: a failed backup, a verify with differences, none lately.

Each goes to every platform administrator's inbox (and e-mail when SMTP is
configured) through core.inbox, in each person's language, once per key. A
failed job run also gets the inbox's general alert; these say what went wrong.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from core.backups.labels import PROBLEMS, failure_words, problem_words, where_differences
from core.inbox.operations import alert_platform_admins

PAGE = "/platform/backups"
#: No backup finished successfully for this long: the platform administrators are told (once a day).
MISSING_AFTER_HOURS = 26


def _joined(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit})" if len(names) > limit else "")


def backup_failed(name: str, failure_json: str) -> None:
    """"The nightly backup failed: <reason>", with what to do next."""
    alert_platform_admins(
        key=f"backup-failed:{name}",
        subject=lambda user: _l("The backup %(name)s failed", name=name),
        body=lambda user: _l("The backup %(name)s failed: %(reason)s Nothing of it was kept; the earlier backups "
                             "are untouched. Once the cause is fixed, press “Back up now” on the console's backup "
                             "page or run “flask backup create” on the server.",
                             name=name, reason=failure_words(failure_json)),
        path=PAGE)


def copy_failed(name: str, failure_json: str) -> None:
    alert_platform_admins(
        key=f"backup-copy-failed:{name}",
        subject=lambda user: _l("The backup %(name)s was not copied to the second location", name=name),
        body=lambda user: _l("The backup %(name)s is complete in the backup folder, but its copy to the second "
                             "location failed: %(reason)s", name=name, reason=failure_words(failure_json)),
        path=PAGE)


def verify_failed(name: str, problems: list[dict], *, when: datetime) -> None:
    """"The verify of backup X found differences in the tables …": where, and the first differences in words."""
    tables, files = where_differences(problems)

    def body(user):
        parts = []
        if tables:
            parts.append(str(_l("in the tables %(tables)s", tables=_joined(tables))))
        if files:
            parts.append(str(_l("in the files %(files)s", files=_joined(files, 5))))
        first = " ".join(problem_words(p) for p in problems[:5] if p.get("what") in PROBLEMS)
        return _l("The verify of the backup %(name)s found %(n)s differences from its manifest (%(where)s). "
                  "%(first)s Do not rely on this backup: make a new one and verify it; the console's backup page "
                  "lists every difference.", name=name, n=len(problems), where="; ".join(parts) or "—", first=first)

    alert_platform_admins(
        key=f"backup-verify:{name}:{when:%Y%m%d%H%M%S}",
        subject=lambda user: _l("The verify of the backup %(name)s found differences", name=name),
        body=body, path=PAGE)


def verify_could_not_run(name: str, failure_json: str, *, when: datetime) -> None:
    alert_platform_admins(
        key=f"backup-verify-error:{name}:{when:%Y%m%d%H%M%S}",
        subject=lambda user: _l("The verify of the backup %(name)s could not run", name=name),
        body=lambda user: _l("The verify of the backup %(name)s could not run: %(reason)s",
                             name=name, reason=failure_words(failure_json)),
        path=PAGE)


def backup_missing(now: datetime, last: datetime | None) -> None:
    """No backup finished successfully in the last MISSING_AFTER_HOURS hours: once per day (the key has the date)."""
    if last is None:
        body = _l("No backup of the platform has finished successfully yet. Check that the scheduler runs "
                  "(“flask jobs run”) and the console's backup page, or run “flask backup create” on the server.")
    else:
        body = _l("No backup has finished successfully since %(last)s (more than %(hours)s hours ago). Check that "
                  "the scheduler runs (“flask jobs run”) and the console's backup page, or run “flask backup "
                  "create” on the server.", last=last.strftime("%Y-%m-%d %H:%M"), hours=MISSING_AFTER_HOURS)
    alert_platform_admins(key=f"backup-missing:{now:%Y-%m-%d}",
                          subject=_l("No recent backup of the platform"), body=body, path=PAGE)
