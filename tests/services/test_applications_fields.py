"""An item's application form definition: what it may say, how a wrong one is refused, the form built from it."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from core.services.fields import (FieldDefinitionError, answers_of, build_form, fill_answers, item_fields,
                                  parse_fields, uploads_of)
from core.services.forms_applications import ApplyForm, ResubmitForm
from tests.services.application_helpers import FIELDS, ID_NUMBER, PDF


@pytest.fixture
def zh(app):
    with app.test_request_context(headers={"Cookie": "lang=zh_CN"}):
        yield


def test_a_full_definition_is_read(zh):
    specs = parse_fields(json.dumps(FIELDS, ensure_ascii=False))
    assert [(s.key, s.type, s.required) for s in specs] == [
        ("employer", "text", True), ("years", "number", False), ("started", "date", False),
        ("level", "choice", True), ("agent_id", "id_number", False), ("diploma", "file", True)]
    assert specs[0].max_length == 100 and specs[1].minimum == Decimal(0) and specs[1].maximum == Decimal(60)
    assert [c.value for c in specs[3].choices] == ["初级", "中级", "senior"]
    assert specs[3].choice_label("senior") == "高级"
    assert specs[5].extensions == ("pdf", "jpg", "png") and specs[5].max_bytes == 1024 * 1024
    assert parse_fields("") == [] and parse_fields("[]") == []


@pytest.mark.parametrize("definition, message", [
    ("{", "表单定义不是有效的 JSON。"),
    ('{"key": "a"}', "表单定义必须是由各项组成的列表。"),
    ([{"key": "Name", "type": "text", "label": "姓名"}], "第 1 项：key 只能由小写字母、数字和下划线组成"),
    ([{"key": "a", "type": "text", "label": "甲"}, {"key": "a", "type": "text", "label": "乙"}],
     "第 2 项：key“a”重复使用。"),
    ([{"key": "phone", "type": "mobile", "label": "电话"}], "第 1 项：key“phone”已被表单本身使用"),
    ([{"key": "a", "type": "script", "label": "甲"}], "第 1 项：type 必须是以下之一："),
    ([{"key": "a", "type": "text"}], "第 1 项：缺少“label”。"),
    ([{"key": "a", "type": "text", "label": "甲", "required": "yes"}], "第 1 项：“required”只能是 true 或 false。"),
    ([{"key": "a", "type": "choice", "label": "甲", "choices": []}], "第 1 项：选择项需要 1 到 50 个选项。"),
    ([{"key": "a", "type": "choice", "label": "甲", "choices": ["是", "是"]}], "第 1 项：选项“是”重复。"),
    ([{"key": "a", "type": "number", "label": "甲", "min": 10, "max": 1}], "第 1 项：“min”大于“max”。"),
    ([{"key": "a", "type": "number", "label": "甲", "min": "NaN"}], "第 1 项：“min”必须是数字。"),
    ([{"key": "a", "type": "file", "label": "甲", "extensions": ["pdf", "exe", "html"]}],
     "第 1 项：不接受申请人上传这些类型的文件：exe, html"),
    ([{"key": "a", "type": "file", "label": "甲", "max_mb": 500}], "第 1 项：“max_mb”必须是大于 0、不超过 20 的大小（MB）。"),
    ([{"key": "a", "type": "text", "label": "甲", "max_length": 0}], "第 1 项：“max_length”必须是 1 到 5000 之间的整数。"),
    ([{"key": "a", "type": "text", "label": "甲", "colour": "red"}], "第 1 项：未知设置：colour。"),
    ([{"key": "a", "type": "text", "label": "甲\x00"}], "第 1 项：“label”含有控制字符。"),
    ([{"key": f"f{n}", "type": "text", "label": "甲"} for n in range(41)], "一张表单最多 40 项。"),
])
def test_a_wrong_definition_is_refused_saying_where_and_why(zh, definition, message):
    with pytest.raises(FieldDefinitionError) as refused:
        parse_fields(definition)
    assert message in refused.value.message


def _form(app, specs, data: dict, *, files=None, base=ApplyForm, resubmission=False):
    formdata = MultiDict(data)
    for key, (name, content) in (files or {}).items():
        import io

        formdata.add(key, FileStorage(io.BytesIO(content), filename=name))
    form = build_form(specs, base, resubmission=resubmission)(formdata=formdata, meta={"csrf": False})
    return form, form.validate()


def test_the_built_form_checks_each_kind_and_gives_back_the_answers(app, zh):
    specs = parse_fields(FIELDS)
    data = {"applicant_name": "王小明", "id_number": "11010519491231002x", "phone": "+86 138 1234 5678",
            "declaration": "y", "f_employer": " 廊坊市第一中学 ", "f_years": "12.50", "f_started": "2014-07-01",
            "f_level": "senior", "f_agent_id": ""}
    form, valid = _form(app, specs, data, files={"f_diploma": ("证书.pdf", PDF)})
    assert valid, form.errors
    assert form.id_number.data == ID_NUMBER and form.phone.data == "13812345678"  # normalised
    assert answers_of(form) == {"employer": "廊坊市第一中学", "years": "12.50", "started": "2014-07-01",
                                "level": "senior"}
    assert list(uploads_of(form)) == ["diploma"] and uploads_of(form)["diploma"].data == PDF
    assert [spec.key for spec, _field in item_fields(form)] == [s.key for s in specs]


@pytest.mark.parametrize("field, value, message", [
    ("id_number", "110105194912310021", "身份证号码校验不通过"),  # the GB 11643 check digit
    ("id_number", "110105194902300020", "出生日期"),  # 30 February
    ("id_number", "1101051949123", "身份证号码为18位"),
    ("phone", "12812345678", "手机号码为11位数字，以13至19开头"),
    ("f_years", "61", "数值须在 0 至 60 之间"),
    ("f_years", "十二", "请输入数字"),
    ("f_started", "2014-13-01", "日期格式不正确"),
    ("f_level", "专家", "请从列表中选择"),
    ("f_agent_id", "110105194912310021", "身份证号码校验不通过"),
    ("f_employer", "甲" * 101, "最多 100 个字符"),
])
def test_each_kind_of_field_says_what_is_wrong(app, zh, field, value, message):
    data = {"applicant_name": "王小明", "id_number": ID_NUMBER, "phone": "13812345678", "declaration": "y",
            "f_employer": "单位", "f_level": "初级", field: value}
    form, valid = _form(app, parse_fields(FIELDS), data, files={"f_diploma": ("证书.pdf", PDF)})
    assert not valid
    assert len(form[field].errors) == 1 and message in form[field].errors[0], form[field].errors


def test_a_correction_keeps_personal_answers_and_files_when_left_empty(app, zh):
    specs = parse_fields(FIELDS)
    form, valid = _form(app, specs, {"f_employer": "单位", "f_level": "初级"}, base=ResubmitForm, resubmission=True)
    assert valid, form.errors  # the diploma and the agent's ID may stay as they were sent
    assert "不重新选择则保留已提交的文件" in form.f_diploma.description
    blank = build_form(specs, ResubmitForm, resubmission=True)(formdata=None, meta={"csrf": False})
    fill_answers(blank, {"employer": "单位", "years": "3", "started": "2020-01-02", "agent_id": ID_NUMBER})
    assert blank.f_employer.data == "单位" and blank.f_years.data == Decimal(3)
    assert blank.f_agent_id.data is None  # personal: never written back into a public page
