"""Evaluating a site: every rule, the score, the grade, the vetoes, the warnings and the three things to do next.

`evaluate_site(moment)` evaluates the active site as of `moment` (live: now; a past month's snapshot: then). It
reads the site through `SiteFacts` (a fixed number of bulk queries, whatever the site holds) and applies every
rule of core.evaluation.rules with the settings in force (core.evaluation.settings).

Score: 100 less every deduction's points lost, never below 0. Grade: "failed" on any veto (单项否决); else
"excellent" from `excellent_from` (85), "good" from `good_from` (70), else "poor".
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from core.evaluation.facts import SiteFacts
from core.evaluation.rules import RULES, RULES_BY_KEY, Evidence, RuleResult
from core.evaluation.settings import current_settings
from tenants.scoping import activate_tenant, crosses_tenants

#: How many things to do the admin home and the self-check page show.
TODO_COUNT = 3


@dataclass
class Todo:
    """One thing to do next: the rule it comes from, why (veto, warning, or the points it would win back), where."""

    rule: str
    why: str  # "veto", "warning" or "points"
    points: float
    evidence: Evidence | None


@dataclass
class Evaluation:
    """A site's evaluation as of `as_of`: each rule's result, the score, the grade."""

    as_of: datetime
    results: list[RuleResult]
    score: float
    grade: str
    settings: dict = field(default_factory=dict)

    @property
    def vetoes(self) -> list[RuleResult]:
        return [r for r in self.results if r.vetoed]

    @property
    def warnings(self) -> list[RuleResult]:
        return [r for r in self.results if r.warning]

    @property
    def deductions(self) -> list[RuleResult]:
        return [r for r in self.results if RULES_BY_KEY[r.key].kind == "deduction"]

    def result(self, key: str) -> RuleResult:
        return next(r for r in self.results if r.key == key)

    def todo(self, count: int = TODO_COUNT) -> list[Todo]:
        """The things to do next, most pressing first: each veto, each early warning, then the deductions that
        cost the most points; each with its first piece of evidence (the page that fixes it)."""
        found = [Todo(r.key, "veto", 0.0, _first_fix(r)) for r in self.vetoes]
        found += [Todo(r.key, "warning", 0.0, _first_fix(r)) for r in self.warnings]
        found += [Todo(r.key, "points", round(r.lost, 1), _first_fix(r))
                  for r in sorted(self.deductions, key=lambda r: -r.lost) if r.lost >= 0.05]
        return found[:count]

    def to_data(self) -> dict:
        return {"as_of": self.as_of.isoformat(timespec="seconds"), "score": self.score, "grade": self.grade,
                "results": [r.to_data() for r in self.results], "settings": self.settings}

    def to_json(self) -> str:
        return json.dumps(self.to_data(), ensure_ascii=False, default=str)

    @classmethod
    def from_data(cls, data: dict) -> "Evaluation":
        return cls(datetime.fromisoformat(data["as_of"]), [RuleResult.from_data(r) for r in data.get("results", [])
                                                           if r.get("key") in RULES_BY_KEY],
                   data.get("score", 0.0), data.get("grade", "poor"), data.get("settings") or {})


def _first_fix(result: RuleResult) -> Evidence | None:
    return next((e for e in result.evidence if e.endpoint), None)


def grade_for(score: float, vetoed: bool, settings: dict) -> str:
    """The grade of a score: "failed" on a veto, else by the bands (excellent_from, good_from)."""
    if vetoed:
        return "failed"
    if score >= settings["excellent_from"]:
        return "excellent"
    return "good" if score >= settings["good_from"] else "poor"


def evaluate_site(moment: datetime, settings: dict | None = None) -> Evaluation:
    """Evaluate the active site as of `moment` (naive city time) with `settings` (default: those in force).

    Returns every rule's result in the rules' order, the score out of 100 (one decimal) and the grade.
    """
    settings = current_settings() if settings is None else settings
    facts = SiteFacts(moment, settings)
    results = [rule.check(facts, settings) for rule in RULES]
    for result in results:
        rule = RULES_BY_KEY[result.key]
        if rule.kind == "deduction" and result.status != "not_applied":
            result.weight = settings[rule.weight]
    score = round(max(100.0 - sum(r.lost for r in results), 0.0), 1)
    return Evaluation(moment, results, score, grade_for(score, any(r.vetoed for r in results), settings),
                      dict(settings))


@crosses_tenants("the bureau's drill-down evaluates one site, live, from the console")
def evaluate_site_of(tenant_id: int, moment: datetime) -> Evaluation:
    """`evaluate_site` for the site `tenant_id` (the console's drill-down)."""
    with activate_tenant(tenant_id):
        return evaluate_site(moment)
