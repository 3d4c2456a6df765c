"""The API's parameters and answers as marshmallow schemas: flask-smorest reads them into the OpenAPI document and
checks every query string against them, so the document and the code cannot drift apart.

Whole numbers in a query go through the project's one integer parser (`core.web.loading.parse_int`: ASCII digits
within the database's range), dates are ISO days; a value that does not read gives a 400 whose words are
translated (`core.api.views`).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from core.api.queries import MAX_PER_PAGE, PER_PAGE
from core.content.models import POLICY_STATUSES
from core.sections.models import POLICY_LEVELS
from core.services.models import ITEM_KINDS, MATERIAL_FORMS, ONLINE_LEVELS
from core.web.loading import MAX_ID, parse_int


class WholeNumber(fields.Integer):
    """A whole number read by `parse_int` (no sign, no spaces, no digits of other scripts), within a range."""

    def __init__(self, *, minimum: int = 1, maximum: int = MAX_ID, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        super().__init__(strict=False, validate=validate.Range(min=minimum, max=maximum), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        number = parse_int(value if isinstance(value, str) else None, minimum=self.minimum, maximum=self.maximum)
        if number is None:
            raise ValidationError(str(_l("Give a whole number from %(low)d to %(high)d.", low=self.minimum,
                                         high=self.maximum)))
        return number


class Day(fields.Date):
    """A day as YYYY-MM-DD."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError:
            raise ValidationError(str(_l("Give a date as YYYY-MM-DD, e.g. 2026-01-31."))) from None


class _OneOf(validate.OneOf):
    """One of the choices (the document lists them as an enum); the refusal in the request's language."""

    def _format_error(self, value) -> str:
        return str(_l("Give one of: %(choices)s.", choices=", ".join(map(str, self.choices))))


class _Length(validate.Length):
    def _format_error(self, value, message_key: str) -> str:
        return str(_l("At most %(max)d characters.", max=self.max))


#: No control character: the app refuses a URL with one before any view (core.web.routes.check_host).
_PRINTABLE = validate.Regexp(r"^[^\x00-\x1f\x7f]*$")


def _one_of(choices) -> validate.OneOf:
    return _OneOf(choices)


def _text(description: str, length: int = 100) -> fields.String:
    return fields.String(load_default="", validate=[_Length(max=length), _PRINTABLE],
                         metadata={"description": description})


# --- parameters ------------------------------------------------------------------------------------------

class PagingArgs(Schema):
    page = WholeNumber(load_default=1, metadata={"description": "The page, from 1."})
    per_page = WholeNumber(load_default=PER_PAGE, maximum=MAX_PER_PAGE,
                           metadata={"description": f"Items a page holds (at most {MAX_PER_PAGE})."})
    site = fields.String(validate=[_Length(max=40), _PRINTABLE], metadata={
        "description": "Only this site's items, by its short name (on the city portal, any active site; on a "
                       "site's own host, only its own)."})


class DatedArgs(PagingArgs):
    """A start after the end is an empty range, not an error (OpenAPI cannot say that one date must come first)."""

    since = Day(metadata={"description": "Published on this day or later (YYYY-MM-DD)."})
    until = Day(metadata={"description": "Published on this day or earlier (YYYY-MM-DD)."})


class ArticleArgs(DatedArgs):
    section = fields.String(validate=[_Length(max=40), _PRINTABLE], metadata={
        "description": "Only the items of the section with this address name (see /api/v1/sections)."})


class PolicyArgs(ArticleArgs):
    level = fields.String(validate=_one_of(POLICY_LEVELS),
                          metadata={"description": "The level that issued the policy."})
    status = fields.String(validate=_one_of(POLICY_STATUSES),
                           metadata={"description": "In force or repealed."})
    issuing_body = _text("Part of the issuing body's name.", 200)
    document_number = _text("Part of the document number (文号).")


class DisclosureArgs(ArticleArgs):
    category = WholeNumber(metadata={"description": "A disclosure category's id."})
    subject = WholeNumber(metadata={"description": "A subject's id (主题分类)."})


class ServiceArgs(DatedArgs):
    kind = fields.String(validate=_one_of(ITEM_KINDS),
                         metadata={"description": "Administrative licensing or public service."})


# --- answers -----------------------------------------------------------------------------------------------

class SiteRef(Schema):
    slug = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "The site's home page."})


class SectionRef(Schema):
    slug = fields.String(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)


class SectionOut(SectionRef):
    site = fields.Nested(SiteRef, required=True)
    kind = fields.String(required=True)
    parent = fields.String(required=True, allow_none=True, metadata={"description": "The parent's address name."})
    url = fields.String(required=True)


class Named(Schema):
    id = fields.Integer(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)


class PolicyOut(Schema):
    level = fields.String(required=True, validate=validate.OneOf(POLICY_LEVELS))
    status = fields.String(required=True, allow_none=True)
    issuing_body = fields.String(required=True)
    document_number = fields.String(required=True)
    issued_on = fields.Date(required=True, allow_none=True)
    effective_on = fields.Date(required=True, allow_none=True)


class DisclosureOut(Schema):
    index_number = fields.String(required=True, allow_none=True, metadata={"description": "索引号"})
    category = fields.Nested(Named, required=True, allow_none=True)
    subject = fields.Nested(Named, required=True, allow_none=True)


class AttachmentOut(Schema):
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.String(required=True)


class ArticleOut(Schema):
    id = fields.Integer(required=True)
    site = fields.Nested(SiteRef, required=True)
    section = fields.Nested(SectionRef, required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    source = fields.String(required=True, metadata={"description": "The issuing office, as the page prints it."})
    published_at = fields.DateTime(required=True, metadata={"description": "In the city's time, with its offset."})
    revised_at = fields.DateTime(required=True, allow_none=True)
    url = fields.String(required=True, metadata={"description": "The item's public page."})
    api_url = fields.String(required=True)
    policy = fields.Nested(PolicyOut, required=True, allow_none=True)
    disclosure = fields.Nested(DisclosureOut, required=True, allow_none=True)


class ArticleDetail(ArticleOut):
    body_html = fields.String(required=True, metadata={"description": "The text, as cleaned HTML."})
    attachments = fields.List(fields.Nested(AttachmentOut), required=True)


class MaterialOut(Schema):
    name = fields.String(required=True)
    form = fields.String(required=True, validate=validate.OneOf(MATERIAL_FORMS))
    count = fields.Integer(required=True)
    required = fields.Boolean(required=True)
    note = fields.String(required=True)


class StepOut(Schema):
    title = fields.String(required=True)
    description = fields.String(required=True)


class FormOut(Schema):
    title = fields.String(required=True)
    filename = fields.String(required=True)
    url = fields.String(required=True)


class ServiceOut(Schema):
    id = fields.Integer(required=True)
    site = fields.Nested(SiteRef, required=True)
    code = fields.String(required=True, metadata={"description": "事项编码"})
    name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(ITEM_KINDS))
    theme = fields.String(required=True)
    online_level = fields.String(required=True, validate=validate.OneOf(ONLINE_LEVELS))
    published_at = fields.DateTime(required=True, allow_none=True)
    url = fields.String(required=True)
    api_url = fields.String(required=True)


class ServiceDetail(ServiceOut):
    legal_basis = fields.String(required=True)
    conditions = fields.String(required=True)
    location = fields.String(required=True)
    office = fields.String(required=True)
    fee_basis = fields.String(required=True)
    fee_standard = fields.String(required=True)
    hours = fields.String(required=True)
    phone = fields.String(required=True, metadata={"description": "The office's enquiry line."})
    statutory_days = fields.Integer(required=True, allow_none=True)
    promised_days = fields.Integer(required=True, allow_none=True)
    materials = fields.List(fields.Nested(MaterialOut), required=True)
    steps = fields.List(fields.Nested(StepOut), required=True)
    forms = fields.List(fields.Nested(FormOut), required=True)


def _page_of(item_schema, name: str):
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True, metadata={"description": "Items the whole list holds."}),
        "pages": fields.Integer(required=True),
    }, name=name)


ArticlePage = _page_of(ArticleOut, "ArticlePage")
ServicePage = _page_of(ServiceOut, "ServicePage")
SectionPage = _page_of(SectionOut, "SectionPage")


class ErrorOut(Schema):
    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
