"""The forms of applications for disclosure: applying, tracking, clarifying; the officers' steps.

Which fields an application needs depends on who applies (a citizen, an
organisation) and how the reply is delivered; the operation decides and puts
each problem under its field (core.disclosure.applications), so the form
checks only what each field is on its own.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, MultipleFileField, RadioField, SelectField,
                     StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from core.disclosure.applications import (DELIVERY_LABELS, FORM_LABELS, GROUND_LABELS, KIND_LABELS,
                                          ORGANISATION_LABELS, REPLY_LABELS)
from core.forms import Form, choices, strip
from core.privacy.forms import IdNumber, MobilePhone

FILE_ACCEPT = ".pdf,.ofd,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.wps,.et"


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class ApplyForm(Form):
    applicant_kind = RadioField(_l("You apply as"), choices=choices(KIND_LABELS.items()), default="person",
                                validators=[DataRequired(_l("Choose whether you apply as a citizen or for an "
                                                            "organisation."))])
    # A citizen.
    applicant_name = StringField(_l("Your name"), filters=[strip], validators=[Optional(), Length(max=100)],
                                 description=_l("As on your resident ID card."),
                                 render_kw={"autocomplete": "name", "maxlength": 100})
    id_number = StringField(_l("Resident ID number"), filters=[strip], validators=[Optional(), IdNumber()],
                            description=_l("18 characters; the last may be X."),
                            render_kw={"autocomplete": "off", "maxlength": 21, "spellcheck": "false"})
    # An organisation.
    organisation_name = StringField(_l("Name of the organisation"), filters=[strip],
                                    validators=[Optional(), Length(max=100)],
                                    render_kw={"autocomplete": "organization", "maxlength": 100})
    organisation_type = SelectField(_l("Kind of organisation"),
                                    choices=choices([("", _l("Choose…")), *ORGANISATION_LABELS.items()]),
                                    validators=[Optional()])
    credit_code = StringField(_l("Unified social credit code"), filters=[_upper],
                              validators=[Optional(), Length(max=20)],
                              description=_l("18 characters, as on the business licence or registration "
                                             "certificate."),
                              render_kw={"autocomplete": "off", "maxlength": 20, "spellcheck": "false",
                                         "autocapitalize": "characters"})
    legal_representative = StringField(_l("Legal representative or person in charge"), filters=[strip],
                                       validators=[Optional(), Length(max=100)], render_kw={"maxlength": 100})
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[Optional(), Length(max=100)],
                               render_kw={"autocomplete": "name", "maxlength": 100})
    # How to reach the applicant.
    phone = StringField(_l("Mobile number"), filters=[strip],
                        validators=[DataRequired(_l("Give your mobile number.")), MobilePhone()],
                        description=_l("With your tracking code, this is how you check your application."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})
    email = StringField(_l("E-mail"), filters=[strip], validators=[Optional(), Length(max=254)],
                        description=_l("Needed if the reply is to come by e-mail."),
                        render_kw={"autocomplete": "email", "inputmode": "email", "type": "email",
                                   "maxlength": 254})
    address = StringField(_l("Postal address"), filters=[strip], validators=[Optional(), Length(max=200)],
                          description=_l("Needed if the reply is to come by post."),
                          render_kw={"autocomplete": "street-address", "maxlength": 200})
    postcode = StringField(_l("Postcode"), filters=[strip], validators=[Optional(), Length(max=6)],
                           render_kw={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": 6})
    # What is wanted.
    description = TextAreaField(_l("Name or description of the information"), filters=[strip],
                                validators=[Optional(), Length(max=2000)],
                                description=_l("Its name, or a description precise enough to find it: what it is "
                                               "about, which year, which place or project."),
                                render_kw={"rows": 5, "maxlength": 2000})
    document_number = StringField(_l("Document number, if you know it"), filters=[strip],
                                  validators=[Optional(), Length(max=100)],
                                  description=_l("For example 廊政办〔2025〕12号."), render_kw={"maxlength": 100})
    purpose = TextAreaField(_l("What you need it for"), filters=[strip], validators=[Optional(), Length(max=500)],
                            description=_l("You do not have to say."), render_kw={"rows": 2, "maxlength": 500})
    form = RadioField(_l("In which form"), choices=choices(FORM_LABELS.items()), default="electronic",
                      validators=[DataRequired(_l("Choose the form you want the information in."))])
    delivery = RadioField(_l("How you receive it"), choices=choices(DELIVERY_LABELS.items()), default="online",
                          validators=[DataRequired(_l("Choose how you want to receive it."))])
    files = MultipleFileField(_l("Attachments"),
                              description=_l("A copy of your ID card or business licence helps the office check who "
                                             "applies. At most 3 files (PDF, OFD, JPG, PNG, Word), 10 MB each."),
                              render_kw={"accept": FILE_ACCEPT})
    declaration = BooleanField(
        _l("I declare that what I have given is true, and I accept the legal consequences of anything false."),
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


class ClarifyForm(Form):
    text = TextAreaField(_l("Your clarification"), filters=[strip], validators=[Optional(), Length(max=2000)],
                         description=_l("Answer what the office asked: the information you want, as precisely as "
                                        "you can."), render_kw={"rows": 5, "maxlength": 2000})
    files = MultipleFileField(_l("Attachments (optional)"), render_kw={"accept": FILE_ACCEPT},
                              description=_l("At most 3 files (PDF, OFD, JPG, PNG, Word), 10 MB each."))
    submit = SubmitField(_l("Send the clarification"))


class RegisterForm(Form):
    received_on = DateField(_l("Received on"), validators=[Optional()],
                            description=_l("The day both sides confirm the application as received (Art. 31); the "
                                           "reply is due 20 working days after it."))
    note = TextAreaField(_l("Note to the applicant (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class ClarifyRequestForm(Form):
    note = TextAreaField(_l("What the applicant must clarify"), filters=[strip],
                         validators=[Optional(), Length(max=2000)],
                         description=_l("Everything that is unclear, at once: clarification is asked once (Art. 30), "
                                        "within 7 working days of receipt. The applicant reads it."),
                         render_kw={"rows": 4})


class ExtendForm(Form):
    days = IntegerField(_l("Extend by (working days)"), validators=[Optional()],
                        description=_l("At most 20 working days, once (Art. 33)."),
                        render_kw={"inputmode": "numeric", "min": 1, "max": 20})
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=2000)],
                           description=_l("The applicant reads it."), render_kw={"rows": 3})


class AnswerForm(Form):
    reply_type = RadioField(_l("Type of reply"), choices=choices(REPLY_LABELS.items()),
                            validators=[DataRequired(_l("Choose the type of reply."))])
    ground = SelectField(_l("Legal ground"), choices=choices([("", _l("Choose…")), *GROUND_LABELS.items()]),
                         validators=[Optional()],
                         description=_l("Required when not disclosed; for a partial disclosure, the ground of the "
                                        "part withheld."))
    other_body = StringField(_l("The body that discloses it"), filters=[strip],
                             validators=[Optional(), Length(max=200)],
                             description=_l("For 'not for this body to disclose': its name and how to reach it."))
    text = TextAreaField(_l("Reply to the applicant"), filters=[strip], validators=[Optional(), Length(max=2000)],
                         description=_l("The reason, the explanation, how the information is provided. The applicant "
                                        "reads it."), render_kw={"rows": 5})
    files = MultipleFileField(_l("The information or the reply letter"), render_kw={"accept": FILE_ACCEPT},
                              description=_l("PDF, OFD, Word, Excel or images; at most 5 files. The applicant "
                                             "downloads them from the tracking page."))
