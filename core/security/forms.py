"""The security pages' forms: accepting a finding, and the bureau's word lists and allowed hosts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField

from core.forms import Form


class AcceptForm(Form):
    reason = TextAreaField(_l("Why it is acceptable"),
                           description=_l("Say why this is not a problem here, or how the risk is handled otherwise. "
                                          "The reason is kept with the finding and in the audit log; the finding "
                                          "is reported again if it is resolved and then found once more."))
    submit = SubmitField(_l("Accept the finding"))


class WordsForm(Form):
    forbidden = TextAreaField(_l("Forbidden words"), description=_l("One word or phrase a line."))
    wrong = TextAreaField(_l("Wrong official expressions"),
                          description=_l("One a line: the wrong expression, =>, then its correct form, e.g. "
                                         "国务院办公室 => 国务院办公厅."))
    submit = SubmitField(_l("Save the lists"))


class HostsForm(Form):
    hosts = TextAreaField(_l("Allowed hosts"),
                          description=_l("One host a line, a note after it if you like (gov.cn 政府网站). A host "
                                         "allows its subdomains too: gov.cn allows www.gov.cn."))
    submit = SubmitField(_l("Save the list"))
