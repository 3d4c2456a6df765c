"""Working-day arithmetic over the platform's calendar: the State Council's holidays and make-up days."""
from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from core.workdays.counting import WorkingCalendar
from core.workdays.operations import load_year, set_day
from core.workdays.queries import add_working_days, is_working_day, missing_years, working_days_between


@pytest.fixture
def calendar_2026(app):
    with app.app_context():
        load_year(2026)
        db.session.commit()
    return app


def test_across_the_spring_festival_and_its_make_up_saturdays(calendar_2026):
    with calendar_2026.app_context():
        # Accepted on Friday 13 February 2026: Saturday the 14th is worked (调休), 15-23 are off.
        assert is_working_day(date(2026, 2, 14)) and not is_working_day(date(2026, 2, 16))
        assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
        assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
        # 20 working days (the disclosure regulation's limit), with Saturday 28 February worked too.
        assert add_working_days(date(2026, 2, 13), 20) == date(2026, 3, 19)
        assert working_days_between(date(2026, 2, 13), date(2026, 3, 19)) == 20
        assert working_days_between(date(2026, 2, 13), date(2026, 3, 18)) == 19
        assert working_days_between(date(2026, 2, 14), date(2026, 2, 23)) == 0


def test_across_national_day_and_into_a_year_not_entered(calendar_2026):
    with calendar_2026.app_context():
        assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)  # 1-7 October off
        assert is_working_day(date(2026, 10, 10))  # a Saturday worked
        # 2027 is not entered: Monday to Friday only, and the console is told.
        assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
        assert missing_years(date(2026, 11, 30)) == [2027]
        assert missing_years(date(2026, 9, 30)) == []


def test_a_limit_of_zero_days_ends_the_same_day_and_a_negative_one_is_refused():
    calendar = WorkingCalendar({}, date(2026, 1, 1), date(2026, 12, 31))
    assert calendar.add(date(2026, 3, 6), 0) == date(2026, 3, 6)
    assert calendar.add(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday + 1 = Monday
    with pytest.raises(ValueError):
        calendar.add(date(2026, 3, 6), -1)


def test_a_long_count_loads_the_years_it_reaches(calendar_2026):
    with calendar_2026.app_context():
        set_day(date(2027, 2, 8), "holiday", name_zh="春节")
        db.session.commit()
        # 300 working days from January 2026 cross into 2027 and meet the bureau's entry.
        end = add_working_days(date(2026, 1, 5), 300)
        assert working_days_between(date(2026, 1, 5), end) == 300
        assert not is_working_day(date(2027, 2, 8))


def test_the_bureau_overrides_the_package(calendar_2026):
    with calendar_2026.app_context():
        set_day(date(2026, 2, 14), "normal")  # say the make-up Saturday were cancelled
        db.session.commit()
        assert not is_working_day(date(2026, 2, 14))
        load_year(2026)  # reloading keeps the bureau's entry
        db.session.commit()
        assert not is_working_day(date(2026, 2, 14))
        load_year(2026, replace=True)  # unless told to take the schedule as published
        db.session.commit()
        assert is_working_day(date(2026, 2, 14))
