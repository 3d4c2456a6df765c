"""How far a long job run has got: a bar on the terminal, and the same figures on the console's runs page.

A job reports its progress by wrapping the loop that takes the time::

    from jobs import progress

    for table in progress.track(tables, label=_l("Copying the tables")):
        ...

or, when the work is not one loop, with a phase it advances itself::

    with progress.phase(_l("Copying the uploaded files"), total=total_bytes, unit="bytes") as bar:
        bar.advance(len(chunk))

When the run was started from a terminal (`flask jobs run-once`, `flask backup
create`) a rich progress bar is drawn on standard error. Whoever started it,
the run's `JobRun` row carries the phase's label, the units done and the total,
written through a connection of its own (so the console sees them while the
job's transaction is still open) at most once a second; the console's runs
page draws them as a bar. Outside a recorded run (a test calling the job's
function directly) both are skipped and the loop runs as it would.

A label is a fixed lazy string (``_l("…")``): it is stored as its English text
and translated again when the page is drawn, so every reader sees their
language; the counts are stored apart from it.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask_babel import force_locale
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from core.extensions import db
from jobs.models import JobRun

log = logging.getLogger("govsites.jobs")
T = TypeVar("T")
#: Seconds between two writes of a run's progress to the database.
WRITE_EVERY = 1.0
#: Units a phase may count in; "bytes" shows as a size on the terminal and on the page.
UNITS = ("items", "bytes")


@dataclass
class RunProgress:
    """The progress of the run in hand: which run, whether a terminal shows it, when it was last written."""

    run_id: int | None
    echo: bool
    last_write: float = 0.0
    bar: Any = field(default=None, repr=False)


_current: ContextVar[RunProgress | None] = ContextVar("govsites_job_progress", default=None)


@contextmanager
def reporting(run_id: int | None, *, echo: bool) -> Iterator[None]:
    """Make the phases opened inside report to run `run_id` (and to the terminal when `echo`); used by run_job.

    `run_id` None: the terminal only, for work that is no job run (`flask backup restore` replaces the very
    table runs are written to).
    """
    state = RunProgress(run_id, echo)
    token = _current.set(state)
    try:
        if echo:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            state.bar = Progress(TextColumn("{task.description}"), BarColumn(), _count_column(),
                                 TimeElapsedColumn(), TimeRemainingColumn())
            with state.bar:
                yield
        else:
            yield
    finally:
        _current.reset(token)


def _count_column():
    from rich.filesize import decimal
    from rich.progress import ProgressColumn
    from rich.text import Text

    class CountColumn(ProgressColumn):
        """3/12, or 1.2 MB/4.0 MB for a phase that counts bytes."""

        def render(self, task):
            shown = decimal if task.fields.get("unit") == "bytes" else str
            total = "?" if task.total is None else shown(int(task.total))
            return Text(f"{shown(int(task.completed))}/{total}")

    return CountColumn()


class Phase:
    """One stage of a run with a known (or unknown, None) total; `advance` as the work is done."""

    def __init__(self, state: RunProgress | None, label: Any, total: int | None, unit: str):
        self.state, self.total, self.unit, self.done = state, total, unit, 0
        with force_locale("en"):
            self.label = str(label)[:200]
        self._task = None
        if state is not None and state.bar is not None:
            self._task = state.bar.add_task(str(label), total=total, unit=unit)
        self._write(force=True)

    def advance(self, amount: int = 1) -> None:
        """Count `amount` more units done (items, or bytes when the phase counts bytes)."""
        self.done += amount
        if self._task is not None:
            self.state.bar.advance(self._task, amount)
        self._write()

    def finish(self) -> None:
        if self.total is not None and self.done < self.total and self._task is not None:
            self.state.bar.update(self._task, completed=self.total)
        self._write(force=True)

    def _write(self, force: bool = False) -> None:
        state = self.state
        if state is None or state.run_id is None:
            return
        moment = time.monotonic()
        if not force and moment - state.last_write < WRITE_EVERY:
            return
        state.last_write = moment
        write_progress(state.run_id, self.label, self.done, self.total, self.unit)


@contextmanager
def phase(label: Any, *, total: int | None = None, unit: str = "items") -> Iterator[Phase]:
    """Open a stage of the current run: ``with phase(_l("Copying files"), total=n, unit="bytes") as bar``.

    :param label: a fixed lazy string naming the stage.
    :param total: how many units the stage has, or None when not known in advance.
    :param unit: "items" or "bytes".
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}")
    stage = Phase(_current.get(), label, total, unit)
    try:
        yield stage
    finally:
        stage.finish()


def track(items: Iterable[T], *, label: Any, total: int | None = None) -> Iterator[T]:
    """Yield `items` one by one, counting each as done after the loop body ran; `total` defaults to len(items)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with phase(label, total=total) as stage:
        for item in items:
            yield item
            stage.advance()


def write_progress(run_id: int, label: str, done: int, total: int | None, unit: str) -> None:
    """Store a run's progress through a connection of its own, committed at once; never fails the job.

    On SQLite the write waits at most a tenth of a second for a lock (the job itself may be writing): a
    progress figure skipped is better than a job stalled.
    """
    try:
        with db.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                connection.exec_driver_sql("PRAGMA busy_timeout=100")
            try:
                connection.execute(update(JobRun).where(JobRun.id == run_id).values(
                    progress_label=label, progress_done=done, progress_total=total, progress_unit=unit))
                connection.commit()
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA busy_timeout=5000")
    except SQLAlchemyError as error:
        log.debug("progress of run %s not written: %s", run_id, error)
