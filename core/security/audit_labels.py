"""The audit log's words for the security checks: runs, acceptances, the bureau's lists, the baseline."""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask_babel import lazy_gettext as _l

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values
from core.security.labels import SEVERITY_LABELS
from core.security.registry import CHECKS


class _RuleTitles(Mapping):
    """A rule's key as its check's title, read when the log is shown (checks of later modules included)."""

    def __getitem__(self, key):
        return CHECKS[key].title

    def __iter__(self) -> Iterator[str]:
        return iter(CHECKS)

    def __len__(self) -> int:
        return len(CHECKS)


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("security", _l("Security checks"), ("security.",))
    describe_actions({
        "security.run": _l("Ran the security checks"),
        "security.accept": _l("Accepted a security finding"),
        "security.words_save": _l("Changed the forbidden words and wrong expressions"),
        "security.hosts_save": _l("Changed the allowed outside hosts"),
        "security.baseline": _l("Took the baseline of the deployed files"),
        "security.baseline_kept": _l("Kept the existing baseline of the deployed files and noted its SHA-256"),
    }, {"security": _l("Security checks")})
    describe_details({
        "found_new": _l("New findings"),
        "still_open": _l("Still open"),
        "resolved_now": _l("Resolved"),
        "checks_failed": _l("Checks that could not run"),
        "rule": _l("Rule"),
        "finding_object": _l("Found in"),
        "severity": _l("Severity"),
        "forbidden_words": _l("Forbidden words"),
        "wrong_expressions": _l("Wrong expressions"),
        "allowed_hosts": _l("Allowed hosts"),
        "files_hashed": _l("Files hashed"),
        "manifest_sha256": _l("SHA-256 of the baseline"),
    })
    describe_values("security.", ("rule", "checks_failed"), _RuleTitles())
    describe_values("security.", "severity", SEVERITY_LABELS)
