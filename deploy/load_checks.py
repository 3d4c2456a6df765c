"""After the load: what the writers were told, compared with the cluster's database (and nginx, for visibility).

Each check returns (passed, one line saying what was found). The queries read the database directly (psycopg),
never through the app: the app is what is being checked.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import cluster
from load_users import Ledger

Check = tuple[bool, str]


def _rows(sql: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(cluster.DATABASE_URL, connect_timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def submissions(ledger: Ledger) -> list[Check]:
    """Every accepted submission stored exactly once, under its key and with the code its receipt showed; a
    refused one at most once (an answer lost after the commit: the form posted again found it, or no row)."""
    tables = {"application": ("service_applications", "tracking_code"), "letter": ("interaction_letters",
                                                                                   "query_code")}
    checks = []
    for kind, (table, code_column) in tables.items():
        sent = [s for s in ledger.submissions if s.kind == kind and s.key]
        stored: dict[str, list[str]] = defaultdict(list)
        for key, code in _rows(f"SELECT submission_key, {code_column} FROM {table} "
                               f"WHERE submission_key = ANY(%s)", [s.key for s in sent]):
            stored[key].append(code)
        accepted = [s for s in sent if s.accepted]
        missing = [s for s in accepted if len(stored[s.key]) == 0]
        twice = [s for s in sent if len(stored[s.key]) > 1]
        wrong_code = [s for s in accepted if s.code and stored[s.key] and s.code not in stored[s.key]]
        refused = [s for s in sent if not s.accepted]
        refused_stored = [s for s in refused if stored[s.key]]
        retried = sum(1 for s in sent if len(s.outcomes) > 1)
        codes = [c for s in accepted for c in stored[s.key]]
        dup_codes = sum(1 for _c, n in Counter(codes).items() if n > 1)
        ok = not missing and not twice and not wrong_code and not dup_codes and bool(accepted)
        checks.append((ok, f"{kind}s: {len(accepted)} accepted, each stored exactly once: {len(missing)} missing, "
                           f"{len(twice)} stored twice, {len(wrong_code)} with another code than the receipt's; "
                           f"{len(refused)} refused ({len(refused_stored)} of them stored anyway, once: the answer "
                           f"was lost after the commit); {retried} sent again with the same key"))
    return checks


def published(ledger: Ledger, run_id: str, port: int, wait: float) -> list[Check]:
    """Every item the editors published is one row, published, and shown through nginx within `wait` seconds."""
    rows = _rows("SELECT id, title, status FROM articles WHERE title LIKE %s", f"负载测试稿件 {run_id}-%")
    by_title: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for article_id, title, status in rows:
        by_title[title].append((article_id, status))
    wrong = [p for p in ledger.published if by_title.get(p.title) != [(p.article_id, "published")]]
    twice = [t for t, found in by_title.items() if len(found) > 1]
    unknown_twice = [t for _h, t in ledger.drafts_unknown if len(by_title.get(t, [])) > 1]
    hidden = {(p.host, p.article_id, p.title) for p in ledger.published}
    deadline = time.monotonic() + wait
    while hidden and time.monotonic() < deadline:
        for host, article_id, title in list(hidden):
            status, _headers, body = cluster.get(f"/articles/{article_id}", host, timeout=10)
            if status == 200 and title in body.decode("utf-8", "replace"):
                hidden.discard((host, article_id, title))
        if hidden:
            time.sleep(1)
    ok = bool(ledger.published) and not wrong and not twice and not unknown_twice
    return [(ok, f"published items: {len(ledger.published)} published by the editors, each one row, published: "
                 f"{len(wrong)} not so; {len(twice) + len(unknown_twice)} titles stored twice; "
                 f"{len(ledger.drafts_unknown)} drafts whose answer was lost"),
            (bool(ledger.published) and not hidden,
             f"published items visible through nginx within {wait:.0f} s: {len(ledger.published) - len(hidden)} of "
             f"{len(ledger.published)}")]


#: How far an application's step takes it: its state may be that or later, never earlier.
APPLICATION_ORDER = {"submitted": 0, "accepted": 1, "approved": 2, "refused": 2, "completed": 3}
STEP_TARGET = {"accept": "accepted", "approve": "approved", "complete": "completed"}


def officer_steps(ledger: Ledger) -> Check:
    """Every step an officer was told was done is in the database: a letter replied, an application moved on."""
    letters = {s.record_id for s in ledger.officer_steps if s.kind == "letter"}
    applications: dict[int, str] = {}
    for s in ledger.officer_steps:
        if s.kind == "application":
            previous = applications.get(s.record_id)
            target = STEP_TARGET[s.step]
            if previous is None or APPLICATION_ORDER[target] > APPLICATION_ORDER[previous]:
                applications[s.record_id] = target
    lost = 0
    if letters:
        states = dict(_rows("SELECT id, status FROM interaction_letters WHERE id = ANY(%s)", list(letters)))
        lost += sum(1 for i in letters if states.get(i) in (None, "new", "assigned", "held", "info_requested"))
    if applications:
        states = dict(_rows("SELECT id, status FROM service_applications WHERE id = ANY(%s)", list(applications)))
        lost += sum(1 for i, target in applications.items()
                    if APPLICATION_ORDER.get(states.get(i), -1) < APPLICATION_ORDER[target])
    return (bool(ledger.officer_steps) and lost == 0,
            f"officers' steps: {len(ledger.officer_steps)} done ({len(letters)} letters replied, "
            f"{len(applications)} applications moved on), {lost} not in the database")


def jobs_once(since: datetime, until: datetime) -> Check:
    """No job ran twice for one scheduled moment: for an interval job no two starts closer than half its interval,
    for a cron job no two runs after the same firing; and no two runs of one job at the same time."""
    from check_cluster import _app
    from jobs.registry import Cron, effective_schedules

    app = _app()
    with app.app_context():
        schedules = {s.job.id: s.trigger for s in effective_schedules(app.config)}
    runs: dict[str, list[tuple]] = defaultdict(list)
    for job_id, started, finished, outcome, holder in _rows(
            "SELECT job_id, started_at, finished_at, outcome, holder FROM job_runs WHERE started_at >= %s "
            "AND started_at <= %s AND holder <> 'manual' ORDER BY job_id, started_at", since, until):
        runs[job_id].append((started, finished, outcome, holder))
    twice, overlapping = [], []
    for job_id, found in runs.items():
        trigger = schedules.get(job_id)
        for (s1, f1, _o1, h1), (s2, _f2, _o2, h2) in zip(found, found[1:]):
            if f1 is None or s2 < f1:
                overlapping.append(f"{job_id} {s1:%H:%M:%S} ({h1}) / {s2:%H:%M:%S} ({h2})")
            if isinstance(trigger, Cron):
                fired = _fired_before(trigger, s1), _fired_before(trigger, s2)
                if fired[0] == fired[1]:
                    twice.append(f"{job_id} for {fired[0]:%H:%M:%S}")
            elif trigger is not None and (s2 - s1).total_seconds() < trigger.seconds / 2:
                twice.append(f"{job_id} at {s1:%H:%M:%S} and {s2:%H:%M:%S}")
    total = sum(len(r) for r in runs.values())
    detail = "; ".join((twice + overlapping)[:5])
    return (not twice and not overlapping,
            f"job runs: {total} runs of {len(runs)} jobs during the load, {len(twice)} twice for one moment, "
            f"{len(overlapping)} overlapping{': ' + detail if detail else ''}")


def _fired_before(trigger, moment: datetime) -> datetime:
    """The last firing of a cron trigger at or before `moment` (naive city time), within a day."""
    from core.timeutil import CITY_TZ

    aps = trigger.to_apscheduler()
    at = (moment - timedelta(days=1)).replace(tzinfo=CITY_TZ)
    last = at
    while True:
        following = aps.get_next_fire_time(None, at)
        if following is None or following.replace(tzinfo=None) > moment:
            return last.replace(tzinfo=None)
        last, at = following, following + timedelta(microseconds=1)
