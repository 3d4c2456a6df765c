"""Letters in words: mailbox kinds, states, reasons and ratings, as the public, officers and audit log read them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

#: The mailboxes, as the public sees them.
KIND_LABELS = {
    "consultation": _l("Consultation"),
    "supervision": _l("Supervision and complaints"),
    "report": _l("Reports"),
    "suggestion": _l("Suggestions"),
    "director": _l("Director's mailbox"),
}
#: What each mailbox is for, under its name on the public list.
KIND_PURPOSES = {
    "consultation": _l("Questions about the department's policies, services and procedures."),
    "supervision": _l("Complaints about the work, conduct or efficiency of the department and its staff."),
    "report": _l("Reports of violations of laws and regulations in the department's field of work."),
    "suggestion": _l("Opinions and suggestions on the department's work and on the city's development."),
    "director": _l("Letters to the head of the department."),
}
#: The rules a mailbox shows when the site has not written its own (互动栏目管理制度).
DEFAULT_RULES = {
    "consultation": _l("Write about one matter per letter, clearly and truthfully. Questions outside this "
                       "department's remit are forwarded to the department responsible or answered with where to "
                       "turn. Letters that insult others, spread rumours or advertise are not accepted."),
    "supervision": _l("Say whom or what the complaint is about, when and where it happened, and what you ask for. "
                      "Matters under litigation, arbitration or administrative reconsideration are handled by "
                      "those procedures. Write truthfully: false accusations carry legal responsibility."),
    "report": _l("Give the facts and any evidence you have. Reports are handled in confidence and are never "
                 "published; your name and contact details are kept secret by law. Write truthfully: false "
                 "accusations carry legal responsibility."),
    "suggestion": _l("Say what you suggest and why. Suggestions are studied by the office concerned; those taken "
                     "up may be published with their reply."),
    "director": _l("For matters you wish to bring to the head of the department. Letters are read by the "
                   "director's office and answered by the office responsible."),
}
#: A letter's state as the writer and the officers read it.
STATE_LABELS = {
    "held": _l("Held for checking"),
    "new": lazy_pgettext("letter state", "Received"),  # not the "Received" (when) of other pages' columns
    "assigned": _l("Being handled"),
    "reviewing": _l("Reply being reviewed"),
    "info_requested": _l("Waiting for more information"),
    "replied": _l("Replied"),
    "not_accepted": _l("Not accepted"),
    "forwarded": _l("Forwarded"),
}
#: The writer sees fewer states: a held letter or one under review is simply being handled.
PUBLIC_STATE = {"held": "new", "reviewing": "assigned"}
NOT_ACCEPTED_LABELS = {
    "duplicate": _l("A duplicate of a letter already received"),
    "out_of_scope": _l("Not within this department's remit"),
    "abusive": _l("Abusive, advertising or meaningless"),
    "other": _l("Another reason"),
}
HOLD_LABELS = {
    "repeated": _l("The same letter was sent from the same mobile number within a day"),
    "links": _l("The letter contains many links"),
}
RATING_LABELS = {
    "satisfied": _l("Satisfied"),
    "basically_satisfied": _l("Basically satisfied"),
    "dissatisfied": _l("Dissatisfied"),
}
#: The steps of a letter's history, as the officers' history table names them.
ACTION_LABELS = {
    "submit": _l("Letter received"),
    "hold": _l("Held for checking"),
    "release": _l("Released into the queue"),
    "assign": _l("Assigned"),
    "draft": _l("Reply drafted for review"),
    "approve": _l("Reply approved and sent"),
    "send_back": _l("Reply sent back by the reviewer"),
    "reply": _l("Replied"),
    "request_info": _l("More information requested"),
    "add_info": _l("The writer added information"),
    "not_accept": _l("Not accepted"),
    "forward": _l("Forwarded to another department"),
    "forwarded_in": _l("Received by forwarding"),
    "publish": _l("Published"),
    "unpublish": _l("Taken off the published letters"),
    "rate": _l("Rated by the writer"),
}
