"""Scheduled publishing: items go out at their time and come down at their expiry."""
from __future__ import annotations

from core.publishing.operations import run_due
from jobs import every, for_each_site, scheduled


@scheduled(id="publishing.publish_due", trigger=every(minutes=1))
def publish_due(now):
    """Publish every site's scheduled items that are due and withdraw expired ones (idempotent)."""
    return for_each_site(lambda site: _summary(run_due(now)), include_suspended=True)


def _summary(counts: dict[str, int]) -> str:
    return f"{counts['published']} published, {counts['expired']} expired"
