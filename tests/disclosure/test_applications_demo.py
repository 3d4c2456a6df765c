"""The demo city's applications for disclosure: every site has some in every state, the city every reply type,
each site a disclosure officer; the data is what the real pages and the yearly counts take."""
from __future__ import annotations

import random
from collections import Counter, defaultdict

from sqlalchemy import delete, select

from core.auth.models import User
from core.demo.disclosure_applications import fill_disclosure_applications
from core.disclosure.models_applications import (REPLY_TYPES, STATES, DisclosureApplication,
                                                 DisclosureApplicationEvent, DisclosureApplicationFile)
from core.disclosure.queries_applications import deadlines, year_counts
from core.extensions import db
from core.privacy.checks import id_number_problem, is_mobile
from core.timeutil import now
from tenants.catalog import load_catalog
from tenants.models import Tenant
from tenants.scoping import activate_tenant


def _all(query):
    return list(db.session.execute(query.execution_options(all_tenants=True)).scalars())


def test_every_demo_site_has_applications_in_every_state(app, runner):
    result = runner.invoke(args=["demo", "load", "--news-per-site", "3"])
    assert result.exit_code == 0, result.output
    assert "applications for disclosure" in result.output
    today = now().date()
    with app.app_context():
        tenants = {t.id: t.slug for t in _all(select(Tenant))}
        rows = _all(select(DisclosureApplication))
        by_site = defaultdict(list)
        for row in rows:
            by_site[tenants[row.tenant_id]].append(row)
        assert set(by_site) == {s["slug"] for s in load_catalog()["sites"]}
        for slug, found in by_site.items():
            assert {r.status for r in found} == set(STATES), slug
        assert {r.reply_type for r in rows if r.reply_type} == set(REPLY_TYPES)
        for row in rows:
            assert is_mobile(row.phone)
            assert row.applicant_kind == "organisation" or id_number_problem(row.id_number) is None
            assert row.description and row.due_on
        officers = {u.username for u in _all(select(User).where(User.username.like("%.disclosureofficer")))}
        assert officers == {f"{slug}.disclosureofficer" for slug in by_site}
        # Overdue on some sites, within the limit on others; the clarified one counts from its clarification.
        kinds = Counter()
        for slug, found in by_site.items():
            tenant_id = found[0].tenant_id
            with activate_tenant(tenant_id):
                kinds.update(d.kind for d in deadlines(found, today).values())
                counts = year_counts(today.year - 1)
                assert counts.count("answered") >= 2 and counts.count("received") >= 2, slug
        assert {"overdue", "due_soon", "running", "paused", "on_time", "late"} <= set(kinds)
        restarted = [r for r in rows if r.clarified_at is not None]
        assert restarted and all(r.clock_from == r.clarified_at.date() and r.extended_days for r in restarted)
        files = _all(select(DisclosureApplicationFile))
        assert {f.kind for f in files} == {"applicant", "reply"}
        db.session.remove()


def test_the_demo_applications_are_the_same_every_load(app, create_site):
    site = create_site("rsj")
    spec = next(s for s in load_catalog()["sites"] if s["slug"] == "rsj")
    today = now().date()

    def load():
        with app.app_context(), activate_tenant(site.id):
            fill_disclosure_applications(spec, index=3, today=today, rng=random.Random("demo:rsj:disclosure"))
            found = [(a.tracking_code, a.status, a.applicant_name, a.phone, a.description, a.due_on, a.reply_type)
                     for a in db.session.execute(select(DisclosureApplication).order_by(DisclosureApplication.id))
                     .scalars()]
            for model in (DisclosureApplicationFile, DisclosureApplicationEvent, DisclosureApplication):
                db.session.execute(delete(model))
            db.session.commit()
            return found

    assert load() == load()
