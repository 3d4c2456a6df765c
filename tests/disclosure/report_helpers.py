"""Helpers of tests/disclosure/test_report*.py: planted applications, the report's editor, its table cells."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from core.disclosure.models_applications import DisclosureApplication
from core.extensions import db


def plant_application(kind="person", organisation_type=None, *, sent: date, received: date | None = None,
                      answered: date | None = None, reply: str | None = None, ground: str | None = None) -> None:
    """An application of the active site as the officers left it (no personal data that matters)."""
    number = db.session.info.setdefault("report_n", [0])
    number[0] += 1
    status = "answered" if answered else ("registered" if received else "submitted")
    db.session.add(DisclosureApplication(
        tracking_code=f"R{number[0]:011d}", applicant_kind=kind, organisation_type=organisation_type,
        applicant_name="申请人", phone="13812345678", phone_hash="0" * 64, description="某项信息", status=status,
        submitted_at=datetime.combine(sent, datetime.min.time()), received_on=received, reply_type=reply,
        reply_ground=ground,
        answered_at=datetime.combine(answered, datetime.min.time()).replace(hour=10) if answered else None))


def row_cells(html: str, label: str) -> list[str]:
    """The figures of the report table's row named `label` (its last header cell), as text."""
    found = re.search(rf"<th[^>]*>{re.escape(label)}</th>((?:<td[^>]*>[^<]*</td>)+)", html)
    assert found, label
    return re.findall(r"<td[^>]*>([^<]*)</td>", found.group(1))


@pytest.fixture
def staff(signed_in):
    """`staff(site, role)`: a client signed in on the site's host with one role, and the account."""

    def factory(site, role: str, name: str | None = None):
        return signed_in(site.host, name or f"{role}.{site.slug}", site=site, roles=[role])

    return factory
