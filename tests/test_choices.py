"""Every option a form offers from the code (colours, kinds, roles, levels) is worded in the interface's language."""
from __future__ import annotations

import re

import pytest

from core.forms import Form
from core.services.fields import FILE_TYPES

CJK = re.compile(r"[\u4e00-\u9fff]")
#: Options shown as they are in every language: a language's own name, a dash for "none", a file format's name.
AS_THEY_ARE = {"English", "中文", "—", *(kind.upper() for kind in FILE_TYPES)}


def _forms() -> list[type[Form]]:
    """The app's form classes (not those a view builds for one request, whose options are its data)."""
    found, queue = [], list(Form.__subclasses__())
    while queue:
        cls = queue.pop()
        if "<locals>" not in cls.__qualname__ and cls.__module__.split(".")[0] in ("core", "jobs", "tenants"):
            found.append(cls)
        queue.extend(cls.__subclasses__())
    return found


def _options(app, lang: str) -> dict[tuple[str, str], list[str]]:
    """(form, field) -> the option labels the code gives, as drawn in `lang`."""
    options = {}
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        for cls in _forms():
            form = cls(formdata=None)
            for field in form:
                choices = getattr(field, "choices", None)
                if choices:
                    labels = [label for _value, label, *_rest in field.iter_choices()]
                    options[(cls.__qualname__, field.name)] = [str(label) for label in labels]
    return options


def test_the_forms_with_options_are_found(app):
    options = _options(app, "zh_CN")
    assert ("SiteForm", "accent") in options and ("SettingsForm", "banner") in options
    assert ("SiteForm", "kind") in options and ("RolesForm", "roles") in options


@pytest.mark.parametrize("lang, script", [("zh_CN", CJK), ("en", re.compile(r"[A-Za-z]"))])
def test_every_option_is_worded_in_the_interface_language(app, lang, script):
    untranslated = {key: [label for label in labels if label not in AS_THEY_ARE and not script.search(label)]
                    for key, labels in _options(app, lang).items()}
    assert {key: labels for key, labels in untranslated.items() if labels} == {}


def test_the_new_site_form_offers_the_colours_in_chinese(app, city, admin):
    html = admin.get("/platform/sites/new").get_data(as_text=True)
    accent = re.search(r'<select id="accent".*?</select>', html, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", accent) == ["红色", "蓝色", "绿色", "青色", "靛蓝", "棕色"]
    kind = re.search(r'<select id="kind".*?</select>', html, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", kind) == ["部门网站", "区县门户"]
