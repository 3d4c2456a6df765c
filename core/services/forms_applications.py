"""The forms of applications: applying, tracking, correcting, rating; the officers' steps and follow-up."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import Form, MultiCheckboxField, choices, strip
from core.privacy.forms import IdNumber, MobilePhone
from core.services.feedback import PROBLEMS, RATING_LABELS
from core.services.fields import EmailAddress


class ApplyForm(Form):
    """The fixed part of every application: who applies and how to reach them. The item's fields are added."""

    #: Drawn after the item's fields (core.services.fields.build_form keeps that order).
    LAST = ("declaration", "submit")

    applicant_name = StringField(_l("Your name"), filters=[strip],
                                 validators=[DataRequired(_l("Give your name as on your ID card.")), Length(max=100)],
                                 description=_l("As on your resident ID card."),
                                 render_kw={"autocomplete": "name", "maxlength": 100})
    id_number = StringField(_l("Resident ID number"), filters=[strip],
                            validators=[DataRequired(_l("Give your ID number.")), IdNumber()],
                            description=_l("18 characters; the last may be X."),
                            render_kw={"autocomplete": "off", "maxlength": 21, "spellcheck": "false"})
    phone = StringField(_l("Mobile number"), filters=[strip],
                        validators=[DataRequired(_l("Give your mobile number.")), MobilePhone()],
                        description=_l("With your tracking code, this is how you check your application."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})
    email = StringField(_l("E-mail (optional)"), filters=[strip], validators=[Optional(), EmailAddress()],
                        render_kw={"autocomplete": "email", "inputmode": "email", "type": "email",
                                   "maxlength": 254})
    declaration = BooleanField(
        _l("I declare that what I have given is true, complete and my own, and I accept the legal consequences "
           "of anything false."),
        validators=[DataRequired(_l("Tick the declaration to send the application."))])
    submission = HiddenField()
    submit = SubmitField(_l("Send the application"))


def _code_filter(value):
    return value.strip() if isinstance(value, str) else value


class TrackForm(Form):
    code = StringField(_l("Tracking code"), filters=[_code_filter],
                       validators=[DataRequired(_l("Give the tracking code from your receipt.")), Length(max=30)],
                       description=_l("12 letters and digits, as on your receipt, e.g. K7M2-Q9XW-4RTP."),
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                  "maxlength": 30})
    phone = StringField(_l("Mobile number"), filters=[strip],
                        validators=[DataRequired(_l("Give the mobile number you applied with.")), MobilePhone()],
                        description=_l("The number you gave when you applied."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})
    submit = SubmitField(_l("Check the application"))


class ResubmitForm(Form):
    """The corrected application: the item's fields are added (files optional: empty keeps the one sent)."""

    LAST = ("note", "submit")

    note = TextAreaField(_l("What you corrected (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=500)], render_kw={"rows": 3, "maxlength": 500})
    submit = SubmitField(_l("Send the corrected application"))


class FeedbackForm(Form):
    rating = RadioField(_l("How satisfied are you with how this application was handled?"), coerce=int,
                        choices=choices(RATING_LABELS.items()),
                        validators=[DataRequired(_l("Choose one of the five levels."))])
    problems = MultiCheckboxField(_l("What went wrong?"), choices=choices(PROBLEMS.items()),
                                  description=_l("Needed for 'Dissatisfied' and 'Very dissatisfied': the office "
                                                 "looks into it and answers you here."))
    comment = TextAreaField(_l("Comment (optional)"), filters=[strip], validators=[Optional(), Length(max=1000)],
                            render_kw={"rows": 4, "maxlength": 1000})
    submit = SubmitField(_l("Send the rating"))


class StepForm(Form):
    """One step an officer takes (the page posts its key as `step`); the note is what the applicant reads."""

    note = TextAreaField(_l("Note to the applicant (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    legal_basis = TextAreaField(_l("Legal basis"), filters=[strip], validators=[Optional(), Length(max=1000)],
                                description=_l("The law or regulation and its article, e.g. 《中华人民共和国行政许可法》"
                                               "第三十八条第二款."), render_kw={"rows": 2})


class FollowUpForm(Form):
    answer = TextAreaField(_l("Answer to the applicant"), filters=[strip], validators=[Optional(), Length(max=2000)],
                           description=_l("What the office found and what it does about it. The applicant reads it "
                                          "when checking the application."), render_kw={"rows": 4})
    submit = SubmitField(_l("Send the answer"))
