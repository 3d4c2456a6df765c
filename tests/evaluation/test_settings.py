"""The bureau's settings: the lines of late letters, the back-dating margin and the security deductions' counts are
settings like the others, with their ranges, audited, and read by the modules below the evaluation too."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.audit.models import PlatformAuditEntry
from core.content.backdating import DEFAULT_MARGIN_DAYS, backdate_margin_days
from core.evaluation.operations import EvaluationError, update_settings
from core.evaluation.settings import DEFAULTS, current_settings, settings_problems
from core.extensions import db
from core.interaction.lines import LetterLines, letter_lines
from tests.fixtures.accounts import post_form


def test_the_defaults_are_the_lines_the_modules_below_keep_without_the_evaluation():
    assert (DEFAULTS["letter_warning_months"], DEFAULTS["letter_veto_months"], DEFAULTS["letter_window_months"]) \
        == (LetterLines().warning_months, LetterLines().veto_months, LetterLines().window_months) == (2, 3, 12)
    assert DEFAULTS["backdate_margin_days"] == DEFAULT_MARGIN_DAYS == 3
    assert (DEFAULTS["links_full"], DEFAULTS["findings_full"]) == (5, 5)


@pytest.mark.parametrize("values, key", [
    ({"letter_veto_months": 0}, "letter_veto_months"), ({"letter_veto_months": 13}, "letter_veto_months"),
    ({"letter_window_months": 37}, "letter_window_months"), ({"letter_warning_months": 0}, "letter_warning_months"),
    ({"backdate_margin_days": -1}, "backdate_margin_days"), ({"backdate_margin_days": 366}, "backdate_margin_days"),
    ({"links_full": 0}, "links_full"), ({"findings_full": 0}, "findings_full"),
    # The early warning comes before the veto line.
    ({"letter_warning_months": 3}, "letter_warning_months"),
    ({"letter_warning_months": 4, "letter_veto_months": 4}, "letter_warning_months"),
])
def test_a_value_out_of_its_range_or_order_is_refused(values, key):
    assert key in settings_problems(values)


def test_values_in_range_and_order_are_taken():
    assert settings_problems({"letter_warning_months": 5, "letter_veto_months": 6, "letter_window_months": 24,
                              "backdate_margin_days": 0, "links_full": 10, "findings_full": 1}) == {}


def test_a_change_is_audited_and_every_reader_sees_it(app):
    with app.app_context():
        assert letter_lines() == LetterLines() and backdate_margin_days() == 3  # nothing changed: the defaults
        changed = update_settings({"letter_warning_months": 1, "letter_veto_months": 4, "backdate_margin_days": 7,
                                   "links_full": 10})
        db.session.commit()
        assert changed == {"letter_warning_months": [2, 1], "letter_veto_months": [3, 4],
                           "backdate_margin_days": [3, 7], "links_full": [5, 10]}
        entry = db.session.execute(select(PlatformAuditEntry).where(
            PlatformAuditEntry.action == "evaluation.settings")).scalar_one()
        assert json.loads(entry.detail) == {"settings_changed": changed}
        assert letter_lines() == LetterLines(warning_months=1, veto_months=4, window_months=12)
        assert backdate_margin_days() == 7
        with pytest.raises(EvaluationError):
            update_settings({"letter_warning_months": 4})  # not before the veto line of four
        db.session.rollback()
        assert current_settings()["letter_warning_months"] == 1


def test_the_settings_page_offers_the_lines_and_says_what_is_wrong(app, admin):
    admin.set_language("en")
    html = admin.get("/platform/evaluation/settings").get_data(as_text=True)
    for key in ("letter_veto_months", "letter_window_months", "letter_warning_months", "backdate_margin_days",
                "links_full", "findings_full"):
        assert f'name="{key}"' in html
    assert "Months a valid letter may wait for its answer (more fails the site)" in html
    with app.app_context():
        values = {key: str(value) for key, value in current_settings().items()}
    refused = post_form(admin, "/platform/evaluation/settings", {**values, "letter_warning_months": "3"})
    assert refused.status_code == 200
    assert "The early warning must come before the veto line: fewer months." in refused.get_data(as_text=True)
    refused = post_form(admin, "/platform/evaluation/settings", {**values, "backdate_margin_days": "-2"})
    assert refused.status_code == 200 and "Number must be between 0 and 365." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(PlatformAuditEntry).where(
            PlatformAuditEntry.action == "evaluation.settings")).first() is None  # nothing changed
    assert post_form(admin, "/platform/evaluation/settings", {**values, "letter_veto_months": "4"}).status_code == 302
    with app.app_context():
        assert letter_lines().veto_months == 4
