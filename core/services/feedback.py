"""The applicant's rating of a completed application (好差评) in words: the five levels and what can go wrong.

The national "good or bad review" practice (国务院办公厅《关于建立政务服务
“好差评”制度提高政务服务水平的意见》, 国办发〔2019〕51号) rates a service on
five levels; a rating of 不满意 or 非常不满意 says what went wrong and is
followed up by the office, whose answer the applicant reads.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: 5 = 非常满意 … 1 = 非常不满意, best first (as the form offers them).
RATING_LABELS = {
    5: _l("Very satisfied"),
    4: _l("Satisfied"),
    3: _l("Fairly satisfied"),
    2: _l("Dissatisfied"),
    1: _l("Very dissatisfied"),
}
#: A rating at or below this is a poor one: it says what went wrong and opens a follow-up.
POOR = 2
#: What went wrong, for a poor rating (stored as a comma-separated list of the keys).
PROBLEMS = {
    "slow": _l("It took too long"),
    "unclear": _l("The guide or what to bring was unclear"),
    "repeated": _l("I had to send materials more than once"),
    "attitude": _l("The staff were unhelpful or impolite"),
    "online": _l("The online service did not work well"),
    "result": _l("I do not understand or accept the result"),
    "other": _l("Something else (say what below)"),
}


def is_poor(rating: int) -> bool:
    return rating <= POOR


def problem_labels(stored: str) -> list[str]:
    return [str(PROBLEMS[key]) for key in (stored or "").split(",") if key in PROBLEMS]
