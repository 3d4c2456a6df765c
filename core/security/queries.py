"""Reading findings: a site's own (its admin pages and home card), the platform's, and every site's for the bureau.

A site's findings are site data (TenantScoped): the site pages read them with
no filter written, and another site's are not there. The bureau reads every
site's in one place, `city_findings`, which crosses sites on purpose.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, case, func, select

from core.extensions import db
from core.security.models import REPORTED, STATES, PlatformSecurityFinding, SecurityFinding
from core.security.registry import SEVERITIES
from jobs.models import JobRun
from tenants.models import Tenant
from tenants.scoping import crosses_tenants

#: The state filter of the pages: what is reported now (the default), or one state.
STATE_FILTERS = ("reported", *STATES, "all")
TOP_ON_HOME = 5
#: The job that runs every check (core/security/jobs.py): when it last finished is when the figures were taken.
DAILY_JOB = "security.daily"


def _severity_order(model):
    return case(*((model.severity == s, n) for n, s in enumerate(SEVERITIES)), else_=len(SEVERITIES))


def _in_state(query: Select, model, state: str) -> Select:
    if state == "reported":
        return query.where(model.state.in_(REPORTED))
    if state in STATES:
        return query.where(model.state == state)
    return query


def _ordered(query: Select, model) -> Select:
    return query.order_by(_severity_order(model), model.state.desc(), model.first_seen_at.desc(), model.id)


def site_findings(state: str = "reported", rule: str = "", severity: str = "") -> Select:
    """The active site's findings in a state (`STATE_FILTERS`), most severe and newest first."""
    query = _in_state(select(SecurityFinding), SecurityFinding, state)
    if rule:
        query = query.where(SecurityFinding.rule == rule)
    if severity in SEVERITIES:
        query = query.where(SecurityFinding.severity == severity)
    return _ordered(query, SecurityFinding)


def platform_findings(state: str = "reported") -> Select:
    """The platform's own findings (configuration, deployed files, the bureau's accounts)."""
    return _ordered(_in_state(select(PlatformSecurityFinding), PlatformSecurityFinding, state), PlatformSecurityFinding)


@dataclass
class Counts:
    """Findings by state and severity: counts["new"]["high"]."""

    by_state: dict[str, dict[str, int]] = field(default_factory=lambda: {s: {v: 0 for v in SEVERITIES}
                                                                       for s in STATES})

    def add(self, state: str, severity: str, n: int) -> None:
        if state in self.by_state and severity in self.by_state[state]:
            self.by_state[state][severity] += n

    def total(self, state: str) -> int:
        return sum(self.by_state[state].values())

    @property
    def reported(self) -> int:
        return sum(self.total(s) for s in REPORTED)

    def reported_of(self, severity: str) -> int:
        return sum(self.by_state[s][severity] for s in REPORTED)


def _counts(model) -> Counts:
    counts = Counts()
    for state, severity, n in db.session.execute(select(model.state, model.severity, func.count())
                                                 .group_by(model.state, model.severity)):
        counts.add(state, severity, n)
    return counts


def site_counts() -> Counts:
    """The active site's findings by state and severity."""
    return _counts(SecurityFinding)


def platform_counts() -> Counts:
    return _counts(PlatformSecurityFinding)


def home_panel() -> dict:
    """For a site's admin home: its reported findings by severity and the most severe few."""
    top = db.session.execute(site_findings().limit(TOP_ON_HOME)).scalars().all()
    return {"security_counts": site_counts(), "security_top": top}


def rules_found() -> list[str]:
    """The rules the active site has findings of (any state): the filter's choices."""
    return list(db.session.execute(select(SecurityFinding.rule).distinct().order_by(SecurityFinding.rule)).scalars())


@dataclass
class SiteRow:
    """A site's line on the console: its reported findings by state and severity."""

    site: Tenant
    counts: Counts


@dataclass
class CityReport:
    """The bureau's view of every site's findings: a line per site, and one page of the filtered findings."""

    sites: list[SiteRow]
    findings: list[tuple[SecurityFinding, Tenant]]
    total: int
    page: int
    pages: int
    rules: list[str]


@crosses_tenants("the bureau reads every site's security findings (counts per site and the filtered list), "
                 "read only, on the console")
def city_findings(*, site_id: int | None = None, rule: str = "", severity: str = "", state: str = "reported",
                  page: int = 1, per_page: int = 50) -> CityReport:
    """Every site's findings for the console: the counts of each site (reported ones, by severity; accepted
    ones), and the page `page` of the findings that match the filters, most severe first, each with its site.

    :param site_id: one site's findings only (None: every site's).
    :param rule, severity: one check's findings, one severity (""; any).
    :param state: one of `STATE_FILTERS`; "reported" (new and open) by default.
    """
    sites = list(db.session.execute(select(Tenant).order_by(Tenant.slug)).scalars())
    counts = {site.id: Counts() for site in sites}
    grouped = (select(SecurityFinding.tenant_id, SecurityFinding.state, SecurityFinding.severity, func.count())
               .group_by(SecurityFinding.tenant_id, SecurityFinding.state, SecurityFinding.severity)
               .execution_options(all_tenants=True))
    for tenant_id, state_of, severity_of, n in db.session.execute(grouped):
        if tenant_id in counts:
            counts[tenant_id].add(state_of, severity_of, n)
    query = _in_state(select(SecurityFinding, Tenant).join(Tenant, Tenant.id == SecurityFinding.tenant_id),
                      SecurityFinding, state)
    if site_id is not None:
        query = query.where(SecurityFinding.tenant_id == site_id)
    if rule:
        query = query.where(SecurityFinding.rule == rule)
    if severity in SEVERITIES:
        query = query.where(SecurityFinding.severity == severity)
    rows = [SiteRow(site, counts[site.id]) for site in sites]
    # The sites with the most serious reported findings first; the quiet ones last, by slug.
    rows.sort(key=lambda row: (*(-row.counts.reported_of(s) for s in SEVERITIES), row.site.slug))
    report = CityReport(rows, [], 0, page, 1, [])
    if per_page <= 0:  # the counts only (the console's home card)
        return report
    report.total = db.session.execute(select(func.count()).select_from(query.subquery())
                                      .execution_options(all_tenants=True)).scalar_one()
    report.pages = max(1, -(-report.total // per_page))
    rows = db.session.execute(_ordered(query, SecurityFinding).offset((page - 1) * per_page).limit(per_page)
                              .execution_options(all_tenants=True)).all()
    report.findings = [(finding, tenant) for finding, tenant in rows]
    report.rules = list(db.session.execute(select(SecurityFinding.rule).distinct().order_by(SecurityFinding.rule)
                                           .execution_options(all_tenants=True)).scalars())
    return report


@crosses_tenants("the bureau reads one site's finding (what, where, the text around each hit) on the console, "
                 "read only")
def site_finding(finding_id: int) -> tuple[SecurityFinding, Tenant] | None:
    """A site's finding and its site, whichever site it is on, for the console; None when there is none."""
    row = db.session.execute(select(SecurityFinding, Tenant).join(Tenant, Tenant.id == SecurityFinding.tenant_id)
                             .where(SecurityFinding.id == finding_id).execution_options(all_tenants=True)).first()
    return (row[0], row[1]) if row is not None else None


def platform_panel() -> dict:
    """For the console's home: the platform's own reported findings and every site's, by severity."""
    sites = Counts()
    for row in city_findings(per_page=0).sites:
        for state, by_severity in row.counts.by_state.items():
            for severity, n in by_severity.items():
                sites.add(state, severity, n)
    return {"security_platform_counts": platform_counts(), "security_site_counts": sites}


@dataclass(frozen=True)
class EvaluationFigures:
    """What the evaluation (core.evaluation) deducts for on the active site: the reported (new or still open)
    findings of broken internal links and of missing attachments, all reported findings, and when the daily
    checks last finished (None: they never ran, and the evaluation then leaves these rules out)."""

    broken_links: int
    missing_attachments: int
    reported: int
    checked_at: datetime | None


def evaluation_figures() -> EvaluationFigures:
    """The active site's `EvaluationFigures`, in two statements whatever the number of findings or sites."""
    by_rule = dict(db.session.execute(select(SecurityFinding.rule, func.count())
                                      .where(SecurityFinding.state.in_(REPORTED))
                                      .group_by(SecurityFinding.rule)).all())
    checked_at = db.session.scalar(select(func.max(JobRun.finished_at)).where(
        JobRun.job_id == DAILY_JOB, JobRun.outcome.in_(("success", "partial"))))
    return EvaluationFigures(broken_links=by_rule.get("content.broken_links", 0),
                             missing_attachments=by_rule.get("content.missing_attachments", 0),
                             reported=sum(by_rule.values()), checked_at=checked_at)


@dataclass(frozen=True)
class YearFigures:
    """The yearly website report's security line for the active site: how many times the daily checks ran to the
    end in the year (they check every site), the findings first reported in it, and those put right in it."""

    checks: int
    found: int
    fixed: int


def year_figures(year: int, *, site_since: datetime, slug: str) -> YearFigures:
    """The active site's `YearFigures` for calendar `year` (three statements).

    A run counts for the site when it started after the site was created (`site_since`) and did not fail on it
    (a partial run names each site it failed on as "[slug]" in its error text).
    """
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    checks = db.session.scalar(select(func.count()).select_from(JobRun).where(
        JobRun.job_id == DAILY_JOB, JobRun.outcome.in_(("success", "partial")),
        JobRun.finished_at >= start, JobRun.finished_at < end, JobRun.started_at >= site_since,
        ~JobRun.error.contains(f"[{slug}]", autoescape=True)))
    found = db.session.scalar(select(func.count()).select_from(SecurityFinding).where(
        SecurityFinding.first_seen_at >= start, SecurityFinding.first_seen_at < end))
    fixed = db.session.scalar(select(func.count()).select_from(SecurityFinding).where(
        SecurityFinding.resolved_at >= start, SecurityFinding.resolved_at < end))
    return YearFigures(checks=checks or 0, found=found or 0, fixed=fixed or 0)
