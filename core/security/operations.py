"""Running the checks and keeping their findings; accepting one; the bureau's lists; the tamper baseline.

Flush, never commit; each one audited. A run keeps findings by identity
(rule, site, object key), so running again changes states and never adds a
second row for the same thing:

- found for the first time, or again after it was resolved: **new**;
- found again while new: **open** (an open or accepted one stays as it is);
- not found by a run of its check: **resolved** (no longer reported; found
  again later, it is new again and its acceptance is gone);
- **accepted** by a person with a reason: not reported while it persists.

A check that fails leaves its findings as they were: a run never resolves
what it did not look at.
"""
from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, text, update

from core.audit.log import record
from core.auth.models import Membership, User
from core.auth.permissions import can
from core.extensions import db
from core.inbox.links import console_url, site_url
from core.inbox.operations import deliver
from core.inbox.queries import platform_admins
from core.operations import OperationError, OperationForbidden, audited
from core.security import integrity
from core.security.html import normalise_text, phrase_pattern
from core.security.masking import object_shown
from core.security.models import (REPORTED, AllowedHost, PlatformSecurityFinding, SecurityFinding, SecurityWord)
from core.security.registry import CHECKS, Check, CheckContext, Found, checks_of, describe, run_check, stored_details
from core.security.words import HOSTS_SAVED, WORDS_SAVED, ascii_host
from core.text import text_problem
from tenants.hosts import is_valid_hostname
from tenants.provisioning import get_setting, set_setting

log = logging.getLogger("govsites.security")
#: Longest reason a person may give for accepting a finding.
REASON_LENGTH = 1000
#: Longest phrase of a word list, and its correct form (the columns' lengths).
PHRASE_LENGTH, CORRECT_LENGTH = 60, 120


class SecurityError(OperationError):
    """A change to findings or to the bureau's lists refused, with what is wrong, per field."""


@dataclass
class RunResult:
    """What one run of the checks of one scope did."""

    new: list = field(default_factory=list)  # the findings new in this run (rows)
    still_open: int = 0
    resolved: int = 0
    accepted: int = 0
    failed: list[str] = field(default_factory=list)  # keys of the checks that raised

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "open": self.still_open, "resolved": self.resolved,
                "failed": len(self.failed)}


def _collect(checks: list[Check], ctx: CheckContext, result: RunResult) -> dict[tuple[str, str], tuple[Check, Found]]:
    """Run each check in a savepoint of its own; a check that raises is logged and left out."""
    found: dict[tuple[str, str], tuple[Check, Found]] = {}
    for item in checks:
        try:
            with db.session.begin_nested():
                items = list(run_check(item, ctx))
        except Exception:  # noqa: BLE001 — any failure of one check must not stop the others
            log.error("security check %s failed%s:\n%s", item.key,
                      f" on {ctx.site.slug}" if ctx.site is not None else "", traceback.format_exc())
            result.failed.append(item.key)
            continue
        for hit in items:
            found.setdefault((item.key, hit.object_key[:200]), (item, hit))
    return found


@audited
def run_checks(now: datetime, *, site=None, keys: Iterable[str] | None = None) -> RunResult:
    """Run the checks of one scope and keep what they find.

    :param now: the run's moment (naive city time): what "90 days ago" counts from, and the findings' dates.
    :param site: the active site (a `Tenant`) to run its site checks on; None runs the platform checks.
    :param keys: only these checks (a test, or a person re-running one); default every check of the scope.
    :returns: the `RunResult`: the new findings, how many are still open, resolved, accepted, and the checks
        that failed (their findings are left as they were).
    """
    scope, model = ("site", SecurityFinding) if site is not None else ("platform", PlatformSecurityFinding)
    _one_run_at_a_time(site)
    wanted = set(keys) if keys is not None else None
    checks = [c for c in checks_of(scope) if wanted is None or c.key in wanted]
    result = RunResult()
    found = _collect(checks, CheckContext(now=now, site=site), result)
    ran = [c.key for c in checks if c.key not in result.failed]
    existing = {(row.rule, row.object_key): row for row in db.session.execute(
        select(model).where(model.rule.in_(ran))).scalars()} if ran else {}
    for (rule, key), (item, hit) in found.items():
        row = existing.pop((rule, key), None)
        if row is None:
            row = model(rule=rule, object_key=key, state="new", first_seen_at=now)
            db.session.add(row)
            result.new.append(row)
        elif row.state == "resolved":
            row.state, row.first_seen_at, row.resolved_at = "new", now, None
            row.accepted_at, row.accepted_by_id, row.accepted_by_name, row.accept_reason = None, None, "", ""
            result.new.append(row)
        elif row.state == "new":
            row.state = "open"
        row.last_seen_at = now
        row.severity = hit.severity or item.severity
        row.object_name = str(hit.object_name)[:300]
        row.details = stored_details(hit)
        row.link = (hit.link or item.link)[:500]
        row.personal = hit.personal
    for row in existing.values():
        if row.state != "resolved":
            row.state, row.resolved_at = "resolved", now
            result.resolved += 1
    db.session.flush()
    kept = _rows_of(model, ran)
    result.still_open = sum(row.state == "open" for row in kept)
    result.accepted = sum(row.state == "accepted" for row in kept)
    _tell(site, [row for row in result.new if row.severity == "high"])
    record("security.run", site.slug if site is not None else "platform", found_new=len(result.new),
           still_open=result.still_open, resolved_now=result.resolved, checks_failed=result.failed)
    return result


#: The first key of the PostgreSQL advisory locks a run takes (the second is the site's id, 0 for the platform).
RUN_LOCK = 0x5EC


def _one_run_at_a_time(site) -> None:
    """Make a second run of the same checks (the scheduler's and one started by hand, `flask jobs run-once`) wait
    until the first has kept its findings, and then read them: otherwise both would add the same new findings and
    the second would fail on the findings' identity. On PostgreSQL a lock held until the transaction ends; SQLite
    lets one writer in at a time by itself (a second run at once fails that site, and the platform's
    administrators are told)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                           {"space": RUN_LOCK, "key": site.id if site is not None else 0})


def _rows_of(model, rules: list[str]) -> list:
    if not rules:
        return []
    return list(db.session.execute(select(model).where(model.rule.in_(rules), model.state != "resolved")).scalars())


def _site_admins() -> list[User]:
    """The active site's administrators (the membership query is the site's own)."""
    return list(db.session.execute(select(User).join(Membership, Membership.user_id == User.id)
                                   .where(Membership.role == "site_admin").order_by(User.id)).scalars())


def _tell(site, rows: list) -> None:
    """New high-severity findings go to the inboxes: a site's to its administrators, the platform's to the
    platform's administrators. Once per finding and per time it was found new (a finding found again after
    it was resolved is told again)."""
    for row in rows:
        item = CHECKS.get(row.rule)
        title = item.title if item is not None else row.rule
        stamp = row.first_seen_at.strftime("%Y%m%d%H%M")
        if site is not None:
            people, key = _site_admins(), f"security:site:{row.id}:{stamp}"
            link = site_url(site, f"/admin/security/{row.id}")
        else:
            people, key = platform_admins(), f"security:platform:{row.id}:{stamp}"
            link = console_url(f"/platform/security/findings/{row.id}")
        where = site.name_zh if site is not None else None

        def subject(user, title=title, where=where):
            if where is None:
                return _l("Security finding on the platform: %(rule)s", rule=title)
            return _l("Security finding on %(site)s: %(rule)s", site=where, rule=title)

        def body(user, row=row, item=item):
            fix = str(item.fix) if item is not None else ""
            return _l("%(object)s — %(details)s\n\nHow to fix it: %(fix)s",
                      object=object_shown(row, user), details=describe(row.rule, row.details), fix=fix)

        deliver(people, key=key, kind="security", subject=subject, body=body, link=link)


@audited
def accept_finding(finding, *, actor: User, reason: str, now: datetime) -> None:
    """Accept a finding that is reported (new or open), with the reason it is acceptable.

    :param finding: a `SecurityFinding` of the active site, or a `PlatformSecurityFinding`.
    :raises OperationForbidden: when `actor` may not accept it (site.security.manage on a site, platform.manage
        on the console).
    :raises SecurityError: under "reason": none given, or too long; under "": the finding is not reported (it
        was resolved or accepted meanwhile).
    """
    platform = isinstance(finding, PlatformSecurityFinding)
    if not can(actor, "platform.manage" if platform else "site.security.manage"):
        raise OperationForbidden(_l("Only a site administrator or a platform administrator accepts findings."))
    reason = (reason or "").strip()
    if not reason:
        raise SecurityError({"reason": _l("Say why the finding is acceptable: the next person to read it needs "
                                          "to know.")})
    problem = text_problem(reason, multiline=True, max_length=REASON_LENGTH)
    if problem:
        raise SecurityError({"reason": problem})
    model = type(finding)
    # One statement that accepts only a finding still reported: of two people accepting at once, or a run
    # resolving it meanwhile, one wins and the other is told, never both written over each other.
    accepted = db.session.execute(
        update(model).where(model.id == finding.id, model.state.in_(REPORTED))
        .values(state="accepted", accepted_at=now, accepted_by_id=actor.id, accepted_by_name=actor.display_name[:100],
                accept_reason=reason).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(finding)
    if not accepted:
        raise SecurityError(_l("This finding is no longer reported (it was resolved or accepted meanwhile)."))
    record("security.accept", f"security-finding:{finding.id}", user=actor, rule=finding.rule,
           finding_object=object_shown(finding, None), severity=finding.severity, reason=reason)


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").replace("\r\n", "\n").split("\n"), start=1)
            if line.strip() and not line.strip().startswith("#")]


_ARROW = re.compile(r"\s*(?:=>|→|->|⇒)\s*")


def _match_key(phrase: str) -> str:
    """What a phrase is searched for as (core.security.html.phrase_pattern): without invisible characters and
    spaces, in any case. Two entries with one key are one entry: "ABC" and "abc", "博 彩" and "博彩"."""
    return normalise_text(phrase).replace(" ", "").casefold()


def _parse_words(forbidden: str, wrong: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The console's two text boxes as lists: one forbidden word a line; "wrong => correct" a line.

    An entry written twice (in another case, or with other spacing) is kept once, as first written.

    :raises SecurityError: under "forbidden" or "wrong", naming the line: a phrase longer than the column,
        a line with a control character, a wrong expression without its correct form, one written again with
        another correct form, or one whose correct form contains it (every correct use would then be a finding).
    """
    problems: dict[str, str] = {}
    words: list[str] = []
    seen: set[str] = set()
    for number, line in _lines(forbidden):
        problem = text_problem(line, max_length=PHRASE_LENGTH)
        if problem:
            problems.setdefault("forbidden", str(_l("Line %(n)s: %(problem)s", n=number, problem=problem)))
        elif _match_key(line) and _match_key(line) not in seen:
            seen.add(_match_key(line))
            words.append(line)
    pairs: list[tuple[str, str]] = []
    corrects: dict[str, str] = {}
    for number, line in _lines(wrong):
        parts = _ARROW.split(line, maxsplit=1)
        if len(parts) != 2 or not _match_key(parts[0]) or not _match_key(parts[1]):
            problems.setdefault("wrong", str(_l("Line %(n)s: write the wrong expression, then =>, then its correct "
                                                "form.", n=number)))
            continue
        phrase, correct = parts
        problem = text_problem(phrase, max_length=PHRASE_LENGTH) or text_problem(correct, max_length=CORRECT_LENGTH)
        key = _match_key(phrase)
        if problem:
            problems.setdefault("wrong", str(_l("Line %(n)s: %(problem)s", n=number, problem=problem)))
        elif phrase_pattern(phrase).search(normalise_text(correct)):
            problems.setdefault("wrong", str(_l("Line %(n)s: the correct form contains the wrong one, so every "
                                                "correct use would be reported.", n=number)))
        elif key in corrects and _match_key(corrects[key]) != _match_key(correct):
            problems.setdefault("wrong", str(_l("Line %(n)s: “%(phrase)s” is listed already, with another correct "
                                                "form (“%(correct)s”).", n=number, phrase=phrase,
                                                correct=corrects[key])))
        elif key not in corrects:
            corrects[key] = correct
            pairs.append((phrase, correct))
    if problems:
        raise SecurityError(problems)
    return words, pairs


@audited
def save_word_lists(forbidden: str, wrong: str) -> None:
    """Replace the forbidden words and the wrong expressions with the console's text boxes (`_parse_words`).

    :raises SecurityError: see `_parse_words`; nothing is saved then.
    """
    words, pairs = _parse_words(forbidden, wrong)
    db.session.execute(delete(SecurityWord))
    for position, phrase in enumerate(words):
        db.session.add(SecurityWord(kind="forbidden", phrase=phrase, correct="", position=position))
    for position, (phrase, correct) in enumerate(pairs):
        db.session.add(SecurityWord(kind="wrong", phrase=phrase, correct=correct, position=position))
    set_setting(WORDS_SAVED, "1")
    db.session.flush()
    record("security.words_save", "word lists", forbidden_words=len(words), wrong_expressions=len(pairs))


def _parse_hosts(text: str) -> list[tuple[str, str]]:
    """The console's allow-list box: one host a line, a note after it if wanted ("gov.cn 政府网站").

    A written address ("https://www.gov.cn/zhengce/") counts as its host; upper case, a port and a final dot
    are dropped; a name in Chinese is kept in its ASCII form (`core.security.words.ascii_host`).

    :raises SecurityError: under "hosts", naming the line, for something that is not a host name, or a note
        too long for its column.
    """
    hosts: list[tuple[str, str]] = []
    for number, line in _lines(text):
        written, _, note = line.partition(" ")
        name = re.sub(r"^[a-z][a-z0-9+.-]*://", "", written.strip().lower())
        name = ascii_host(re.split(r"[/?#]", name, maxsplit=1)[0].split(":", 1)[0]) or ""
        note = note.strip()
        if not name or not is_valid_hostname(name) or "." not in name:
            raise SecurityError({"hosts": _l("Line %(n)s: “%(host)s” is not a host name (like www.gov.cn).",
                                             n=number, host=written[:80])})
        problem = text_problem(note, max_length=200)
        if problem:
            raise SecurityError({"hosts": _l("Line %(n)s: %(problem)s", n=number, problem=problem)})
        if name not in [h for h, _ in hosts]:
            hosts.append((name, note))
    return hosts


@audited
def save_allowed_hosts(text: str) -> None:
    """Replace the outside hosts items may link to with the console's text box (`_parse_hosts`).

    :raises SecurityError: see `_parse_hosts`; nothing is saved then.
    """
    hosts = _parse_hosts(text)
    db.session.execute(delete(AllowedHost))
    for position, (host, note) in enumerate(hosts):
        db.session.add(AllowedHost(host=host, note=note, position=position))
    set_setting(HOSTS_SAVED, "1")
    db.session.flush()
    record("security.hosts_save", "allowed hosts", allowed_hosts=len(hosts))


@audited
def take_baseline(now: datetime, *, if_missing: bool = False) -> tuple[int, str] | None:
    """Write the tamper check's manifest (core.security.integrity) of the deployed files, as they are now.

    :param if_missing: leave a manifest that exists alone (scripts/serve at every start) and return None; and
        write none when one was written before and has gone (the tamper check reports it).
    :returns: (files hashed, the manifest's SHA-256), recorded in the platform's audit log.
    """
    path = integrity.manifest_path()
    recorded = get_setting(integrity.MANIFEST_DIGEST)
    if if_missing and path.exists():
        if not recorded:  # a manifest from before its digest was kept: trusted as it is, once
            set_setting(integrity.MANIFEST_DIGEST, integrity.file_digest(path))
            record("security.baseline_kept", str(path)[:200], platform=True,
                   manifest_sha256=integrity.file_digest(path))
        return None
    if if_missing and recorded:
        # A manifest was written and is gone: leave it to the tamper check to report, never cover it up.
        current_app.logger.warning("integrity manifest %s is missing; not written again: run `flask security "
                                   "baseline` once the deployed files are known to be right", path)
        return None
    files, digest = integrity.write_manifest(integrity.code_root(), path, moment=now)
    set_setting(integrity.MANIFEST_DIGEST, digest)
    record("security.baseline", str(path)[:200], platform=True, files_hashed=files, manifest_sha256=digest)
    current_app.logger.info("integrity manifest written: %s files, sha256 %s", files, digest)
    return files, digest
