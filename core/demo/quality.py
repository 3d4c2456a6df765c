"""How well each demo site is kept: the guideline's picture of a city, about 30 % excellent, 30 % good, 40 % poor.

Every demo site gets a profile, the same for the same seed: how much work news it publishes, how many of its duties
someone answers for, how many of its guides leave out a time limit, how many of its municipal policies are
interpreted, how many letters it answers late, which footer facts it has not given, how many of its own sections
it left empty or let go stale. Two of the poor sites fail outright, each for one reason the evaluation's drill-down
explains: one stopped updating its homepage three weeks ago, one left a letter unanswered for four months (the two
sites whose service catalogue holds a guide still being written fail on that too). The loader
(core.demo.loader) applies the profile as it writes the site's content.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

#: The shares of the guideline (excellent, good; the rest poor).
SHARES = (0.3, 0.3)
#: Sites whose catalogue keeps a guide still being written (core/demo/data/services.toml, "draft"): the
#: evaluation fails them on it, so they count among the poor.
DRAFT_GUIDE_SITES = ("ylj", "xwcbj")


@dataclass(frozen=True)
class Quality:
    level: str  # "excellent", "good" or "poor"
    #: The share of the usual work news it publishes.
    news: float
    #: How many of the five duties someone answers for.
    duties: int
    #: The share of its published guides without the time limit set by law.
    incomplete_guides: float
    #: The chance that a recent municipal policy gets its interpretation.
    interpretation: float
    #: The share of letters answered after their limit.
    late_letters: float
    #: How many days ago the letter left past its limit came (two months: an early warning).
    overdue_days: int
    #: Footer facts it has not given.
    footer_gaps: tuple[str, ...] = ()
    #: Sections of its own it added and left empty; sections of its own that went stale (nothing for a year).
    empty_sections: int = 0
    stale_sections: int = 0
    #: The one reason it fails: "homepage" (nothing new for three weeks) or "letter" (four months unanswered).
    veto: str | None = None


PROFILES = {
    "excellent": Quality("excellent", news=1.0, duties=5, incomplete_guides=0.0, interpretation=0.95,
                         late_letters=0.05, overdue_days=9),
    "good": Quality("good", news=0.6, duties=3, incomplete_guides=0.5, interpretation=0.5, late_letters=0.3,
                    overdue_days=25, footer_gaps=("site_code",), empty_sections=1, stale_sections=1),
    "poor": Quality("poor", news=0.35, duties=1, incomplete_guides=1.0, interpretation=0.1, late_letters=0.45,
                    overdue_days=70, footer_gaps=("icp_record", "psb_record", "site_code"), empty_sections=3,
                    stale_sections=2),
}


#: The sites the README and the walkthroughs open first (the Personnel Bureau): kept well, so what a newcomer
#: sees first is a complete site (its footer's record numbers included).
SHOWCASE = ("rsj",)


def profiles(slugs: list[str], seed: int) -> dict[str, Quality]:
    """Each site's profile: a seeded shuffle of the sites cut by SHARES; the showcase sites are excellent, the
    draft-guide sites and the two that fail on purpose are among the poor."""
    order = sorted(slugs)
    random.Random(f"{seed}:quality").shuffle(order)
    forced = [slug for slug in order if slug in DRAFT_GUIDE_SITES]
    showcase = [slug for slug in order if slug in SHOWCASE and slug not in forced]
    order = showcase + [slug for slug in order if slug not in forced and slug not in showcase]
    excellent = round(SHARES[0] * len(slugs))
    good = round(SHARES[1] * len(slugs))
    found = {slug: PROFILES["excellent"] for slug in order[:excellent]}
    found.update({slug: PROFILES["good"] for slug in order[excellent:excellent + good]})
    poor = order[excellent + good:]
    found.update({slug: PROFILES["poor"] for slug in poor + forced})
    for slug, reason in zip(poor, ("homepage", "letter")):
        found[slug] = Quality(**{**PROFILES["poor"].__dict__, "veto": reason})
    return found
