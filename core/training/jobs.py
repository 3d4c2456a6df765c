"""Delivering training material to its audience, and the one reminder before its due date."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.training.operations import distribute, send_reminders
from jobs import cron, every, scheduled


@scheduled(id="training.distribute", trigger=every(minutes=10), title=_l("Deliver training material"),
           description=_l("Puts each published training material in the inbox of everyone it is for (by role and by "
                          "site), and sends it by e-mail where an SMTP server is configured and the person gave an "
                          "address. Each person gets it once; people who join its audience later (a new account, a "
                          "new role, a site added) get it on the next run."),
           summary=_l("materials: %(materials)s; people reached: %(people)s"))
def distribute_training(now):
    return distribute(now)


@scheduled(id="training.remind", trigger=cron("0 9 * * *"), title=_l("Remind of training material due soon"),
           description=_l("A few working days before a training material's due date (three unless configured, counted "
                          "with the holiday calendar), reminds once everyone it is for who has not yet confirmed "
                          "reading it. Nobody is reminded twice, after the due date, or after confirming."),
           summary=_l("materials due soon: %(materials)s; reminders sent: %(people)s"))
def remind_training(now):
    return send_reminders(now)
