"""The legal footer every government site carries: what it must give, what each fact looks like, what is missing.

The public footer leaves out what a site has not given (themes/default/templates/_footer.html);
the console lists it, so the bureau sees which sites still lack a record number.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from core.sites.codes import is_credit_code

#: Every fact of the footer, as the console and the settings page name it.
LABELS = {
    "sponsor_zh": _l("Sponsor (Chinese)"),
    "sponsor_en": _l("Sponsor (English)"),
    "address_zh": _l("Address (Chinese)"),
    "address_en": _l("Address (English)"),
    "phone": _l("Telephone"),
    "icp_record": _l("ICP record"),
    "psb_record": _l("Public security record"),
    "site_code": _l("Site identifier code"),
}
#: What a site must give; the English sponsor and address fall back to the Chinese ones.
REQUIRED = ("sponsor_zh", "address_zh", "phone", "icp_record", "psb_record", "site_code")

#: A number the public can call: a landline with its area code (0316-2012345, ext. -801), a mobile, a
#: government hotline (12345 市民热线, 12333 人社热线) or a 400/800 number; +86 before any but a hotline.
_PHONE = re.compile(r"^(?:(?:\+86[ -]?)?(?:\(?0\d{2,3}\)?[ -]?\d{7,8}(?:-\d{1,6})?|1[3-9]\d{9}|[48]00[ -]?\d{3}[ -]?\d{4})"
                    r"|12\d{3})$", re.ASCII)
_PHONES = re.compile(r"\s*[、,，;；/]\s*")
#: 冀ICP备05000128号, and the numbered sites of one filing: 冀ICP备05000128号-2.
_ICP = re.compile(r"^[\u4e00-\u9fff]ICP[备证]\d{4,12}号(-\d{1,4})?$")
#: 冀公网安备 13100302000001号: the province, then fourteen digits.
_PSB = re.compile(r"^[\u4e00-\u9fff]公网安备 ?\d{14}号$")
#: 网站标识码: ten letters or digits (1310000001; bm01000001 for a ministry).
_SITE_CODE = re.compile(r"^[A-Za-z0-9]{10}$")

FORMATS = {
    "organisation_code": is_credit_code,
    "phone": (lambda v: all(_PHONE.match(part) for part in _PHONES.split(v))),
    "icp_record": _ICP.match,
    "psb_record": _PSB.match,
    "site_code": _SITE_CODE.match,
}
MESSAGES = {
    "organisation_code": _l("The unified social credit code is 18 digits or capital letters, e.g. "
                            "11131000000000000X, and its last character must match the others (GB 32100): check "
                            "it against the department's certificate."),
    "phone": _l("Write the telephone number with its area code in the digits 0-9, e.g. 0316-2012345 (a mobile, "
                "a 400 number or a hotline such as 12345 also do); separate several with 、."),
    "icp_record": _l("An ICP record number reads like 冀ICP备05000128号, with -2 after it for a second site of "
                     "the same filing."),
    "psb_record": _l("A public security record number reads like 冀公网安备 13100302000001号: the province, "
                     "then 14 digits."),
    "site_code": _l("The site identifier code is the 10 letters or digits the State Council's office assigned, "
                    "e.g. 1310000001."),
}


def format_problems(fields: dict[str, object]) -> dict[str, object]:
    """Why a footer fact that was given does not look like one (an empty one is not checked here)."""
    return {name: MESSAGES[name] for name, check in FORMATS.items()
            if isinstance(fields.get(name), str) and fields[name].strip() and not check(fields[name].strip())}


def gaps(site) -> list[tuple[str, object]]:
    """The required facts a site has not given, as (field, label), in the footer's order."""
    return [(name, LABELS[name]) for name in REQUIRED if not (getattr(site, name, "") or "").strip()]
