"""The fixtures of the tests of applications for disclosure (tests/disclosure/applications_helpers.py)."""
from tests.disclosure.applications_helpers import calendar_2026, clock, officer_of  # noqa: F401
