"""Retention keeps the newest backup of each of the last days, ISO weeks and months, and the newest good one."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from core.backups import retention
from core.backups.layout import complete_backups

RULE = {"daily": 7, "weekly": 4, "monthly": 12}


def _name(moment: datetime) -> str:
    return f"govsites-{moment:%Y%m%d-%H%M%S}"


#: A year of nightly backups (2026-01-01 to 2026-12-31, 02:00), retention applied after each: what is left,
#: worked out by hand. 2026-12-31 is a Thursday of ISO week 53 (Dec 28 - Jan 3).
KEPT_AT_END_OF_2026 = {
    # the last 7 days
    "2026-12-25", "2026-12-26", "2026-12-27", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31",
    # the last 4 ISO weeks: W53 and W52 (Dec 31, Dec 27: kept already), W51 (Sun Dec 20), W50 (Sun Dec 13)
    "2026-12-20", "2026-12-13",
    # the last 12 months: each month's last day (December's is Dec 31)
    "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31",
    "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30",
}


def _year():
    day = date(2026, 1, 1)
    while day.year == 2026:
        yield datetime.combine(day, datetime.min.time()).replace(hour=2)
        day += timedelta(days=1)


def test_a_simulated_year_of_nightly_backups_keeps_exactly_the_right_ones():
    present: dict[str, datetime] = {}
    for moment in _year():
        present[_name(moment)] = moment
        kept = retention.keep(present.items(), today=moment.date(), protect=_name(moment), **RULE)
        present = {name: when for name, when in present.items() if name in kept}
        assert len(present) <= 7 + 4 + 12
    assert {f"{when:%Y-%m-%d}" for when in present.values()} == KEPT_AT_END_OF_2026
    # Applied once at the end, the rule keeps the same: applying it every night loses nothing it would keep.
    everything = {_name(m): m for m in _year()}
    assert retention.keep(everything.items(), today=date(2026, 12, 31), **RULE) == set(present)


def test_the_newest_backup_of_a_day_is_the_one_kept():
    morning, night = datetime(2026, 6, 1, 2, 0), datetime(2026, 6, 1, 15, 30)  # nightly, then one by hand
    backups = [(_name(morning), morning), (_name(night), night)]
    assert retention.keep(backups, today=date(2026, 6, 1), daily=7, weekly=0, monthly=0) == {_name(night)}


def test_the_newest_good_backup_is_kept_whatever_its_age():
    """Backups stopped two years ago: the rule keeps none of them, the protected one stays."""
    old = [(_name(datetime(2024, 3, d, 2)), datetime(2024, 3, d, 2)) for d in (1, 2, 3)]
    assert retention.keep(old, today=date(2026, 6, 1), **RULE) == set()
    assert retention.keep(old, today=date(2026, 6, 1), protect=old[-1][0], **RULE) == {old[-1][0]}


def test_zero_keeps_nothing_of_that_kind_and_a_future_date_is_kept():
    moment = datetime(2026, 6, 1, 2)
    future = datetime(2026, 6, 9, 2)  # the clock went back: not deleted on a date the rule cannot place
    backups = [(_name(moment), moment), (_name(future), future)]
    assert retention.keep(backups, today=date(2026, 6, 2), daily=0, weekly=0, monthly=0) == {_name(future)}
    assert retention.keep(backups, today=date(2026, 6, 2), daily=0, weekly=1, monthly=0) == {
        _name(moment), _name(future)}


def test_a_year_on_disk_deletes_exactly_the_others_and_leaves_foreign_files_alone(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / ".partial-govsites-20261231-020000").mkdir()  # a run in progress: not retention's business
    (folder / "notes.txt").write_text("operator's notes")
    (folder / "govsites-20250101-020000").mkdir()  # no manifest: not a whole backup, left alone
    deleted: list[str] = []
    for moment in _year():
        backup = folder / _name(moment)
        (backup / "uploads").mkdir(parents=True)
        (backup / "uploads" / "a.pdf").write_bytes(b"%PDF-1.4")
        (backup / "manifest.json").write_text(json.dumps({"format": 1}))
        deleted += retention.apply(folder, today=moment.date(), protect=_name(moment), **RULE)
    assert {f"{datetime.strptime(n[9:], '%Y%m%d-%H%M%S'):%Y-%m-%d}" for n in complete_backups(folder)} \
        == KEPT_AT_END_OF_2026
    assert len(deleted) == 365 - len(KEPT_AT_END_OF_2026)
    assert not any((folder / name).exists() for name in deleted)
    assert (folder / ".partial-govsites-20261231-020000").is_dir() and (folder / "notes.txt").is_file()
    assert (folder / "govsites-20250101-020000").is_dir()
