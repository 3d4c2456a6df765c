"""The demo city's consultations: every site one closed with decided opinions and a published summary whose figures
match the decisions, some sites one open today; all inside their windows, deterministic."""
from __future__ import annotations

import random
from datetime import date, datetime

from sqlalchemy import delete, select

from core.demo.consultations import fill_consultations
from core.extensions import db
from core.interaction.models_consultations import Consultation, Opinion
from core.interaction.queries_consultations import decision_counts, phase
from tenants.catalog import load_catalog
from tenants.scoping import activate_tenant

TODAY = date(2026, 11, 27)


def _fill(site: dict, seed: str):
    fill_consultations(site, today=TODAY, rng=random.Random(seed))
    rows = list(db.session.execute(select(Consultation).order_by(Consultation.id)).scalars())
    opinions = {c.id: list(db.session.execute(select(Opinion).where(Opinion.consultation_id == c.id)).scalars())
                for c in rows}
    return rows, opinions


def test_every_demo_site_gets_a_concluded_consultation_and_some_an_open_one(app, two_sites, monkeypatch):
    monkeypatch.setattr("core.timeutil.now", lambda: datetime(2026, 11, 27, 12, 0))
    rsj = two_sites[0]
    open_sites = 0
    with app.app_context(), activate_tenant(rsj.id):
        for site in load_catalog()["sites"]:
            rows, opinions = _fill(site, f"20261127:{site['slug']}:consultations")
            phases = [phase(c) for c in rows]
            assert phases[0] == "concluded", site["slug"]
            assert phases[1:] in ([], ["open"]), site["slug"]
            open_sites += len(phases) - 1
            closed = rows[0]
            assert "征求意见稿" in closed.title and closed.body_html.startswith("<h2>")
            assert all(o.decision for o in opinions[closed.id])
            assert all(closed.open_on <= o.submitted_at.date() <= closed.close_on for o in opinions[closed.id])
            counts = decision_counts(closed.id)
            assert f"共收到有效意见{counts['total']}条" in closed.summary_text
            assert f"采纳{counts['adopted']}条，部分采纳{counts['partly_adopted']}条" in closed.summary_text
            assert closed.close_on < closed.summary_published_at.date() <= TODAY
            for current in rows[1:]:
                assert all(o.decision is None and o.submitted_at.date() < TODAY for o in opinions[current.id])
            db.session.execute(delete(Opinion))
            db.session.execute(delete(Consultation))
        db.session.rollback()
    assert 15 <= open_sites <= 45  # about four sites in ten


def test_the_same_seed_gives_the_same_consultations(app, two_sites):
    site = next(s for s in load_catalog()["sites"] if s["slug"] == "wjj")
    seen = []
    with app.app_context(), activate_tenant(two_sites[0].id):
        for _ in range(2):
            rows, opinions = _fill(site, "seed:wjj")
            seen.append([(c.title, c.open_on, c.summary_text, [(o.body, o.name, o.phone, o.decision)
                                                                 for o in opinions[c.id]]) for c in rows])
            db.session.rollback()
    assert seen[0] == seen[1] and "机动车停放" in seen[0][0][0]
