"""The demo city is kept as the guideline pictures a city: about 30 % excellent, 30 % good, 40 % poor, a couple of
sites failing for one reason each (core.demo.quality; bench/evaluation.py prints the grades the full demo gets)."""
from __future__ import annotations

from collections import Counter

from core.demo.quality import DRAFT_GUIDE_SITES, profiles
from tenants.catalog import load_catalog


def test_the_demo_sites_are_kept_thirty_thirty_forty_with_two_failing_on_purpose():
    slugs = [site["slug"] for site in load_catalog()["sites"]]
    found = profiles(slugs, 20261127)
    levels = Counter(q.level for q in found.values())
    assert set(found) == set(slugs)
    assert abs(levels["excellent"] - 0.3 * len(slugs)) <= 1 and abs(levels["good"] - 0.3 * len(slugs)) <= 1
    assert sorted(q.veto for q in found.values() if q.veto) == ["homepage", "letter"]
    assert all(found[slug].level == "poor" for slug in DRAFT_GUIDE_SITES if slug in found)
    assert profiles(slugs, 20261127) == found  # the same seed, the same city
    # Excellent sites have every duty assigned and no late letter to warn of; poor ones fall short on both.
    assert all(q.duties == 5 and q.overdue_days < 60 for q in found.values() if q.level == "excellent")
    assert all(q.duties < 5 and q.overdue_days >= 60 for q in found.values() if q.level == "poor")
