"""The demo city's online services: each department's service items with full guides, and months of applications.

The items come from `data/services.toml` (real item names, legal bases,
conditions and materials); every site also lists its government information
disclosure request, and a county portal its rural homestead approval. Online
items get applications spread over the last six months, each carried through
the steps the officers take (accepted, returned for correction and sent back,
not accepted, approved or refused, completed) with the working-day calendar,
stopped wherever "today" finds it, and rated (好差评) once completed. Each
application carries the scans its applicant uploaded (core.demo.scans), stored
as the public form stores them; one returned and sent back has the file the
officer asked about twice: the first marked superseded, and its replacement.

Rows are written directly, as the loader does for articles: this is a data
set, not a user's action. Everything is drawn from the site's seeded random
generator, so every load gives the same city.
"""
from __future__ import annotations

import json
import random
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from core.content.files import Upload, write_upload
from core.demo import content, scans
from core.extensions import db
from core.privacy.checks import id_check_character
from core.privacy.crypto import lookup_hash
from core.services.applications import FILES_SUBFOLDER
from core.services.models import (Application, ApplicationEvent, ApplicationFile, Feedback, ServiceForm, ServiceItem,
                                  ServiceMaterial, ServiceStep)
from core.workdays.counting import WorkingCalendar
from core.workdays.queries import working_calendar

DATA_FILE = Path(__file__).parent / "data" / "services.toml"
#: Applications are spread over this many days before "today", more of them lately (online use grows).
WINDOW_DAYS = 183
#: Applications per item: its `volume` (a month's, roughly) times this.
VOLUME_FACTOR = 1.2
#: The tracking code's alphabet and length, as core.services.applications draws them (no 0/O, 1/I/L).
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12
MATERIAL_FORMS = {"原件": "original", "复印件": "copy", "原件及复印件": "both"}
#: Region codes (GB/T 2260) of Langfang's districts and counties, for the applicants' ID numbers.
REGIONS = ("131002", "131003", "131022", "131023", "131024", "131025", "131026", "131028", "131081", "131082")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "157", "158", "159", "176", "177", "180", "182", "183", "185", "186", "187", "188", "189",
                   "198", "199")

DISCLOSURE = {
    "name": "政府信息公开申请",
    "kind": "public_service",
    "theme": "政府信息公开",
    "online": "download",
    "office": "办公室",
    "basis": "《中华人民共和国政府信息公开条例》（国务院令第711号）第二十七条、第二十九条、第三十三条",
    "conditions": "公民、法人或者其他组织向本机关申请获取本机关制作或者保存的政府信息。申请应当采用书面形式；"
                  "采用书面形式确有困难的，申请人可以口头提出，由受理机关代为填写政府信息公开申请。",
    "materials": [["《政府信息公开申请表》", "原件", 1, "申请人签名或者盖章"],
                  ["申请人的身份证明", "复印件", 1, "公民提供身份证，法人或者其他组织提供营业执照等"]],
    "statutory": 20,
    "promised": 15,
}
HOMESTEAD = {
    "name": "农村村民宅基地审批",
    "kind": "licensing",
    "theme": "美丽乡村建设",
    "online": "download",
    "office": "{county}自然资源和规划局",
    "basis": "《中华人民共和国土地管理法》第六十二条；《中华人民共和国土地管理法实施条例》第三十四条",
    "conditions": "本集体经济组织成员，以户为单位申请，一户只能拥有一处宅基地，面积不得超过省规定的标准；"
                  "出卖、出租、赠与住宅后再申请宅基地的，不予批准；使用存量建设用地和空闲地，符合乡（镇）国土空间规划和村庄规划。",
    "materials": [["《农村宅基地和建房（规划许可）申请表》", "原件", 1, ""],
                  ["《农村宅基地使用承诺书》", "原件", 1, ""],
                  ["申请人及家庭成员身份证、户口簿", "复印件", 1, ""],
                  ["村民小组会议讨论通过并公示的记录", "原件", 1, "公示期不少于5个工作日"]],
    "statutory": 20,
    "promised": 15,
}

_COMPANY_WORDS = ("华信", "恒通", "盛达", "金泰", "安顺", "鼎盛", "宏远", "益民", "万通", "和顺", "新源", "泰和",
                  "永兴", "隆昌", "瑞丰", "佳禾", "嘉诚", "博远", "中瑞", "天成", "开元", "润泽", "众合", "广厦")
_INDUSTRIES = ("商贸", "建筑工程", "物流", "科技", "餐饮管理", "医药", "机械制造", "环保科技", "劳务服务",
               "房地产开发", "家具制造", "运输", "电子", "化工", "食品", "物业服务")
_ROADS = ("新华路", "和平路", "银河北路", "广阳道", "建设北路", "爱民东道", "光明西道", "永兴路", "金光道",
          "裕华道", "解放道", "艺术大道", "新开路", "祥云道", "北凤道", "东安路")
_COMMUNITIES = ("金泰花园", "新世界家园", "和平小区", "祥云小区", "光明里", "银河小区", "福泽园", "万庄新城",
                "盛德花园", "康宁小区", "书香苑", "爱民小区")

_RETURN_NOTES_COMPANY = (
    "上传的营业执照扫描件不清晰，请重新上传加盖公章的营业执照副本扫描件。",
    "申请表未加盖单位公章，请盖章后重新扫描上传。",
    "请补充法定代表人身份证明复印件（正反面）。",
    "申请表中的统一社会信用代码与营业执照不一致，请核对后重新填写。",
    "请补充提交{material}。",
    "{material}缺少页码和骑缝章，请补充完整后重新上传。",
)
_RETURN_NOTES_PERSON = (
    "身份证扫描件不清晰，请重新上传身份证正反面扫描件。",
    "请补充提交{material}。",
    "申请表中的联系地址填写不完整，请补充到门牌号。",
    "{material}已过有效期，请提交有效期内的证明材料。",
    "申请表缺少本人签名，请签名后重新上传。",
)
_NOT_ACCEPTED = (
    "申请事项不属于本机关职权范围，请向有管辖权的部门提出申请。",
    "同一事项已有正在办理的申请，请勿重复提交，可凭原查询码查询办理进度。",
    "申请人不具备本事项的申请主体资格，详见办事指南“申请条件”。",
)
_REFUSALS = (
    "经审查，申请人提交的材料不能证明其符合本事项的申请条件。",
    "经实地核查，经营场所与申请材料所述不符，不具备申请条件。",
    "经审查，申请人的专业技术人员数量不符合规定的条件。",
)
_APPEAL = "申请人如对本决定不服，可以自收到本决定之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
_APPROVED_NOTES = ("", "", "准予许可，证件可到窗口领取，也可选择免费邮寄。", "经审查，符合条件，予以办理。")
_COMPLETED_NOTES = ("", "结果已通过邮政EMS寄出。", "申请人已到窗口领取办理结果。", "电子证照已推送，可在网上下载。")
_PRAISE = ("网上提交材料很方便，不用跑腿。", "办理速度很快，比承诺时间提前办结。", "工作人员电话指导很耐心，点赞！",
           "流程清楚，查询进度很方便。", "", "", "")
_FAIR = ("材料要求可以在指南里写得更清楚一些。", "整体满意，希望审批时间再短一些。", "")
_COMPLAINTS = {
    "slow": "等了很久才办结，超过了承诺的时间。",
    "unclear": "指南里没有写清楚需要盖章，来回补正了两次。",
    "repeated": "同样的材料让我提交了两次。",
    "attitude": "打电话咨询时工作人员态度不太好。",
    "online": "网上上传文件总是失败，最后还是跑了一趟窗口。",
    "result": "对不予许可的理由不理解，希望能解释清楚。",
}
_FOLLOW_UPS = {
    "slow": "经核查，该件因需实地核查超出承诺时限，我局已对承办科室提出批评并优化流程，今后将严格按承诺时限办结。感谢您的监督。",
    "unclear": "已根据您的意见修改办事指南，在申请材料中注明需加盖公章的材料。感谢您的宝贵意见。",
    "repeated": "经核查，系窗口工作人员未一次性告知补正内容，我局已对相关人员进行批评教育，并落实一次性告知制度。",
    "attitude": "我局已核实情况并对相关工作人员进行了批评教育，向您致歉，今后将加强窗口服务规范培训。",
    "online": "经排查，系网上办事系统上传组件故障，已于次日修复。给您带来不便，深表歉意。",
    "result": "承办科室已电话联系您，当面解释了不予许可的理由和法律依据，并告知了申请行政复议的途径。",
}


@lru_cache(maxsize=1)
def load_data() -> dict:
    """The data file, read once."""
    with open(DATA_FILE, "rb") as fh:
        return tomllib.load(fh)


def site_items(site: dict) -> list[dict]:
    """The items of a catalog site: its own from the data file, the county's homestead approval, disclosure last."""
    own = list(load_data()["sites"].get(site["slug"], {}).get("items", []))
    if site["kind"] == "county":
        own.append(HOMESTEAD)
    return own + [DISCLOSURE]


def has_online_items(site: dict) -> bool:
    """Whether the site's items take applications online (its demo people then include a service officer)."""
    return any(item.get("online") == "online" and not item.get("draft") for item in site_items(site))


# --------------------------------------------------------------------------- the items


def fill_services(site: dict, *, today: date, rng: random.Random, officer_id: int | None = None,
                  incomplete: float = 0.0) -> tuple[int, int]:
    """Give the active site its service items and, for those offered online, their applications.

    `incomplete`: the share of its published guides that leave out the time limit set by law (a less kept site:
    core.demo.quality), which the evaluation's guide completeness counts.

    Returns (items, applications) written.
    """
    data = load_data()
    place = data["sites"].get(site["slug"], {})
    defaults = data["defaults"]
    county = site["name_zh"].removesuffix("人民政府")
    if site["kind"] == "county":
        hall = f"{county}政务服务中心（{site['address_zh']}）"
    else:
        hall = place.get("hall") or f"{site['name_zh']}（{site['address_zh'].removeprefix('廊坊市')}）一楼服务大厅"
    phone = place.get("phone") or site["phone"]
    items = []
    for position, spec in enumerate(site_items(site), start=1):
        item = _item(site, spec, position, hall=hall, hours=defaults["hours"], phone=phone, rng=rng, today=today,
                     county=county)
        items.append((item, spec))
    db.session.flush()
    finished = [item for item, spec in items if not spec.get("draft")]
    for item in finished[:round(incomplete * len(finished))]:
        item.statutory_days = None
    calendar = working_calendar(today - timedelta(days=WINDOW_DAYS + 10), today + timedelta(days=200))
    applications = 0
    for item, spec in items:
        _link_blank_forms(item)
        if not spec.get("draft"):
            item.published_guide = json.dumps(_snapshot(item), ensure_ascii=False)
        if item.online_level == "online" and item.published_guide is not None:
            applications += _applications(item, spec, calendar=calendar, today=today, rng=rng, officer_id=officer_id)
    db.session.flush()
    return len(items), applications


def _code(site: dict, spec: dict, position: int) -> str:
    return f"{site['site_code']}-{'XK' if spec.get('kind', 'licensing') == 'licensing' else 'GG'}-{position:03d}"


def _item(site: dict, spec: dict, position: int, *, hall: str, hours: str, phone: str, rng: random.Random,
          today: date, county: str) -> ServiceItem:
    draft = bool(spec.get("draft"))
    office = spec.get("office", "")
    if "{county}" in office:
        office = office.format(county=county)
    elif office and not office.startswith("廊坊"):
        office = f"{site['name_zh']}{office}"
    kind = spec.get("kind", "licensing")
    online = spec.get("online", "in_person")
    item = ServiceItem(
        code=_code(site, spec, position), name=spec["name"], kind=kind, theme=spec.get("theme", ""),
        legal_basis=spec["basis"], conditions="" if draft else spec["conditions"], location=hall, office=office,
        fee_basis=spec.get("fee_basis", ""), fee_standard=spec.get("fee", "不收费"), hours="" if draft else hours,
        phone=phone, statutory_days=spec.get("statutory"), promised_days=spec.get("promised"), online_level=online,
        application_fields=json.dumps(_fields(spec), ensure_ascii=False) if online == "online" else "[]",
        position=position, guide_status="editing",
        published_at=None if draft else datetime.combine(today - timedelta(days=rng.randint(30, 400)), time(10, 0)),
    )
    for n, (name, form, count, *rest) in enumerate(spec["materials"], start=1):
        item.materials.append(ServiceMaterial(position=n, name=name, form=MATERIAL_FORMS[form], count=count,
                                              required=not (rest and rest[0].startswith("如有")),
                                              note=rest[0] if rest else ""))
    if not draft:
        for n, (title, description) in enumerate(spec.get("steps") or _default_steps(spec, office), start=1):
            item.steps.append(ServiceStep(position=n, title=title, description=description))
    for title in _form_titles(spec):
        item.forms.append(_form(site, spec, title))
    db.session.add(item)
    return item


def _default_steps(spec: dict, office: str) -> list[tuple[str, str]]:
    """The usual procedure of an item, by how far it is online and whether it is a licence."""
    licensing = spec.get("kind", "licensing") == "licensing"
    promised = spec.get("promised")
    limit = f"自受理之日起{promised}个工作日内" if promised else "当场"
    first = {
        "online": ("网上申请", "申请人在本网站“网上办事”填写申请表并上传申请材料扫描件，提交后获得查询码；"
                               "也可到窗口提交纸质材料。"),
        "download": ("申请", "申请人在本网站下载并填写申请表，携带申请材料到窗口提交。"),
        "in_person": ("窗口申请", "申请人携带申请材料到窗口提出申请。"),
    }[spec.get("online", "in_person")]
    steps = [
        first,
        ("受理", "窗口工作人员对申请材料进行审查：材料齐全、符合法定形式的，予以受理；材料不齐全或者不符合法定形式的，"
                 "一次性告知申请人需要补正的全部内容；不属于本机关职权范围的，不予受理并告知理由。"),
        ("审查", f"{office or '承办科室'}对申请材料进行审查，必要时进行实地核查。"),
    ]
    if licensing:
        steps.append(("决定", f"{limit}作出准予许可或者不予许可的书面决定；不予许可的，说明理由，"
                              "并告知申请人依法申请行政复议或者提起行政诉讼的权利。"))
        steps.append(("送达", "准予许可的，颁发、送达许可证件；申请人可凭查询码在网上查询办理结果，"
                              "到窗口领取或者选择免费邮寄。"))
    else:
        steps.append(("办结", f"{limit}办结，并告知申请人办理结果；申请人可凭查询码在网上查询。"))
    return steps


def _form_titles(spec: dict) -> list[str]:
    """The blank forms an item offers: its materials written 《…表》 or 《…书》; an item to download has one at least."""
    if "forms" in spec:
        return list(spec["forms"])
    titles = []
    for name, *_ in spec["materials"]:
        found = re.fullmatch(r"《(.+[表书])》", name)
        if found:
            titles.append(found.group(1))
    if not titles and spec.get("online") == "download":
        titles.append(f"{spec['name']}申请表")
    return titles


def _form(site: dict, spec: dict, title: str) -> ServiceForm:
    """A blank form as a .docx that opens, written to the site's folder (kept when the load commits)."""
    paragraphs = [f"（{site['name_zh']}制）", *content._form_fields(title),
                  "", "填表说明：", "1. 请用黑色钢笔、签字笔填写或者用计算机打印，字迹工整，内容真实。",
                  "2. 表中所列项目应逐项填写，没有内容的填“无”。",
                  f"3. 本表用于申请办理“{spec['name']}”，可在{site['name_zh']}网站“网上办事”栏目下载。"]
    entry = write_upload(Upload(f"{title}.docx", content.make_docx(title, paragraphs), content.DOCX_CONTENT_TYPE))
    return ServiceForm(title=title, filename=entry["filename"], stored_name=entry["stored_name"],
                       content_type=entry["content_type"], size=entry["size"])


def _link_blank_forms(item: ServiceItem) -> None:
    """A material that is one of the item's forms offers that blank form (after the forms have their ids)."""
    forms = {f.title: f.id for f in item.forms}
    for material in item.materials:
        title = material.name.strip("《》")
        if title in forms:
            material.blank_form_id = forms[title]


def _snapshot(item: ServiceItem) -> dict:
    """The guide as the public reads it: the guide module's snapshot when it has one, the same shape otherwise."""
    try:
        from core.services.guide import snapshot
    except ImportError:
        snapshot = None
    if snapshot is not None:
        return snapshot(item)
    data = {"code": item.code, "name": item.name, "kind": item.kind}
    for name in ("theme", "legal_basis", "conditions", "location", "office", "fee_basis", "fee_standard", "hours",
                 "phone", "statutory_days", "promised_days", "online_level"):
        data[name] = getattr(item, name)
    data["materials"] = [{"name": m.name, "form": m.form, "count": m.count, "required": m.required, "note": m.note,
                          "blank_form_id": m.blank_form_id} for m in item.materials]
    data["steps"] = [{"title": s.title, "description": s.description} for s in item.steps]
    data["forms"] = [{"id": f.id, "title": f.title, "filename": f.filename, "stored_name": f.stored_name,
                      "content_type": f.content_type, "size": f.size} for f in item.forms]
    return data


#: The fixed part of every application (name, ID number, mobile, e-mail) is the form's own; these are the item's.
_PERSON_FIELDS = [
    {"key": "address", "type": "text", "label": "通讯地址", "label_en": "Postal address", "required": True,
     "max_length": 100, "help": "结果邮寄送达时使用，请填写到门牌号"},
]
_COMPANY_FIELDS = [
    {"key": "org_name", "type": "text", "label": "单位名称", "label_en": "Organisation", "required": True,
     "max_length": 100},
    {"key": "credit_code", "type": "text", "label": "统一社会信用代码", "label_en": "Unified social credit code",
     "required": True, "max_length": 18},
    {"key": "legal_rep", "type": "text", "label": "法定代表人", "label_en": "Legal representative", "required": True,
     "max_length": 50},
    {"key": "org_address", "type": "text", "label": "单位地址", "label_en": "Address", "required": True,
     "max_length": 100},
]
_REMARKS = {"key": "remarks", "type": "textarea", "label": "申请事项说明", "label_en": "About the application",
            "max_length": 500}
#: Uploaded scans of the materials: at most this many fields (the rest are brought when collecting the result).
MAX_FILE_FIELDS = 4


def _fields(spec: dict) -> list[dict]:
    """The item's online form: who applies, a few words, and a scan of each of its first materials."""
    fields = [dict(f) for f in (_COMPANY_FIELDS if spec.get("applicant") == "company" else _PERSON_FIELDS)]
    fields.append(dict(_REMARKS))
    for n, (name, *_rest) in enumerate(spec["materials"][:MAX_FILE_FIELDS], start=1):
        fields.append({"key": f"material_{n}", "type": "file", "label": f"{name.strip('《》')}（扫描件）",
                       "required": n == 1, "extensions": ["pdf", "jpg", "jpeg", "png"], "max_mb": 10})
    return fields


# --------------------------------------------------------------------------- applicants


def _id_number(rng: random.Random, today: date) -> str:
    born = today - timedelta(days=rng.randint(20 * 365, 62 * 365))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_character(first17)


_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _credit_code(rng: random.Random) -> str:
    """A unified social credit code (GB 32100) of a Langfang company, with its check character."""
    body = "91" + rng.choice(("131002", "131003", "131001")) + "".join(rng.choice(_CREDIT_CHARS) for _ in range(9))
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(body, _CREDIT_WEIGHTS))
    return body + _CREDIT_CHARS[(31 - total % 31) % 31]


@dataclass
class _Applicant:
    name: str
    id_number: str
    phone: str
    email: str | None
    answers: dict = field(default_factory=dict)


def _applicant(spec: dict, rng: random.Random, today: date) -> _Applicant:
    name = content._person(rng)
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"
    email = f"{rng.choice(('zhang', 'li', 'wang', 'liu', 'chen', 'yang', 'zhao'))}{rng.randint(100, 9999)}@" \
            f"{rng.choice(('163.com', 'qq.com', '126.com', 'sina.com'))}" if rng.random() < 0.35 else None
    if spec.get("applicant") == "company":
        org = f"廊坊市{rng.choice(_COMPANY_WORDS)}{rng.choice(_INDUSTRIES)}有限公司"
        answers = {"org_name": org, "credit_code": _credit_code(rng), "legal_rep": content._person(rng),
                   "org_address": f"廊坊市{rng.choice(('广阳区', '安次区', '经济技术开发区'))}{rng.choice(_ROADS)}"
                                  f"{rng.randint(1, 300)}号"}
    else:
        answers = {"address": f"廊坊市{rng.choice(('广阳区', '安次区'))}{rng.choice(_ROADS)}{rng.choice(_COMMUNITIES)}"
                              f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}"}
    if rng.random() < 0.4:
        answers["remarks"] = rng.choice((f"申请办理{spec['name']}，材料已按指南要求准备齐全。",
                                         "如需补充材料请电话联系。", "急需办理，恳请尽快审核。"))
    return _Applicant(name, _id_number(rng, today), phone, email, answers)


def _tracking_code(rng: random.Random) -> str:
    return "".join(rng.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


# --------------------------------------------------------------------------- applications


class _Today(Exception):
    """The next step would happen today or later: the application is where today finds it."""


@dataclass
class _Life:
    """An application's steps, written as they happen until "today" stops them."""

    cutoff: datetime
    events: list = field(default_factory=list)  # (at, from, to, note)
    status: str = "submitted"
    at: datetime | None = None

    def step(self, at: datetime, to: str, note: str = "") -> datetime:
        if self.at is not None and at <= self.at:
            at = self.at + timedelta(minutes=7)
        if at >= self.cutoff:
            raise _Today
        self.events.append((at, self.status if self.events else None, to, note))
        self.status, self.at = to, at
        return at


def _office_time(day: date, rng: random.Random) -> datetime:
    hour = rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 17))
    minute = rng.randint(30, 59) if hour in (8, 17) else rng.randint(0, 59)
    if hour == 17:
        minute = rng.randint(0, 29)
    return datetime.combine(day, time(hour, minute))


def _submission_days(count: int, today: date, rng: random.Random) -> list[date]:
    """Days over the window, more of them lately, fewer at weekends (online filing never closes)."""
    days = []
    while len(days) < count:
        back = int(WINDOW_DAYS * (1 - rng.random() ** 0.8))  # denser towards today
        day = today - timedelta(days=max(back, 1))
        if day.weekday() >= 5 and rng.random() < 0.7:
            continue
        days.append(day)
    return sorted(days)


def _applications(item: ServiceItem, spec: dict, *, calendar: WorkingCalendar, today: date, rng: random.Random,
                  officer_id: int | None) -> int:
    count = max(2, round(spec.get("volume", 3) * VOLUME_FACTOR * rng.uniform(0.8, 1.2)))
    cutoff = datetime.combine(today, time(0, 0))
    made = []
    for day in _submission_days(count, today, rng):
        applicant = _applicant(spec, rng, today)
        if rng.random() < 0.75:
            submitted = _office_time(day, rng)
        else:
            submitted = datetime.combine(day, time(rng.choice((7, 12, 13, 19, 20, 21, 22)), rng.randint(0, 59)))
        life = _Life(cutoff)
        stamps: dict = {"due": calendar.add(submitted.date(), item.promised_days)
                        if item.promised_days is not None else None}
        try:
            life.step(submitted, "submitted")
            _live(life, item, spec, submitted, stamps, calendar, rng)
        except _Today:
            pass
        due = stamps["due"]
        application = Application(
            item_id=item.id, tracking_code=_tracking_code(rng), applicant_name=applicant.name,
            id_number=applicant.id_number, phone=applicant.phone,
            phone_hash=lookup_hash(applicant.phone, "application.phone"), email=applicant.email,
            answers=json.dumps(applicant.answers, ensure_ascii=False), status=life.status,
            officer_note=stamps.get("officer_note", ""), legal_basis=stamps.get("legal_basis", ""),
            submitted_at=submitted, accepted_at=stamps.get("accepted"), decided_at=stamps.get("decided"),
            completed_at=stamps.get("completed"), due_on=due, updated_at=life.at)
        made.append((application, life, due))
    _keep_a_refusal_open(made, cutoff)
    db.session.add_all(application for application, _life, _due in made)
    db.session.flush()  # one batch of inserts gives them all their ids
    for application, life, due in made:
        for at, before, after, note in life.events:
            officer = officer_id if after not in ("submitted",) else None
            db.session.add(ApplicationEvent(application_id=application.id, at=at, from_status=before, to_status=after,
                                            actor_id=officer, note=note))
        _upload_materials(application, spec, life.events, random.Random(application.tracking_code))
        if life.status == "completed":
            _rate(application, late=due is not None and life.at.date() > due, cutoff=cutoff, calendar=calendar,
                  rng=rng, officer_id=officer_id)
    return count


def _keep_a_refusal_open(made: list, cutoff: datetime) -> None:
    """When none of an item's refusals is open today, the newest closed in the last month is shown still being
    served (its last step, the closing, not taken yet): so a demo licensing department has a refusal to look at
    whatever the day it is loaded on, as a real one usually has."""
    if any(application.status == "refused" for application, _life, _due in made):
        return
    closed = [(application, life) for application, life, _due in made
              if application.status == "completed" and len(life.events) >= 2 and life.events[-2][2] == "refused"
              and cutoff - life.at < timedelta(days=30)]
    if not closed:
        return
    application, life = max(closed, key=lambda pair: pair[1].at)
    life.events.pop()
    life.status = application.status = "refused"
    life.at = application.updated_at = life.events[-1][0]
    application.completed_at = None


def _live(life: _Life, item: ServiceItem, spec: dict, submitted: datetime, stamps: dict, calendar: WorkingCalendar,
          rng: random.Random) -> None:
    """Carry one application through the officers' steps, noting in `stamps` when each happened.

    The due date (`stamps["due"]`) moves on by the working days spent returned for correction.
    """
    moment = submitted
    fate = rng.random()
    if fate < 0.04:
        reason = rng.choice(_NOT_ACCEPTED)
        stamps["officer_note"] = reason
        stamps["decided"] = life.step(_office_time(calendar.add(moment.date(), 1), rng), "not_accepted", reason)
        return
    if fate < 0.19:
        templates = _RETURN_NOTES_COMPANY if spec.get("applicant") == "company" else _RETURN_NOTES_PERSON
        material = rng.choice(item.materials).name
        what = rng.choice(templates).format(material=material)
        stamps["officer_note"] = what
        returned = life.step(_office_time(calendar.add(moment.date(), rng.choice((0, 1, 1))), rng), "returned", what)
        if rng.random() < 0.1:
            return  # the applicant has not sent it back (yet)
        back = returned + timedelta(days=rng.randint(1, 9), hours=rng.randint(1, 6))
        moment = life.step(back, "submitted", rng.choice(("已按要求补正。", "已重新上传材料。", "")))
        stamps["officer_note"] = ""
        paused = calendar.between(returned.date(), moment.date())
        if stamps["due"] is not None and paused:
            stamps["due"] = calendar.add(stamps["due"], paused)
    due = stamps["due"]
    # Accepted at once for a short limit; a longer one may wait a day or three in the queue.
    wait = min(rng.choice((0, 0, 1, 1, 2, 3)), (item.promised_days or 0) // 4)
    accepted = life.step(_office_time(calendar.add(moment.date(), wait), rng), "accepted",
                         "" if rng.random() < 0.8 else "材料齐全，予以受理。")
    stamps["accepted"] = accepted
    left = calendar.between(accepted.date(), due) if due is not None else 5
    late = rng.random() < 0.09
    days = left + rng.randint(1, 5) if late else rng.randint(0, max(left - 1, 0))
    decided_on = calendar.add(accepted.date(), days)
    refused = item.kind == "licensing" and rng.random() < 0.07
    if refused:
        reason = rng.choice(_REFUSALS)
        basis = f"{item.legal_basis.split('；')[0]}。{_APPEAL}"
        stamps["officer_note"], stamps["legal_basis"] = reason, basis
        decided = life.step(_office_time(decided_on, rng), "refused", f"{reason}\n{basis}")
    else:
        decided = life.step(_office_time(decided_on, rng), "approved", rng.choice(_APPROVED_NOTES))
    stamps["decided"] = decided
    room = due is None or calendar.between(decided.date(), due) > 0
    if refused:
        # The written decision not to license (with the applicant's rights of appeal) is served before the case
        # is closed, within ten days of the decision (行政许可法 第四十四条 sets that delay for a licence): the
        # last fortnight's refusals are still open as refused.
        completed_on = calendar.add(decided.date(), rng.randint(4, 10))
    else:
        completed_on = calendar.add(decided.date(), rng.choice((0, 1)) if room or late else 0)
    stamps["completed"] = life.step(_office_time(completed_on, rng), "completed", rng.choice(_COMPLETED_NOTES))


def _rate(application: Application, *, late: bool, cutoff: datetime, calendar: WorkingCalendar,
          rng: random.Random, officer_id: int | None) -> None:
    """Most applicants rate a completed application; a late one is rated worse; a poor rating is followed up."""
    if rng.random() > 0.72:
        return
    rated_at = application.completed_at + timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 9))
    if rated_at >= cutoff:
        return
    weights = (25, 30, 20, 15, 10) if late else (66, 23, 7, 3, 1)
    rating = rng.choices((5, 4, 3, 2, 1), weights=weights)[0]
    problems: list[str] = []
    if rating <= 2:
        # "I do not accept the result" only of a refusal; "it took too long" first when it did.
        possible = sorted(k for k in _COMPLAINTS if k != "result" or application.legal_basis)
        problems = rng.sample(possible, rng.choice((1, 1, 2)))
        if late and "slow" not in problems:
            problems[0] = "slow"
        comment = "".join(_COMPLAINTS[p] for p in problems)
    elif rating == 3:
        comment = rng.choice(_FAIR)
    else:
        comment = rng.choice(_PRAISE)
    feedback = Feedback(application_id=application.id, rating=rating, problems=",".join(problems), comment=comment,
                        rated_at=rated_at)
    if problems:
        answered = datetime.combine(calendar.add(rated_at.date(), rng.randint(1, 4)), time(10, rng.randint(0, 59)))
        if answered < cutoff and rng.random() < 0.85:
            feedback.follow_up_answer = _FOLLOW_UPS[problems[0]]
            feedback.follow_up_by_id = officer_id
            feedback.follow_up_at = answered
    db.session.add(feedback)


# --------------------------------------------------------------------------- the uploaded materials

#: Words of a material that is a card or a certificate: photographed with a phone (JPEG) or scanned in colour.
_CARD_WORDS = ("营业执照", "证书", "许可证", "登记证", "结婚证", "户口簿", "行驶证", "驾驶证", "道路运输证",
               "社会保障卡", "银行卡", "权证", "资格证")
#: How an applicant names the file sent again, when not by a phone's or a scanner app's own name.
_AGAIN = ("（补正）", "（重新扫描）", "-新", "（盖章版）")
#: An optional material is sent with this chance (the first, required one always).
OPTIONAL_SENT = 0.7


@dataclass(frozen=True)
class _Material:
    layout: str  # one of core.demo.scans.LAYOUTS
    title: str  # drawn on the page
    stem: str  # the file's name, without its extension
    extensions: tuple[str, ...]  # the types an applicant sends it as


def _stem(name: str) -> str:
    """A file name an applicant would give the material: its first alternative, without notes, not too long."""
    stem = re.sub(r"（[^）]*）", "", name.strip("《》"))
    for mark in ("或者", "或", "，"):
        head = stem.split(mark)[0]
        if len(head) >= 4:
            stem = head
    if len(stem) > 20 and "的" in stem:
        stem = stem.rsplit("的", 1)[1]
    return stem[:20]


def _material(name: str) -> _Material:
    """What an applicant uploads for a material of the guide: an ID card's photo, a form's scan, a certificate..."""
    clean = name.strip("《》")
    if "照片" in clean:
        return _Material("photo", "", "证件照", ("jpg",))
    if any(word in clean for word in ("身份证", "身份证明", "身份证件")):
        return _Material("id_card", "", "身份证正反面", ("jpg",))
    if name.startswith("《"):
        return _Material("form", clean, clean, ("pdf",))
    stem = _stem(clean)
    if any(word in clean for word in _CARD_WORDS):
        return _Material("certificate", stem, stem, ("jpg", "jpg", "pdf"))
    return _Material("document", stem, stem, ("pdf",))


def _file_name(material: _Material, extension: str, at: datetime, rng: random.Random, *, again: bool) -> str:
    """The name as it arrives: the material's, or now and then the phone camera's or the scanner app's own."""
    if rng.random() < 0.12:
        if extension == "jpg":
            return f"IMG_{at:%Y%m%d_%H%M}{rng.randint(0, 59):02d}.jpg"
        return f"扫描全能王 {at:%Y-%m-%d %H.%M}.pdf"
    return f"{material.stem}{rng.choice(_AGAIN) if again else ''}.{extension}"


def _asked_about(note: str, names: list[str]) -> int:
    """Which of the uploaded materials an officer's return note is about (its index; the first when unclear)."""
    for n, name in enumerate(names):
        if _stem(name) in note or name.strip("《》") in note:
            return n
    for words, match in ((("身份证",), lambda name: "身份" in name), (("营业执照",), lambda name: "营业执照" in name),
                         (("申请表", "签名", "公章"), lambda name: name.startswith("《"))):
        if any(word in note for word in words):
            for n, name in enumerate(names):
                if match(name):
                    return n
    return 0


def _upload_materials(application: Application, spec: dict, events: list, rng: random.Random) -> None:
    """Store the scans the applicant uploaded with the application, and with its corrected resubmission.

    Written by `core.content.files.write_upload` into the site's folder for applicants' materials, as the public
    form writes them, and listed as `ApplicationFile` rows (the download page and the file sweep read those). The
    bytes come from `core.demo.scans` (the same material's file is made once a build). The material an officer's
    return note is about is sent unsharp at first (when the note says so); sent back, it is replaced: the first
    file is kept, superseded. A material the note asks to add that was left out is sent with the correction.
    """
    names = [name for name, *_rest in spec["materials"][:MAX_FILE_FIELDS]]
    if not names:
        return
    submitted = events[0][0]
    sent = [n == 0 or rng.random() < OPTIONAL_SENT for n in range(len(names))]
    returned = next((note for _at, _before, after, note in events if after == "returned"), None)
    back = next((at for at, before, after, _note in events if before == "returned" and after == "submitted"), None)
    asked, unsharp, added = None, False, False
    if returned is not None:
        asked = _asked_about(returned, names)
        added = asked > 0 and "补充" in returned
        sent[asked] = not added
        unsharp = "不清晰" in returned
    chosen: dict[int, str] = {}
    for n, name in enumerate(names):
        if sent[n]:
            material = _material(name)
            chosen[n] = extension = rng.choice(material.extensions)
            _store_material(application, n, material, extension, submitted, rng,
                            blurred=unsharp and n == asked, superseded=back is not None and n == asked, again=False)
    if back is not None and asked is not None:
        material = _material(names[asked])
        extension = chosen.get(asked) or rng.choice(material.extensions)
        _store_material(application, asked, material, extension, back, rng, blurred=False, superseded=False,
                        again=not added)


def _store_material(application: Application, n: int, material: _Material, extension: str, at: datetime,
                    rng: random.Random, *, blurred: bool, superseded: bool, again: bool) -> None:
    data = scans.scan(material.layout, material.title, extension, blurred)
    entry = write_upload(Upload(_file_name(material, extension, at, rng, again=again), data), subfolder=FILES_SUBFOLDER)
    db.session.add(ApplicationFile(application_id=application.id, field_key=f"material_{n + 1}",
                                   filename=entry["filename"], stored_name=entry["stored_name"],
                                   content_type=entry["content_type"], size=entry["size"], superseded=superseded,
                                   uploaded_at=at))
