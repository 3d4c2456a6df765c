"""A run's summary: stored as data, worded in the reader's language when a page (or the CLI) shows it.

A job returns its counts (``{"published": 2, "expired": 0}``), or the
`SiteLoopResult` of `for_each_site` whose sites returned such counts; the
run keeps them as JSON in `JobRun.summary`. Showing a run words them with the
job's own `summary` template (``_l("%(published)s published, %(expired)s taken
down")``) and the loop's head ("69 sites: 68 done, 1 failed (rsj)") in the
current language. Runs recorded before summaries were data hold an English
sentence: the known ones are read back into counts, any other is shown as written.
"""
from __future__ import annotations

import json
import re
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import select

from core.extensions import db
from core.i18n import is_english
from jobs.registry import JOBS
from jobs.sites import GROUP_NAMED, SUMMARY_LIMIT, SiteLoopResult
from tenants.models import Tenant

#: Sites named in a stored summary, at most; the rest are counted.
NAMED_LIMIT = 40
#: Sentences of runs recorded before summaries were data, read back into counts.
LEGACY = (
    re.compile(r"^(?P<ended>\d+) idle sessions ended$"),
    re.compile(r"^(?P<published>\d+) published, (?P<expired>\d+) expired$"),
)
_LEGACY_LOOP = re.compile(r"^(?P<total>\d+) sites: (?P<done>\d+) done, (?P<failed>\d+) failed(?: \((?P<slugs>[^)]*)\))?"
                          r"(?:; (?P<notes>.*))?$")
_LEGACY_NAMED = re.compile(r"^(?P<sites>[a-z0-9, -]+): (?P<value>.+)$")
_LEGACY_COUNTED = re.compile(r"^(?P<value>.+) \((?P<count>\d+) sites\)$")


def _plain(value: Any) -> Any:
    """A site's or a job's result as JSON can hold it (counts stay counts; anything else its text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _loop_record(result: SiteLoopResult) -> dict:
    groups: dict[str, dict] = {}
    for slug, value in result.done.items():
        if value in (None, "", 0):
            continue
        key = json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)
        group = groups.setdefault(key, {"value": _plain(value), "sites": [], "count": 0})
        group["count"] += 1
        if len(group["sites"]) < GROUP_NAMED:
            group["sites"].append(slug)
    failed = list(result.failed)
    return {"sites": {"total": len(result.done) + len(result.failed), "done": len(result.done),
                      "failed": len(failed), "failed_sites": failed[:NAMED_LIMIT]},
            "results": list(groups.values())}


def store(value: Any) -> str:
    """What a run keeps of a job's return value: JSON data, or "" for None (a str is kept as written)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if len(value) <= SUMMARY_LIMIT else value[:SUMMARY_LIMIT - 1] + "…"
    record = _loop_record(value) if isinstance(value, SiteLoopResult) else {"counts": _plain(value)}
    text = json.dumps(record, ensure_ascii=False)
    while len(text) > SUMMARY_LIMIT and record.get("results"):
        record["results"].pop()  # the rarest results go first: the head and the failures stay
        record["more"] = True
        text = json.dumps(record, ensure_ascii=False)
    return text


def _result(job_id: str, value: Any) -> str:
    """One result in words: the job's template with the counts, else "key: value" pairs, else the text."""
    job = JOBS.get(job_id)
    if isinstance(value, dict):
        if job is not None and job.summary is not None:
            try:
                return str(job.summary) % value
            except (KeyError, TypeError, ValueError):
                pass
        colon, comma = (": ", ", ") if is_english() else ("：", "，")
        return comma.join(f"{key.replace('_', ' ')}{colon}{count}" for key, count in value.items())
    if isinstance(value, str):
        for pattern in LEGACY:
            found = pattern.match(value)
            if found:
                return _result(job_id, {k: int(v) for k, v in found.groupdict().items()})
    return str(value)


def _sites(slugs: list[str]) -> str:
    """Sites named as people know them (市人事局), in the page's language; a site since deleted by its slug."""
    rows = db.session.execute(select(Tenant.slug, Tenant.name_zh, Tenant.name_en)
                              .where(Tenant.slug.in_(slugs))).all() if slugs else []
    names = {slug: (name_en or name_zh) if is_english() else name_zh for slug, name_zh, name_en in rows}
    return (", " if is_english() else "、").join(names.get(slug, slug) for slug in slugs)


def _loop(job_id: str, record: dict) -> str:
    sites = record["sites"]
    head = ngettext("%(total)s site: %(done)s done, %(failed)s failed",
                    "%(total)s sites: %(done)s done, %(failed)s failed", sites["total"],
                    total=sites["total"], done=sites["done"], failed=sites["failed"])
    if sites.get("failed_sites"):
        more = sites["failed"] - len(sites["failed_sites"])
        named = _sites(sites["failed_sites"]) + (gettext(" and %(n)s more", n=more) if more > 0 else "")
        head += gettext(" (%(sites)s)", sites=named)
    notes = []
    for group in record.get("results", []):
        words = _result(job_id, group["value"])
        if group["count"] <= GROUP_NAMED:
            notes.append(gettext("%(sites)s: %(result)s", sites=_sites(group["sites"]), result=words))
        else:
            notes.append(ngettext("%(result)s (%(num)s site)", "%(result)s (%(num)s sites)", group["count"],
                                  result=words))
    return ("; " if is_english() else "；").join([head, *notes])


def _legacy_loop(job_id: str, found: re.Match) -> str:
    record = {"sites": {"total": int(found["total"]), "done": int(found["done"]), "failed": int(found["failed"]),
                        "failed_sites": found["slugs"].split(", ") if found["slugs"] else []}, "results": []}
    for note in (found["notes"] or "").split("; ") if found["notes"] else []:
        counted, named = _LEGACY_COUNTED.match(note), _LEGACY_NAMED.match(note)
        if counted:
            record["results"].append({"value": counted["value"], "sites": [], "count": int(counted["count"])})
        elif named:
            slugs = named["sites"].split(", ")
            record["results"].append({"value": named["value"], "sites": slugs, "count": len(slugs)})
    return _loop(job_id, record)


def describe(job_id: str, text: str) -> str:
    """A stored summary in words, in the current language ("" stays "")."""
    if not text:
        return ""
    try:
        record = json.loads(text) if text.startswith("{") else None
    except ValueError:
        record = None
    if isinstance(record, dict) and "sites" in record:
        return _loop(job_id, record)
    if isinstance(record, dict) and "counts" in record:
        return _result(job_id, record["counts"])
    found = _LEGACY_LOOP.match(text)
    if found:
        return _legacy_loop(job_id, found)
    return _result(job_id, text)
