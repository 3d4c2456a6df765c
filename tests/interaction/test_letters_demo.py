"""The demo city's letters: the states every site's letters are in, the sites that review replies and the ones that
forward a letter, as the README says; deterministic."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import delete, select

from core.demo.letters import fill_letters, forward_some, reviews_replies
from core.extensions import db
from core.interaction.models import Letter, LetterEvent, LetterOptions, PublishedLetter
from tenants.catalog import load_catalog
from tenants.scoping import activate_tenant

TODAY = date(2026, 11, 27)
#: The states every demo site has letters in.
EVERY_SITE = {"held", "new", "assigned", "info_requested", "replied", "not_accepted"}


def _states() -> dict[str, int]:
    found: dict[str, int] = {}
    for status in db.session.execute(select(Letter.status)).scalars():
        found[status] = found.get(status, 0) + 1
    return found


def _empty() -> None:
    db.session.execute(delete(PublishedLetter))
    db.session.execute(delete(LetterEvent))
    db.session.execute(delete(Letter))
    db.session.execute(delete(LetterOptions))


def test_every_demo_site_has_letters_held_new_assigned_paused_replied_and_not_accepted(app, two_sites):
    rsj = two_sites[0]
    sites = load_catalog()["sites"]
    reviewing = 0
    with app.app_context(), activate_tenant(rsj.id):
        for position, site in enumerate(sites):
            review = reviews_replies(position)
            fill_letters(site, today=TODAY, rng=random.Random(f"20261127:{site['slug']}:letters"), officer_id=None,
                         review=review)
            states = _states()
            # Every fourth site has a reply waiting for a second officer's review; the others have none.
            assert set(states) == EVERY_SITE | ({"reviewing"} if review else set()), site["slug"]
            assert states["held"] == 1 and states["replied"] >= 5, site["slug"]
            assert db.session.execute(select(Letter).where(Letter.status == "assigned",
                                                           Letter.due_on < TODAY)).first(), site["slug"]  # overdue
            reviewing += review
            _empty()
        db.session.rollback()
    assert reviewing == len(sites) // 4 + (len(sites) % 4 > 2)


def test_one_site_in_three_forwards_a_consultation_to_the_next(app, two_sites, create_site):
    rsj, czj, _ = two_sites
    third = create_site("zjj", name_zh="廊坊市住建局")
    sites = [rsj, czj, third]
    catalog = {site["slug"]: site for site in load_catalog()["sites"]}
    with app.app_context():
        for site in sites:
            with activate_tenant(site.id):
                fill_letters(catalog["rsj"], today=TODAY, rng=random.Random(f"seed:{site.slug}"), officer_id=None)
        assert forward_some([s.id for s in sites], today=TODAY, rng=random.Random("seed:forwarded")) == 1
        states = {}
        for site in sites:
            with activate_tenant(site.id):
                states[site.slug] = _states()
                copies = db.session.execute(select(Letter).where(Letter.forwarded_from_id.is_not(None))).scalars().all()
                if site.slug == "czj":  # the first site's letter came here, and waits or is answered
                    assert [(c.forwarded_from_id, c.status in ("new", "replied")) for c in copies] == [(rsj.id, True)]
                else:
                    assert copies == []
        db.session.rollback()
    assert [states[s.slug].get("forwarded", 0) for s in sites] == [1, 0, 0]
