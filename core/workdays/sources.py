"""The State Council's holiday schedules as the `chinese-calendar` package records them.

The package is updated when the State Council publishes a year's notice
(usually in November or December); for a year it does not know yet, the
bureau enters the days on the console.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar

#: The package names holidays in English; the calendar shows them as the notice does.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class ScheduledDay:
    """One day of a year's schedule: off (working=False) or a make-up working day (working=True)."""

    day: date
    working: bool
    name_en: str
    name_zh: str


def package_years() -> list[int]:
    """The years whose schedule the installed package holds."""
    return sorted({day.year for day in chinese_calendar.holidays})


def package_schedule(year: int) -> list[ScheduledDay]:
    """The days off and make-up working days of `year`, from the package; [] for a year it does not know.

    Days off are the holiday periods of the notice (weekends inside them
    included, so the calendar can name them); make-up days are the weekend
    days worked in exchange (调休).
    """
    if year not in package_years():
        return []
    days = [ScheduledDay(day, False, name, HOLIDAY_NAMES_ZH.get(name, name))
            for day, name in chinese_calendar.holidays.items() if day.year == year]
    days += [ScheduledDay(day, True, name, HOLIDAY_NAMES_ZH.get(name, name))
             for day, name in chinese_calendar.workdays.items() if day.year == year and day.weekday() >= 5]
    return sorted(days, key=lambda d: d.day)
