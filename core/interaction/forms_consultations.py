"""The forms of public consultations: the draft, withdrawing, the public's opinion, decisions, the summary."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import Form, choices, strip
from core.interaction.consultations import DECISION_LABELS, OPINION_LIMIT, REASON_LIMIT, SUMMARY_LIMIT
from core.privacy.forms import MobilePhone


class ConsultationForm(Form):
    title = StringField(_l("Title of the draft"), filters=[strip],
                        validators=[DataRequired(_l("Give the draft's title.")), Length(max=200)],
                        render_kw={"maxlength": 200})
    office = StringField(_l("Drafting office"), filters=[strip],
                         validators=[DataRequired(_l("Name the office that drafted it.")), Length(max=200)],
                         description=_l("The office that drafted it and receives the opinions, e.g. 就业促进科."),
                         render_kw={"maxlength": 200})
    open_on = DateField(_l("First day opinions are taken"),
                        validators=[DataRequired(_l("Give the first day, as on a calendar (e.g. 2026-03-01)."))])
    close_on = DateField(_l("Last day opinions are taken"),
                         validators=[DataRequired(_l("Give the last day, as on a calendar (e.g. 2026-03-31)."))],
                         description=_l("Opinions are taken through the whole of this day, China time. Drafts of "
                                        "rules usually stay open for at least 30 days."))
    body_html = TextAreaField(_l("Text of the draft"), validators=[Optional(), Length(max=500_000)],
                              render_kw={"rows": 18, "data-rich-text": "1"})
    document = FileField(_l("The draft as a document (PDF, Word, WPS, OFD)"))
    remove_document = BooleanField(_l("Remove the attached document when saving"))
    how_to = TextAreaField(_l("Other ways to take part"), filters=[strip], validators=[Optional(), Length(max=2000)],
                           description=_l("Post, e-mail or telephone of the office, shown with the opinion form "
                                          "(optional)."), render_kw={"rows": 3})
    submit = SubmitField(_l("Save"))


class WithdrawForm(Form):
    reason = TextAreaField(_l("Why it is withdrawn"), filters=[strip], validators=[Optional(), Length(max=1000)],
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Withdraw from the public site"))


class OpinionForm(Form):
    """The public's opinion: the text, and optionally the part of the draft, a name and a mobile number."""

    part = StringField(_l("Which part of the draft (optional)"), filters=[strip],
                       validators=[Optional(), Length(max=100)],
                       description=_l("E.g. 第五条 or 第二章. Leave it empty for the draft as a whole."),
                       render_kw={"maxlength": 100})
    body = TextAreaField(_l("Your opinion"), filters=[strip],
                         validators=[DataRequired(_l("Write your opinion.")), Length(max=OPINION_LIMIT)],
                         description=_l("Up to %(n)s characters. What should change, and why.", n=OPINION_LIMIT),
                         render_kw={"rows": 8})
    name = StringField(_l("Your name (optional)"), filters=[strip], validators=[Optional(), Length(max=50)],
                       render_kw={"autocomplete": "name", "maxlength": 50})
    phone = StringField(_l("Mobile number (optional)"), filters=[strip], validators=[Optional(), MobilePhone()],
                        description=_l("Only if the office may call you about your opinion."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})
    submit = SubmitField(_l("Send the opinion"))


class DecisionForm(Form):
    decision = RadioField(_l("Decision"), choices=choices(DECISION_LABELS.items()),
                          validators=[DataRequired(_l("Choose what was decided."))])
    reason = TextAreaField(_l("Why"), filters=[strip], validators=[Optional(), Length(max=REASON_LIMIT)],
                           description=_l("Needed unless adopted: what changes in the draft, or why it stays."),
                           render_kw={"rows": 2})
    submit = SubmitField(_l("Save the decision"))


class SummaryForm(Form):
    summary_text = TextAreaField(_l("Feedback summary"), filters=[strip],
                                 validators=[Optional(), Length(max=SUMMARY_LIMIT)],
                                 description=_l("Which opinions were adopted and how the draft changed; which were "
                                                "not and why. The counts are added from the decisions."),
                                 render_kw={"rows": 12})
    submit = SubmitField(_l("Publish the feedback summary"))
