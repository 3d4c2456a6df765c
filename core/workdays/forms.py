"""The bureau's form for one day of the calendar."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.forms import Form, choices

KIND_LABELS = {
    "holiday": _l("Day off (a public holiday)"),
    "workday": _l("Make-up working day (a weekend day worked)"),
    "normal": _l("Ordinary day (remove the entry)"),
}


class DayForm(Form):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    kind = RadioField(_l("Kind of day"), choices=choices(KIND_LABELS.items()), default="holiday",
                      validators=[DataRequired(_l("Choose what kind of day it is."))])
    name_zh = StringField(_l("Holiday (in Chinese)"), validators=[Optional(), Length(max=50)],
                          description=_l("The holiday it belongs to, as the notice names it, e.g. 春节."))
    name_en = StringField(_l("Holiday (in English)"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("Save the day"))
