"""The scheduler process (`flask jobs run`): hold the lease, and run jobs only while holding it.

The main thread keeps the lease: every SCHEDULER_RENEW_SECONDS it takes or
renews it for SCHEDULER_LEASE_SECONDS. While held, an APScheduler
BackgroundScheduler runs the enabled jobs (max_instances=1, coalesce=True),
each run recorded by `run_job`. When the lease is lost (another scheduler took
it after this one stalled) or cannot be renewed before it runs out, the
scheduler stops and this process waits as a standby; a standby takes over
within SCHEDULER_LEASE_SECONDS + SCHEDULER_RENEW_SECONDS of the holder's death,
kill -9 included. SIGTERM or SIGINT stops it cleanly and gives the lease up.
"""
from __future__ import annotations

import logging
import signal
import threading
import time

from flask import Flask

from core.timeutil import CITY_TZ
from jobs.lease import acquire_lease, new_holder_id, release_lease
from jobs.registry import Schedule, catch_up_time, effective_schedules
from jobs.runs import clock, close_interrupted_runs, last_started, run_job

log = logging.getLogger("govsites.jobs")


class SchedulerProcess:
    """One scheduler: a lease keeper in the calling thread, APScheduler while it holds the lease."""

    def __init__(self, app: Flask, *, holder: str | None = None):
        self.app = app
        self.holder = holder or new_holder_id()
        self.lease_seconds = float(app.config["SCHEDULER_LEASE_SECONDS"])
        self.renew_seconds = float(app.config["SCHEDULER_RENEW_SECONDS"])
        if not 0 < self.renew_seconds < self.lease_seconds:
            raise ValueError("SCHEDULER_RENEW_SECONDS must be above 0 and below SCHEDULER_LEASE_SECONDS")
        with app.app_context():
            self.schedules: list[Schedule] = effective_schedules(app.config)
        self.stopping = threading.Event()
        self._scheduler = None
        #: time.monotonic() until which this process may run jobs (the lease, measured locally).
        self._valid_until = 0.0

    # --- the lease -----------------------------------------------------------------------

    def holds_lease(self) -> bool:
        return time.monotonic() < self._valid_until

    def _renew(self) -> bool | None:
        """Take or renew the lease once: True held, False held by another, None the database did not answer."""
        asked = time.monotonic()
        try:
            with self.app.app_context():
                held = acquire_lease(self.holder, now=clock(), seconds=self.lease_seconds)
        except Exception:
            log.exception("could not reach the lease; jobs stop if it runs out")
            return None
        # Counted from before the UPDATE, so this side's view never outlasts the database's.
        self._valid_until = asked + self.lease_seconds if held else 0.0
        return held

    def _keep_lease(self) -> None:
        """Renew or take the lease, and start or stop the job scheduler to match."""
        if self._renew() and self._scheduler is None:
            try:
                self._start_jobs()
            except Exception:
                log.exception("could not start the jobs; trying again at the next renewal")
        if self._scheduler is not None and not self.holds_lease():
            log.warning("lease lost: %s stops running jobs and waits", self.holder)
            self._stop_jobs(wait=False)

    # --- the jobs ------------------------------------------------------------------------

    def _run(self, job_id: str) -> None:
        if not self.holds_lease():  # the lease ran out since the last renewal: not ours to run
            log.warning("skipped %s: lease not held", job_id)
            return
        with self.app.app_context():
            run_job(job_id, holder=self.holder)

    def _start_jobs(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        with self.app.app_context():
            moment = clock()
            closed = close_interrupted_runs(holder=self.holder, now=moment)
            last = last_started()
        if closed:
            log.warning("marked %s runs of a previous scheduler as interrupted", closed)
        scheduler = BackgroundScheduler(timezone=CITY_TZ, job_defaults={
            "max_instances": 1, "coalesce": True, "misfire_grace_time": 60})
        for schedule in self.schedules:
            if schedule.is_disabled:
                continue
            first = catch_up_time(schedule.trigger, last.get(schedule.job.id), moment)
            options = {"next_run_time": first.replace(tzinfo=CITY_TZ)} if first is not None else {}
            scheduler.add_job(self._run, schedule.trigger.to_apscheduler(), args=[schedule.job.id],
                              id=schedule.job.id, name=schedule.job.id, **options)
        scheduler.start()
        self._scheduler = scheduler
        enabled = [f"{s.job.id} ({s.trigger})" for s in self.schedules if not s.is_disabled]
        log.info("lease taken by %s; running %s", self.holder, ", ".join(enabled) or "no jobs")

    def _stop_jobs(self, *, wait: bool) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=wait)

    # --- the process ---------------------------------------------------------------------

    def run_forever(self) -> None:
        """Keep the lease and run jobs until SIGTERM or SIGINT."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stopping.set())
        log.info("scheduler %s started (lease %ss, renewed every %ss)", self.holder, self.lease_seconds,
                 self.renew_seconds)
        try:
            while not self.stopping.is_set():
                self._keep_lease()
                self.stopping.wait(self.renew_seconds)
        finally:
            self.stop()

    def stop(self) -> None:
        """Let running jobs finish, still renewing the lease meanwhile, then give the lease up."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            # No new runs start; a run in progress may outlast the lease, so keep it renewed.
            scheduler.pause()
            finishing = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True})
            finishing.start()
            finishing.join(self.renew_seconds)
            while finishing.is_alive():
                self._renew()
                finishing.join(self.renew_seconds)
            try:
                with self.app.app_context():
                    release_lease(self.holder, now=clock())
            except Exception:
                log.exception("could not release the lease; it expires by itself")
        self._valid_until = 0.0
        log.info("scheduler %s stopped", self.holder)
