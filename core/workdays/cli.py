"""`flask workdays …`: enter a year's holidays, and count working days from a shell."""
from __future__ import annotations


import click
from flask import Flask
from flask.cli import AppGroup

from core.extensions import db
from core.workdays.operations import FIRST_YEAR, LAST_YEAR, CalendarError, load_year
from core.workdays.queries import add_working_days, days_of_year, known_years
from core.workdays.sources import package_years

workdays_cli = AppGroup("workdays", help="The working-day calendar: public holidays and make-up working days.")


@workdays_cli.command("load")
@click.argument("years", nargs=-1, type=int)
@click.option("--replace", is_flag=True, help="Also overwrite the days the bureau entered by hand.")
def load(years, replace) -> None:
    """Enter YEARS (default: every year the calendar package knows) from the State Council's schedules."""
    for year in years or package_years():
        try:
            entered = load_year(year, replace=replace)
        except CalendarError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(f"{year}: {entered} days entered")


@workdays_cli.command("show")
@click.argument("year", type=int)
def show(year) -> None:
    """List YEAR's days off and make-up working days."""
    source = known_years().get(year)
    click.echo(f"{year}: {'entered from the package' if source == 'package' else 'entered by the bureau' if source else 'NOT ENTERED (Monday to Friday only)'}")
    for day in days_of_year(year):
        click.echo(f"{day.day.isoformat()} {'work' if day.working else 'off '} {day.name_zh}")


@workdays_cli.command("add")
@click.argument("start", type=click.DateTime(["%Y-%m-%d"]))
@click.argument("days", type=click.IntRange(0, 3650))
def add(start, days) -> None:
    """The date a limit of DAYS working days ends, counted from the day after START."""
    first = start.date()
    if not FIRST_YEAR <= first.year <= LAST_YEAR - 20:
        raise click.BadParameter(f"choose a date between {FIRST_YEAR} and {LAST_YEAR - 20}", param_hint="START")
    end = add_working_days(first, days)
    click.echo(end.isoformat())
    known = known_years()
    missing = [year for year in range(first.year, end.year + 1) if year not in known]
    if missing:
        click.echo(f"warning: the holidays of {', '.join(map(str, missing))} are not entered; "
                   "the count there takes Monday to Friday as working days", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(workdays_cli)
