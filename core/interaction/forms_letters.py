"""The forms of letters: writing, querying, adding information, rating; the officers' steps; the mailboxes' setup."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import Form, ascii_int, choices, strip
from core.interaction import letters
from core.interaction.labels import NOT_ACCEPTED_LABELS, RATING_LABELS
from core.interaction.letters import (
    ATTACHMENT,
    BODY_LIMIT,
    INFO_LIMIT,
    NAME_LIMIT,
    NOTE_LIMIT,
    OFFICE_LIMIT,
    REPLY_LIMIT,
    RULES_LIMIT,
    SUBJECT_LIMIT,
)
from core.interaction.queries_letters import MAX_REPLY_DAYS
from core.privacy.forms import MobilePhone
from core.services.fields import EmailAddress, FileRules


def _attachment_rules(form, field):
    """The attachment's checks, with the rule as the letters module has it now (its types and size)."""
    FileRules(letters.ATTACHMENT)(form, field)


class WriteForm(Form):
    """A letter to one mailbox: what it is about, who writes, and whether it may be published."""

    subject = StringField(_l("Subject"), filters=[strip],
                          validators=[DataRequired(_l("Give the subject of your letter.")),
                                      Length(max=SUBJECT_LIMIT)],
                          description=_l("In a few words, what the letter is about."),
                          render_kw={"maxlength": SUBJECT_LIMIT})
    body = TextAreaField(_l("Content of the letter"), filters=[strip],
                         validators=[DataRequired(_l("Write your letter.")), Length(max=BODY_LIMIT)],
                         description=_l("At most %(n)s characters. Say what happened, where and when, and what you "
                                        "ask for.", n=BODY_LIMIT),
                         render_kw={"rows": 10, "maxlength": BODY_LIMIT})
    writer_name = StringField(_l("Your name"), filters=[strip],
                              validators=[DataRequired(_l("Give your name.")), Length(max=NAME_LIMIT)],
                              render_kw={"autocomplete": "name", "maxlength": NAME_LIMIT})
    phone = StringField(_l("Mobile number"), filters=[strip],
                        validators=[DataRequired(_l("Give your mobile number.")), MobilePhone()],
                        description=_l("With the query code you receive, this is how you read the reply."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})
    email = StringField(_l("E-mail (optional)"), filters=[strip], validators=[Optional(), EmailAddress()],
                        render_kw={"autocomplete": "email", "inputmode": "email", "type": "email",
                                   "maxlength": 254})
    attachment = FileField(_l("Attachment (optional)"), validators=[_attachment_rules],
                           render_kw={"accept": ",".join(f".{e}" for e in ATTACHMENT.extensions)})
    may_publish = RadioField(_l("May the letter and its reply be published?"),
                             choices=choices((("yes", _l("Yes, with my personal details removed")),
                                              ("no", _l("No")))),
                             validators=[InputRequired(_l("Say whether the letter may be published."))],
                             description=_l("Published letters show the question and the reply, never your name "
                                            "or contact details."))
    declaration = BooleanField(
        _l("I declare that what I have written is true, and I accept the legal consequences of anything false."),
        validators=[DataRequired(_l("Tick the declaration to send the letter."))])
    submission = HiddenField()


def _code_filter(value):
    return value.strip() if isinstance(value, str) else value


class QueryForm(Form):
    code = StringField(_l("Query code"), filters=[_code_filter],
                       validators=[DataRequired(_l("Give the query code from your receipt.")), Length(max=30)],
                       description=_l("12 letters and digits, as on your receipt, e.g. K7M2-Q9XW-4RTP."),
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
                                  "maxlength": 30})
    phone = StringField(_l("Mobile number"), filters=[strip],
                        validators=[DataRequired(_l("Give the mobile number you wrote with.")), MobilePhone()],
                        description=_l("The number you gave in your letter."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})


class AddInfoForm(Form):
    text = TextAreaField(_l("What you add"), filters=[strip],
                         validators=[DataRequired(_l("Write what you add to your letter.")), Length(max=INFO_LIMIT)],
                         render_kw={"rows": 6, "maxlength": INFO_LIMIT})


class RatingForm(Form):
    rating = RadioField(_l("How satisfied are you with the reply?"), choices=choices(RATING_LABELS.items()),
                        validators=[InputRequired(_l("Choose one of the three."))])


class PublishedSearchForm(Form):
    """The search of published letters (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[Optional(), Length(max=50)])


# --- the officers ------------------------------------------------------------------------------

class AssignForm(Form):
    officer = SelectField(_l("Officer"), coerce=ascii_int, validate_choice=False,
                          validators=[InputRequired(_l("Choose one of this site's interaction officers."))])
    note = TextAreaField(_l("Note for the officer (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=NOTE_LIMIT)], render_kw={"rows": 2})


class ReplyForm(Form):
    reply = TextAreaField(_l("Reply"), filters=[strip],
                          validators=[DataRequired(_l("Write the reply the writer will read.")),
                                      Length(max=REPLY_LIMIT)], render_kw={"rows": 8})
    office = StringField(_l("Replying office"), filters=[strip],
                         validators=[DataRequired(_l("Name the office that replies.")), Length(max=OFFICE_LIMIT)],
                         description=_l("Shown with the reply, e.g. the section that answers."))


class NoteForm(Form):
    """A step that needs words: asking for information, sending a draft back."""

    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=NOTE_LIMIT)],
                         render_kw={"rows": 3})


class NotAcceptForm(Form):
    reason = SelectField(_l("Reason"), choices=choices(NOT_ACCEPTED_LABELS.items()),
                         validators=[DataRequired(_l("Choose the reason."))])
    note = TextAreaField(_l("Explanation to the writer"), filters=[strip],
                         validators=[Optional(), Length(max=NOTE_LIMIT)], render_kw={"rows": 3},
                         description=_l("Needed for 'not within this department's remit' (say where to turn) and "
                                        "'another reason'."))


def _site_id(value):
    """`coerce` of the department list: its first option (nothing chosen yet) is no id."""
    return None if value in ("", None) else ascii_int(value)


class ForwardForm(Form):
    site = SelectField(_l("Department"), coerce=_site_id, validate_choice=False,
                       validators=[InputRequired(_l("Choose another department's site."))])
    note = TextAreaField(_l("Note to the receiving department (optional)"), filters=[strip],
                         validators=[Optional(), Length(max=NOTE_LIMIT)], render_kw={"rows": 2})


class PublishForm(Form):
    subject = StringField(_l("Subject as published"), filters=[strip],
                          validators=[DataRequired(), Length(max=SUBJECT_LIMIT)])
    body = TextAreaField(_l("Letter as published"), filters=[strip],
                         validators=[DataRequired(), Length(max=BODY_LIMIT)], render_kw={"rows": 8})
    reply = TextAreaField(_l("Reply as published"), filters=[strip],
                          validators=[DataRequired(), Length(max=REPLY_LIMIT)], render_kw={"rows": 8})
    confirm = BooleanField(_l("I have read the masked version: it shows no personal details."),
                           validators=[DataRequired(_l("Confirm that you have read the masked version."))])


# --- the site's administrator; the bureau ------------------------------------------------------

class MailboxForm(Form):
    enabled = BooleanField(_l("Open: the public can write to this mailbox"))
    rules = TextAreaField(_l("Rules shown to the writer"), filters=[strip],
                          validators=[Optional(), Length(max=RULES_LIMIT)], render_kw={"rows": 4},
                          description=_l("Leave empty to show the platform's standard rules."))
    reply_days = IntegerField(_l("Reply limit (working days)"), validators=[Optional(), NumberRange(min=1)],
                              render_kw={"inputmode": "numeric", "min": 1})


class OptionsForm(Form):
    review_replies = BooleanField(_l("A second officer reviews every reply before it goes out"))


class PlatformLettersForm(Form):
    reply_days = IntegerField(_l("Reply limit of every mailbox (working days)"),
                              validators=[InputRequired(_l("Give a number of working days.")),
                                          NumberRange(min=1, max=MAX_REPLY_DAYS)],
                              render_kw={"inputmode": "numeric", "min": 1, "max": MAX_REPLY_DAYS})
