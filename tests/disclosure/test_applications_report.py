"""The yearly report's table 3 (收到和处理政府信息公开申请情况): applications received by kind of applicant,
carried over from last year, outcomes by reply type and legal ground, carried into next year; on planted data."""
from __future__ import annotations

from datetime import date, datetime

from core.disclosure.models_applications import DisclosureApplication
from core.disclosure.queries_applications import REPORT_COLUMNS, year_counts
from core.extensions import db
from tenants.scoping import activate_tenant


def _plant(kind="person", organisation_type=None, *, sent: date, received: date | None = None,
           answered: date | None = None, reply: str | None = None, ground: str | None = None):
    status = "answered" if answered else ("registered" if received else "submitted")
    db.session.add(DisclosureApplication(
        tracking_code=f"T{db.session.info.setdefault('n', [0])[0]:011d}", applicant_kind=kind,
        organisation_type=organisation_type, applicant_name="申请人", phone="13812345678", phone_hash="0" * 64,
        description="某项信息", status=status, submitted_at=datetime.combine(sent, datetime.min.time()),
        received_on=received, reply_type=reply, reply_ground=ground,
        answered_at=datetime.combine(answered, datetime.min.time()).replace(hour=10) if answered else None))
    db.session.info["n"][0] += 1


def test_the_counts_equal_the_planted_applications(app, two_sites):
    rsj, czj = two_sites[0], two_sites[1]
    with app.app_context():
        with activate_tenant(rsj.id):
            _plant(sent=date(2024, 5, 6), received=date(2024, 5, 6), answered=date(2024, 5, 20), reply="disclosed")
            # Received in December 2024, answered in January 2025: carried over into 2025.
            _plant(sent=date(2024, 12, 27), received=date(2024, 12, 30), answered=date(2025, 1, 13), reply="repeat")
            _plant(sent=date(2025, 3, 3), received=date(2025, 3, 3), answered=date(2025, 3, 20), reply="disclosed")
            _plant(sent=date(2025, 4, 1), received=date(2025, 4, 2), answered=date(2025, 4, 28),
                   reply="not_disclosed", ground="process_info")
            _plant("organisation", "business", sent=date(2025, 6, 2), received=date(2025, 6, 2),
                   answered=date(2025, 6, 25), reply="partly_disclosed", ground="third_party")
            _plant("organisation", "legal_service", sent=date(2025, 9, 1), received=date(2025, 9, 1),
                   answered=date(2025, 9, 10), reply="not_held")
            # Received in December 2025 and answered in January 2026; sent on 31 December and not yet registered.
            _plant(sent=date(2025, 12, 15), received=date(2025, 12, 15), answered=date(2026, 1, 8),
                   reply="not_exist")
            _plant(sent=date(2025, 12, 31))
            _plant(sent=date(2026, 2, 2), received=date(2026, 2, 2))
            db.session.commit()
        with activate_tenant(czj.id):  # another site's application counts for it alone
            _plant(sent=date(2025, 3, 3), received=date(2025, 3, 3), answered=date(2025, 3, 4), reply="disclosed")
            db.session.commit()
        with activate_tenant(rsj.id):
            counts = year_counts(2025)
            following = year_counts(2026)
        db.session.remove()

    def row(key):
        return {column: value for column, value in counts.rows[key].items() if value}

    assert set(counts.rows["received"]) == set(REPORT_COLUMNS)
    assert row("received") == {"person": 4, "business": 1, "legal_service": 1, "total": 6}
    assert row("carried_over") == {"person": 1, "total": 1}
    assert row("disclosed") == {"person": 1, "total": 1}
    assert row("partly_disclosed") == {"business": 1, "total": 1}
    assert row("not_disclosed") == {"person": 1, "total": 1}
    assert row("not_disclosed:process_info") == {"person": 1, "total": 1}
    assert row("not_disclosed:third_party") == {}
    assert row("not_held") == {"legal_service": 1, "total": 1}
    assert row("repeat") == {"person": 1, "total": 1}
    assert row("not_exist") == {} and row("not_disclosure_request") == {}
    assert row("answered") == {"person": 3, "business": 1, "legal_service": 1, "total": 5}
    assert row("pending") == {"person": 2, "total": 2}
    # Received + carried over = answered in the year + carried into the next.
    assert counts.count("received") + counts.count("carried_over") == counts.count("answered") + \
        counts.count("pending")
    # The next year starts from what this one carried over.
    assert following.count("carried_over") == 2 and following.count("received") == 1
    assert following.count("not_exist") == 1 and following.count("pending") == 2
