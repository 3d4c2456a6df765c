"""Realistic Chinese demo content for one site of the city catalog.

A demo that shows lorem ipsum teaches nobody what a department website is
for, and the evaluation (news per month, service-guide completeness, the
disclosure categories) needs content that looks like a real department's.
So every item here is assembled from government-style templates filled with
the site's own name, its lines of work (``topics``), dates and numbers.

Pure standard library and deterministic for a given ``random.Random``: the
demo seeder can rebuild the same site twice, and tests can pin output.
"""

from __future__ import annotations

import datetime
import html
import io
import random
import re
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape

__all__ = [
    "DOCX_CONTENT_TYPE",
    "about_page",
    "disclosure_items",
    "make_docx",
    "news_items",
    "notice_items",
    "policy_items",
]

TITLE_LIMIT = 60
SUMMARY_LIMIT = 120
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许"
    "傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎潘杜戴夏钟汪田任姜范方石姚谭廖金陆郝孔"
    "白崔康毛邱秦史顾侯邵孟段钱汤尹常武乔贺"
)
_GIVEN_NAMES = (
    "建华", "志刚", "海燕", "丽萍", "晓东", "文杰", "春生", "玉兰", "国庆", "红梅",
    "卫东", "立新", "秀英", "振华", "永军", "志明", "建军", "淑芬", "桂荣", "学文",
    "艳霞", "俊峰", "宏伟", "金龙", "树林", "春燕", "晓光", "德胜", "凤英", "长青",
    "明亮", "利民", "晓梅", "海波", "文静", "建新", "瑞芳", "宝山", "子涵", "雅琴",
    "静", "磊", "敏", "婷", "伟", "鹏", "洁", "颖", "博", "雪", "凯", "宁", "勇", "军",
)
_OTHER_CITIES = (
    "保定市", "沧州市", "唐山市", "承德市", "张家口市", "衡水市", "邢台市", "邯郸市",
    "秦皇岛市", "石家庄市",
)
_COUNTIES = (
    "安次区", "广阳区", "霸州市", "三河市", "香河县", "永清县", "固安县", "大城县",
    "文安县", "大厂回族自治县",
)
_SQUARES = ("新世纪步行街", "人民公园", "市文化艺术中心广场", "万达广场")
_COMMUNITIES = ("银河", "金泰", "新华", "和平", "光明", "解放", "爱民", "祥云")
_QUARTERS = ("一季度", "二季度", "三季度", "四季度")
_CN_DIGITS = "零一二三四五六七八九"

# Provincial counterparts of municipal departments, by name without "廊坊市";
# departments missing here fall back to the provincial government's general office.
_PROVINCIAL_BODIES = {
    "人事局": "河北省人事厅", "财政局": "河北省财政厅", "信息产业局": "河北省信息产业厅",
    "劳动和社会保障局": "河北省劳动和社会保障厅", "发展和改革委员会": "河北省发展和改革委员会",
    "教育局": "河北省教育厅", "公安局": "河北省公安厅", "民政局": "河北省民政厅",
    "司法局": "河北省司法厅", "国土资源局": "河北省国土资源厅", "建设局": "河北省建设厅",
    "交通局": "河北省交通厅", "水务局": "河北省水利厅", "农业局": "河北省农业厅",
    "林业局": "河北省林业局", "商务局": "河北省商务厅", "文化局": "河北省文化厅",
    "卫生局": "河北省卫生厅", "人口和计划生育委员会": "河北省人口和计划生育委员会",
    "审计局": "河北省审计厅", "环境保护局": "河北省环境保护厅", "统计局": "河北省统计局",
    "工商行政管理局": "河北省工商行政管理局", "质量技术监督局": "河北省质量技术监督局",
    "食品药品监督管理局": "河北省食品药品监督管理局",
    "安全生产监督管理局": "河北省安全生产监督管理局", "地方税务局": "河北省地方税务局",
    "国家税务局": "河北省国家税务局", "物价局": "河北省物价局", "粮食局": "河北省粮食局",
    "体育局": "河北省体育局", "旅游局": "河北省旅游局", "科学技术局": "河北省科学技术厅",
    "民族宗教事务局": "河北省民族事务委员会", "档案局": "河北省档案局",
    "地震局": "河北省地震局", "气象局": "河北省气象局", "新闻出版局": "河北省新闻出版局",
    "广播电视局": "河北省广播电视局", "残疾人联合会": "河北省残疾人联合会",
    "法制办公室": "河北省人民政府法制办公室",
    "国有资产监督管理委员会": "河北省人民政府国有资产监督管理委员会",
}

# National ministries, matched by a keyword of the department's name.
_MINISTRIES = (
    ("人事", "人事部", "国人部发"), ("劳动", "劳动和社会保障部", "劳社部发"),
    ("财政", "财政部", "财预"), ("信息产业", "信息产业部", "信部"), ("发展和改革", "国家发展和改革委员会", "发改"),
    ("教育", "教育部", "教基"), ("公安", "公安部", "公通字"), ("民政", "民政部", "民发"),
    ("司法", "司法部", "司发"), ("国土", "国土资源部", "国土资发"), ("建设", "建设部", "建市"),
    ("交通", "交通部", "交公路发"), ("水务", "水利部", "水资源"), ("农业", "农业部", "农经发"),
    ("林业", "国家林业局", "林造发"), ("商务", "商务部", "商资发"), ("文化", "文化部", "文市发"),
    ("卫生", "卫生部", "卫医发"), ("计划生育", "国家人口和计划生育委员会", "人口发"),
    ("审计", "审计署", "审法发"), ("环境", "国家环境保护总局", "环发"), ("统计", "国家统计局", "国统字"),
    ("工商", "国家工商行政管理总局", "工商企字"), ("质量", "国家质量监督检验检疫总局", "国质检"),
    ("食品药品", "国家食品药品监督管理局", "国食药监"), ("安全生产", "国家安全生产监督管理总局", "安监总"),
    ("税务", "国家税务总局", "国税发"), ("物价", "国家发展和改革委员会", "发改价格"),
    ("粮食", "国家粮食局", "国粮"), ("体育", "国家体育总局", "体群字"), ("旅游", "国家旅游局", "旅发"),
    ("科学技术", "科学技术部", "国科发"), ("气象", "中国气象局", "气发"), ("地震", "中国地震局", "中震发"),
    ("档案", "国家档案局", "档发"), ("知识产权", "国家知识产权局", "国知发"),
    ("人民防空", "国家人民防空办公室", "国人防"), ("广播电视", "国家广播电影电视总局", "广发"),
    ("新闻出版", "新闻出版总署", "新出"), ("扶贫", "国务院扶贫开发领导小组办公室", "国开办发"),
    ("住房公积金", "建设部", "建金"), ("国有资产", "国务院国有资产监督管理委员会", "国资发"),
    ("开发区", "商务部", "商资发"), ("畜牧", "农业部", "农牧发"), ("供销", "中华全国供销合作总社", "供销经字"),
)

# ---------------------------------------------------------------------------
# The site as the templates see it
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Org:
    """How a site names itself in prose; derived once from the catalog entry."""

    name: str          # full name, e.g. 廊坊市人事局 / 安次区 (counties by place)
    full_name: str     # catalog name_zh
    title_name: str    # name as news titles write it, e.g. 市人事局
    short: str         # name without the city prefix, e.g. 人事局
    self_ref: str      # 我局 / 我委 / 我区 ...
    head_title: str    # 局长 / 主任 / 区长 ...
    deputy_title: str  # 副局长 / 副主任 / 副区长 ...
    meeting: str       # the regular leadership meeting
    office: str        # the office that signs news and notices
    scope: str         # 全市 for departments, 全区/全县 for counties
    units: str         # the level below, as prose names it: 各县（市、区） / 各乡镇（街道）
    addressees: str    # the salutation of a notice
    is_county: bool
    unit: str          # 市 / 区 / 县
    topics: tuple[str, ...]
    services: tuple[str, ...]  # what forms, guides and online filing are about
    slug: str
    address: str
    phone: str
    is_window: bool


def _org(site: dict) -> _Org:
    """Derive the naming used in prose, so templates never hard-code a department type."""
    full = site["name_zh"]
    topics = tuple(site.get("topics") or ("政务公开", "便民服务", "依法行政", "作风建设"))
    slug = site.get("slug", full)
    address = site.get("address_zh", "")
    phone = site.get("phone", "")
    is_window = bool(site.get("is_window_department"))
    if site.get("kind") == "county":
        place = full.removeprefix("廊坊市").removesuffix("人民政府")
        unit = place[-1]
        return _Org(
            name=place, full_name=full, title_name=place, short=place, self_ref=f"我{unit}",
            head_title=f"{unit}长", deputy_title=f"副{unit}长", meeting=f"{unit}政府常务会议",
            office=f"{full}办公室", scope=f"全{unit}", units="各乡镇（街道）",
            addressees=f"各乡镇人民政府（街道办事处），{unit}直各部门",
            is_county=True, unit=unit, topics=topics, services=_county_services(slug),
            slug=slug, address=address, phone=phone,
            is_window=is_window,
        )
    short = full.removeprefix("廊坊市").removeprefix("人民政府")
    scope, units, addressees = "全市", "各县（市、区）", "各县（市、区）有关部门，市直有关单位"
    if "开发区" in full:
        title_name, self_ref, head, meeting = "廊坊开发区", "我区", "主任", "管委会主任办公会议"
        scope, units, addressees = "全区", "区内各单位", "区内各单位、各企业"
    elif full.startswith("廊坊市"):
        title_name = "市" + _HEADLINE_NAMES.get(short, short)
        self_ref, head, meeting = _org_type(short)
    else:
        title_name = full
        self_ref, head, meeting = _org_type(short)
    office = full + ("秘书科" if full.endswith("办公室") else "办公室")
    return _Org(
        name=full, full_name=full, title_name=title_name, short=short, self_ref=self_ref,
        head_title=head, deputy_title=_deputy_title(head),
        meeting=meeting, office=office, scope=scope, units=units, addressees=addressees,
        is_county=False, unit="市", topics=topics, services=topics, slug=slug, address=address, phone=phone,
        is_window=is_window,
    )


# Headlines use the short names the local press uses (市发改委召开…).
_HEADLINE_NAMES = {
    "发展和改革委员会": "发改委", "国有资产监督管理委员会": "国资委", "人口和计划生育委员会": "人口计生委",
    "人民防空办公室": "人防办", "外事侨务办公室": "外侨办", "法制办公室": "法制办",
    "金融工作办公室": "金融办", "扶贫开发办公室": "扶贫办", "安全生产监督管理局": "安监局",
    "食品药品监督管理局": "食品药品监管局", "质量技术监督局": "质监局", "工商行政管理局": "工商局",
    "城市管理综合执法局": "城管执法局", "残疾人联合会": "残联", "劳动和社会保障局": "劳动保障局",
    "环境保护局": "环保局", "民族宗教事务局": "民宗局", "科学技术局": "科技局",
    "地方税务局": "地税局", "国家税务局": "国税局",
}

# A county portal's forms and guides are the county departments' citizen
# services; its catalog topics (development zones, investment) are not filed.
_COUNTY_SERVICES = (
    "农村宅基地审批", "城乡居民养老保险", "新型农村合作医疗报销", "农村最低生活保障",
    "个体工商户登记", "生育服务证办理", "建设工程规划许可", "残疾人证办理",
    "农村危房改造", "义务教育入学登记",
)


def _county_services(slug: str) -> tuple[str, ...]:
    return tuple(random.Random(f"services:{slug}").sample(_COUNTY_SERVICES, 6))


def _org_type(short: str) -> tuple[str, str, str]:
    """Return (self reference, head title, leadership meeting) for a department name."""
    if short.endswith("委员会"):
        return "我委", "主任", "委务会议"
    if short.endswith("办公室"):
        return "我办", "主任", "主任办公会议"
    if short.endswith("中心"):
        return "我中心", "主任", "主任办公会议"
    if short.endswith("合作社"):
        return "我社", "理事会主任", "理事会会议"
    if short.endswith("联合会"):
        return "我会", "理事长", "理事长办公会议"
    return "我局", "局长", "局务会议"


def _deputy_title(head: str) -> str:
    if head.startswith("理事会"):
        return head.replace("理事会", "理事会副")
    return "副" + head


@dataclass(frozen=True)
class _Leader:
    name: str
    post: str
    duties: str


def _leaders(org: _Org) -> list[_Leader]:
    """Return a stable leadership roster, so news, disclosure and about pages agree."""
    rng = random.Random(f"leaders:{org.slug}")
    names = _unique_names(rng, 5)
    topics = list(org.topics)
    if org.is_county:
        head_post = f"{org.unit}委副书记、{org.unit}长"
    else:
        head_post = f"党组书记、{org.head_title}"
    leaders = [_Leader(names[0], head_post, f"主持{org.name}全面工作。")]
    for i, name in enumerate(names[1:4]):
        share = topics[i::3] or topics[:1]
        leaders.append(_Leader(name, org.deputy_title, f"负责{'、'.join(share)}等方面工作。"))
    if not org.is_county:
        leaders.append(_Leader(names[4], "党组成员、纪检组长", "负责党风廉政建设和机关纪检监察工作。"))
    return leaders


def _unique_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = _person(rng)
        if name not in names:
            names.append(name)
    return names


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN_NAMES)


# ---------------------------------------------------------------------------
# Small text and HTML helpers
# ---------------------------------------------------------------------------


def _p(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>"


def _h3(text: str) -> str:
    return f"<h3>{html.escape(text, quote=False)}</h3>"


def _list(tag: str, items: list[str]) -> str:
    lis = "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in items)
    return f"<{tag}>{lis}</{tag}>"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h, quote=False)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c), quote=False)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _fit(text: str, limit: int) -> str:
    """Cut overlong text so that the list views' length limits always hold."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_sentence(text: str) -> str:
    head, sep, _ = text.partition("。")
    return _fit(head + sep if sep else head, SUMMARY_LIMIT)


def _cn_number(n: int) -> str:
    """Write 1-99 in Chinese numerals, as document headings and sessions do."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _cn_date(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _period(d: datetime.date) -> str:
    """Name the reporting period a summary meeting held on d looks back on."""
    if d.month <= 2:
        return f"{d.year - 1}年度"
    return ("一季度", "上半年", "前三季度", "全年")[(d.month - 3) // 3]


def _previous_month(d: datetime.date) -> tuple[int, int]:
    return (d.year - 1, 12) if d.month == 1 else (d.year, d.month - 1)


def _phone(org: _Org, rng: random.Random) -> str:
    if org.phone:
        return org.phone
    return f"0316-2{rng.randint(100000, 999999)}"


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def _office_time(rng: random.Random) -> datetime.time:
    """Pick a time inside office hours (8:30-11:50, 14:30-17:30)."""
    hour = rng.choice((8, 9, 9, 10, 10, 11, 14, 15, 15, 16, 16, 17))
    if hour == 8:
        minute = rng.randint(30, 59)
    elif hour == 14:
        minute = rng.randint(30, 59)
    elif hour == 17:
        minute = rng.randint(0, 30)
    elif hour == 11:
        minute = rng.randint(0, 50)
    else:
        minute = rng.randint(0, 59)
    return datetime.time(hour, minute)


def _spread_dates(today: datetime.date, rng: random.Random, count: int, days: int) -> list[datetime.date]:
    """Spread count dates evenly over the days before today, newest first.

    Stratified rather than uniform sampling keeps every month evenly populated,
    which matters because the evaluation counts work news per month. Most
    weekend dates move back to the Friday before, as government offices publish
    little on weekends, but never into the previous month (that would thin out
    one month to fill another); moving back never produces a future date.
    """
    dates = []
    for i in range(count):
        low = 1 + (days * i) // count
        high = max(low, (days * (i + 1)) // count)
        d = today - datetime.timedelta(days=rng.randint(low, high))
        friday = d - datetime.timedelta(days=d.weekday() - 4)
        if d.weekday() >= 5 and friday.month == d.month and rng.random() < 0.85:
            d = friday
        dates.append(d)
    dates.sort(reverse=True)
    return dates


def _at_office_hours(d: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(d, _office_time(rng))


def _part_of_day(t: datetime.time) -> str:
    return "上午" if t.hour < 12 else "下午"


# ---------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------


def _item(title: str, summary: str, blocks: list[str], source: str, author: str,
          published_at: datetime.datetime, **extra) -> dict:
    """Assemble one item dict with the keys every content kind shares."""
    item = {
        "title": _fit(title, TITLE_LIMIT),
        "summary": _fit(summary, SUMMARY_LIMIT),
        "body_html": "".join(blocks),
        "source": source,
        "author": author,
        "published_at": published_at,
    }
    item.update(extra)
    return item


def _newest_first(items: list[dict]) -> list[dict]:
    """Order by timestamp: dates are spread newest first, but same-day times are random."""
    return sorted(items, key=lambda it: it["published_at"], reverse=True)


def _context(org: _Org, rng: random.Random, when: datetime.datetime, topic: str) -> dict:
    """Build the values a template may use; unused ones are simply ignored."""
    others = [t for t in org.topics if t != topic] or [topic]
    leaders = _leaders(org)
    py, pm = _previous_month(when.date())
    return {
        "org": org.name, "n": org.title_name, "self": org.self_ref, "scope": org.scope,
        "units": org.units, "unit": org.unit, "place": org.name,
        "t": topic, "t2": rng.choice(others),
        "y": when.year, "m": when.month, "py": py, "pm": pm,
        "ay": when.year - 1 if when.month <= 3 else when.year,
        "q": _QUARTERS[(when.month - 1) // 3], "period": _period(when.date()),
        "day": f"{when.month}月{when.day}日{_part_of_day(when.time())}",
        "head": leaders[0].name, "head_title": org.head_title,
        "deputy": leaders[rng.randint(1, 3)].name, "deputy_title": org.deputy_title,
        "meeting": org.meeting,
        "county": rng.choice([c for c in _COUNTIES if c != org.name]),
        "city2": rng.choice(_OTHER_CITIES),
        "square": org.name + rng.choice(("人民广场", "文化广场")) if org.is_county else rng.choice(_SQUARES),
        "community": rng.choice(_COMMUNITIES) + "社区",
        "num": rng.randint(300, 9000), "people": rng.randint(60, 400),
        "small": rng.randint(3, 12), "weeks": rng.choice((4, 6, 8, 10, 12)),
        "pct": f"{rng.uniform(3, 28):.1f}", "progress": rng.randint(56, 92),
        "sat": f"{rng.uniform(95, 99.8):.1f}", "done": f"{rng.uniform(97, 100):.1f}",
        "bn": f"{rng.uniform(8, 120):.1f}",
        "person": _person(rng),
    }


class _Deck:
    """Deal (template, topic) pairs without repeats until all are used.

    Cycling through a shuffled deck instead of drawing at random is what keeps
    120 items of one site from reusing the same few headlines.
    """

    def __init__(self, templates: list, topics: tuple[str, ...], rng: random.Random,
                 every_topic: bool = False, title_at: int = 0):
        self._pairs = []
        for tpl in templates:
            text = tpl[title_at] if isinstance(tpl, tuple) else str(tpl)
            if every_topic or "{t}" in text:
                self._pairs.extend((tpl, t) for t in topics)
            else:
                self._pairs.extend((tpl, rng.choice(topics)) for _ in range(max(1, len(topics) // 3)))
        self._rng = rng
        self._queue: list = []

    def deal(self):
        if not self._queue:
            self._queue = self._pairs[:]
            self._rng.shuffle(self._queue)
        return self._queue.pop()


def _distinct_title(deck: _Deck, render, seen: set[str], attempts: int = 12):
    """Deal until the rendered title is new; give up gracefully on tiny decks."""
    result = None
    for _ in range(attempts):
        result = render(*deck.deal())
        if result[0] not in seen:
            break
    seen.add(result[0])
    return result


# --- news ------------------------------------------------------------------

# Each template is (title, lead paragraph, family); the family picks middle
# paragraphs that fit the kind of event, so a study session never "resolves"
# like a meeting and an award never reads like an inspection.
_NEWS_TEMPLATES = [
    ("{n}召开{y}年{t}工作会议",
     "{day}，{org}召开{y}年{t}工作会议，总结前一阶段工作，部署下一步任务。{head_title}{head}出席会议并讲话，{deputy_title}{deputy}主持会议。",
     "meeting"),
    ("{n}扎实推进{t}工作",
     "今年以来，{org}紧紧围绕年度目标任务，把{t}作为服务{scope}经济社会发展的重要抓手，统筹谋划、精心组织，各项工作扎实有序推进。",
     "progress"),
    ("{n}开展{t}专项行动",
     "为进一步规范{t}工作秩序，{org}自{m}月起在{scope}范围内开展为期{weeks}周的{t}专项行动。",
     "inspection"),
    ("{n}{t}工作取得阶段性成效",
     "{y}年以来，{org}认真落实上级决策部署，多措并举推进{t}工作，截至{pm}月底已完成年度目标任务的{progress}%，取得阶段性成效。",
     "progress"),
    ("{n}举办{t}业务培训班",
     "{day}，{org}举办{t}业务培训班，来自{units}的{people}余名业务骨干参加培训。",
     "training"),
    ("{n}组织开展{t}专题学习",
     "{day}，{org}组织机关全体干部职工开展{t}专题学习，{head_title}{head}领学有关政策文件并作辅导讲话。",
     "study"),
    ("{n}领导深入基层调研{t}工作",
     "{day}，{org}{head_title}{head}带领有关科室负责同志深入基层，就{t}工作开展专题调研，听取基层干部群众意见建议。",
     "inspection"),
    ("{n}召开{m}月份{meeting}",
     "{day}，{org}召开{m}月份{meeting}，听取各科室上月工作情况汇报，研究部署{t}等近期重点工作。",
     "meeting"),
    ("{n}{q}{t}工作进展顺利",
     "{y}年{q}，{org}按照年初确定的工作思路，稳步推进{t}工作，主要指标完成情况好于预期。",
     "progress"),
    ("省检查组来廊督导检查{t}工作",
     "{day}，省{t}工作检查组一行{small}人来廊，对{org}{t}工作进行督导检查，{org}主要负责同志陪同检查并汇报工作。",
     "inspection"),
    ("{n}召开党风廉政建设工作会议",
     "{day}，{org}召开{y}年党风廉政建设工作会议，传达学习上级有关会议精神，签订党风廉政建设责任书。",
     "meeting"),
    ("{n}开展“{t}宣传月”活动",
     "{day}，{org}在{square}举行“{t}宣传月”活动启动仪式，集中宣传{t}相关政策法规。",
     "activity"),
    ("{n}{t}工作受到省级表彰",
     "近日，河北省有关部门印发通报，对全省{t}工作先进单位予以表彰，{org}榜上有名。",
     "award"),
    ("{n}赴{county}调研{t}工作",
     "{day}，{org}{deputy_title}{deputy}一行赴{county}，实地调研{t}工作开展情况。",
     "inspection"),
    ("{n}召开{period}工作总结会",
     "{day}，{org}召开{period}工作总结会，全面总结{period}各项工作，分析存在的问题，安排部署{t}等重点工作。",
     "meeting"),
    ("{n}部署{y}年度{t}重点工作",
     "{day}，{org}召开专题会议，对{y}年度{t}重点工作进行安排部署，明确了目标任务和完成时限。",
     "meeting"),
    ("{n}召开安全生产和信访稳定工作会议",
     "{day}，{org}召开安全生产和信访稳定工作会议，分析当前形势，部署近期安全生产和信访稳定工作。",
     "meeting"),
    ("{n}组织收看全省{t}工作电视电话会议",
     "{day}，全省{t}工作电视电话会议召开，{org}组织有关负责同志在廊坊分会场收看。",
     "study"),
    ("{n}开展机关作风建设集中整顿活动",
     "为进一步转变机关作风、提高工作效能，{org}自{m}月起在机关全体干部职工中开展作风建设集中整顿活动。",
     "study"),
    ("{n}召开{t}工作推进会",
     "{day}，{org}召开{t}工作推进会，通报前一阶段工作进展，对下一步工作进行再动员、再部署。",
     "meeting"),
    ("{n}推行{t}“一站式”服务",
     "为方便群众办事，{org}整合{t}相关办事环节，自{m}月起推行“一站式”服务，实行一个窗口受理、一次性告知、限时办结。",
     "progress"),
    ("{n}简化{t}流程 提升服务效能",
     "近日，{org}对{t}办理流程进行全面梳理，取消不必要的证明材料，进一步压缩办理时限。",
     "progress"),
    ("{n}扎实做好政务公开和网站建设工作",
     "{org}高度重视政务公开和网站建设工作，按照《廊坊市政务公开规定》和市政府关于加强部门网站建设的要求，进一步规范栏目设置，充实{t}等方面的信息内容。",
     "progress"),
    ("{n}召开{t}专题座谈会",
     "{day}，{org}召开{t}专题座谈会，邀请部分企业代表、基层工作人员和群众代表参加，听取意见建议。",
     "exchange"),
    ("{n}通报{pm}月份{t}工作情况",
     "近日，{org}对{pm}月份{scope}{t}工作情况进行了通报。",
     "progress"),
    ("{n}开展{t}督导检查",
     "近日，{org}抽调业务骨干组成{small}个督导组，对{units}的{t}工作开展督导检查。",
     "inspection"),
    ("{n}组织干部职工开展志愿服务活动",
     "{day}，{org}组织机关干部职工走进{community}，开展“{t}进社区”志愿服务活动。",
     "activity"),
    ("{n}召开优化营商环境工作推进会",
     "{day}，{org}召开优化营商环境工作推进会，对照{scope}优化营商环境工作要求，查找{t}等领域存在的差距和不足。",
     "meeting"),
    ("{n}{t}工作经验在全省交流",
     "{day}，全省{t}工作现场会召开，{org}作典型发言，介绍了{t}工作的经验做法。",
     "award"),
    ("{n}开展{t}“回头看”活动",
     "为巩固前期工作成果，{org}于{m}月组织开展{t}“回头看”活动，对前期发现问题的整改情况进行逐项核查。",
     "inspection"),
    ("{n}举办{t}知识竞赛",
     "{day}，{org}举办{t}知识竞赛，来自机关各科室和基层单位的{small}支代表队参加比赛。",
     "activity"),
    ("{city2}考察团到{n}交流{t}工作",
     "{day}，{city2}{t}工作考察团一行{small}人到{org}学习交流，双方就进一步做好{t}工作进行了座谈。",
     "exchange"),
    ("{n}召开{t}工作联席会议",
     "{day}，{org}牵头召开{t}工作联席会议，各成员单位有关负责同志参加会议。",
     "meeting"),
    ("{n}领导走访企业助力{t}",
     "{day}，{org}{head_title}{head}带队走访辖区部分重点企业，了解企业在{t}方面的实际需求，现场协调解决有关问题。",
     "inspection"),
    ("{n}召开年度述职述廉大会",
     "{day}，{org}召开领导干部述职述廉大会，领导班子成员逐一述职述廉，接受干部职工民主测评。",
     "meeting"),
    ("{n}多措并举提升{t}服务水平",
     "{org}坚持以群众满意为标准，从规范流程、提升效率、改进作风入手，多措并举提升{t}服务水平。",
     "progress"),
    ("{n}约谈{t}工作进度滞后单位",
     "{day}，{org}对{t}工作进度相对滞后的{small}个单位有关负责人进行集体约谈。",
     "inspection"),
    ("{n}完成{ay}年度{t}考核工作",
     "近日，{org}完成{ay}年度{t}考核工作，考核结果将作为评先评优的重要依据。",
     "progress"),
    ("{n}传达学习全市经济工作会议精神",
     "{day}，{org}召开干部职工大会，传达学习全市经济工作会议精神，研究贯彻落实意见，部署{t}等重点工作。",
     "study"),
]

# County portals report the county government's own work on top of the above.
_COUNTY_NEWS_TEMPLATES = [
    ("{head_title}{head}调研{t}工作",
     "{day}，{place}委副书记、{head_title}{head}深入基层，就{t}工作进行专题调研。", "inspection"),
    ("{n}召开招商引资工作推进会",
     "{day}，{place}召开招商引资工作推进会，通报{y}年以来{scope}招商引资工作进展情况。", "meeting"),
    ("{n}举行{y}年{q}重点项目集中开工仪式",
     "{day}，{place}举行{y}年{q}重点项目集中开工仪式，此次集中开工项目{small}个，总投资{bn}亿元。", "progress"),
    ("{n}扎实推进美丽乡村建设",
     "今年以来，{place}把美丽乡村建设作为改善农村人居环境的重要抓手，统筹推进村庄规划、道路硬化、环境整治等工作。",
     "progress"),
    ("{n}新农村建设取得阶段性成效",
     "{y}年以来，{place}按照“生产发展、生活宽裕、乡风文明、村容整洁、管理民主”的要求，扎实推进新农村建设。",
     "progress"),
    ("{n}召开政府常务会议研究{t}工作",
     "{day}，{head_title}{head}主持召开{meeting}，专题研究{t}工作。", "meeting"),
    ("{head_title}{head}带队检查安全生产工作",
     "{day}，{head_title}{head}带队深入部分企业和建设工地，检查安全生产工作。", "inspection"),
    ("{n}与京津企业签约{small}个合作项目",
     "{day}，{place}在北京举办京津企业座谈会暨项目签约仪式，现场签约项目{small}个，总投资{bn}亿元。", "exchange"),
    ("{n}召开农村人居环境整治工作会议",
     "{day}，{place}召开农村人居环境整治工作会议，对{scope}农村垃圾、污水治理和村容村貌提升工作进行部署。", "meeting"),
    ("{n}举办{y}年经贸洽谈会",
     "{day}，{y}年{place}经贸洽谈会开幕，来自京津及省内外的{people}余位客商参会。", "exchange"),
    ("{n}{t}工作受到市政府通报表扬",
     "近日，廊坊市人民政府印发通报，对{t}工作成绩突出的县（市、区）予以表扬，{place}名列其中。", "award"),
    ("{n}开展大气污染防治专项检查",
     "{day}，{place}组织环保、住建、城管等部门开展大气污染防治专项检查。", "inspection"),
    ("{n}民生实事项目进展顺利",
     "今年以来，{place}确定的{small}项民生实事项目进展顺利，截至{pm}月底，已完成年度投资计划的{progress}%。",
     "progress"),
    ("{n}召开{q}经济运行分析会",
     "{day}，{place}召开{q}经济运行分析会，分析当前经济形势，研究部署{t}等重点工作。", "meeting"),
    ("{n}召开{t}工作现场观摩会",
     "{day}，{place}召开{t}工作现场观摩会，与会人员实地观摩了{small}个现场。", "meeting"),
]

_NEWS_MIDDLES = {
    "meeting": [
        "会议指出，{y}年以来，{self}认真贯彻落实上级决策部署，围绕{t}、{t2}等重点工作，强化措施、狠抓落实，各项工作取得了新进展。",
        "会议强调，要进一步提高思想认识，把{t}工作摆在更加突出的位置，坚持问题导向，细化任务分工，明确时间节点，确保各项任务落到实处。",
        "{head}在讲话中要求：一是要提高认识，切实增强做好{t}工作的责任感和紧迫感；二是要突出重点，集中力量解决群众反映强烈的突出问题；三是要强化督导，确保各项工作措施落到实处。",
        "与会人员围绕{t}工作中存在的突出问题进行了深入交流，提出了{small}条具体意见和建议。",
    ],
    "study": [
        "学习中，{head}结合{t}工作实际，对有关文件精神进行了逐条解读，要求全体干部职工学深悟透、融会贯通。",
        "大家一致表示，要把学习成果转化为推动{t}工作的实际行动，立足岗位、履职尽责。",
        "{self}将把学习教育与业务工作结合起来，建立学习台账，确保学习教育取得实效。",
    ],
    "training": [
        "此次培训邀请了省、市有关专家授课，系统讲解了{t}相关政策法规和业务操作规范，并结合典型案例进行了分析。",
        "培训期间，学员们认真听讲、积极交流，并参加了结业考试，考试合格率{done}%。",
        "{deputy_title}{deputy}在开班式上要求，参训人员要珍惜学习机会，学以致用，切实提高{t}业务能力。",
    ],
    "activity": [
        "活动期间，工作人员通过发放宣传资料、设置咨询台、现场解答等方式，向群众宣传{t}相关政策法规，共发放宣传材料{num}余份，接受群众咨询{people}人次。",
        "活动现场气氛热烈，参与群众纷纷表示，通过此次活动进一步了解了{t}有关政策。",
        "此次活动是{self}{y}年{t}宣传工作的重要内容，{self}将以此为契机，推动{t}宣传常态化、制度化。",
    ],
    "inspection": [
        "通过听取汇报、查阅资料、实地查看等方式，全面了解了{t}工作开展情况，共发现问题{small}个。",
        "针对发现的问题，{self}逐项建立整改台账，明确责任科室和整改时限，做到问题不解决不销号。",
        "{head}指出，{t}工作事关群众切身利益，要坚持问题导向，对发现的问题立行立改，确保取得实效。",
    ],
    "progress": [
        "据了解，{self}将{t}列入年度重点工作，成立了由主要领导任组长的工作领导小组，制定了实施方案，建立了周调度、月通报工作机制。",
        "在{t2}方面，{self}坚持依法行政、规范服务，进一步精简办事环节，相关事项平均办理时间缩短{pct}%，群众满意率达到{sat}%。",
        "{self}还注重发挥网站在政务公开中的作用，在网站开设{t}专栏，及时发布政策法规、办事指南和工作动态，方便群众查询。",
    ],
    "award": [
        "近年来，{self}坚持创新工作思路，在{t}工作中探索形成了一套行之有效的工作机制，多项工作走在全省前列。",
        "此次获得肯定，是对{self}{t}工作的充分认可。{self}将珍惜荣誉、再接再厉，努力创造更多可复制、可推广的经验。",
    ],
    "exchange": [
        "座谈中，{org}有关负责同志介绍了{t}工作的主要做法和成效，双方围绕共同关心的问题进行了深入交流。",
        "与会代表结合自身实际，就进一步做好{t}工作积极建言献策，现场共收集意见建议{small}条。",
    ],
}

# Statistics read differently for a department (cases handled) and a county (projects built).
_NEWS_FIGURES = {
    False: "{py}年1至{pm}月，{scope}共办理{t}相关业务{num}件，同比增长{pct}%，办结率{done}%。",
    True: "今年以来，{scope}共实施{t}相关项目{small}个，完成投资{bn}亿元，占年度计划的{progress}%。",
}

_NEWS_CLOSINGS = [
    "下一步，{self}将继续以{t}为重点，加大工作力度，创新工作方式，为{scope}经济社会发展作出新的更大贡献。",
    "下一步，{self}将认真总结经验、查找不足，建立健全长效机制，推动{t}工作再上新台阶。",
    "{self}有关负责同志表示，将以此为动力，进一步强化责任担当，确保全年各项目标任务圆满完成。",
    "据悉，{self}还将于近期组织开展{t2}专项督查，确保各项工作措施落实到位。",
    "下一步，{self}将进一步畅通群众诉求渠道，不断提高{t}工作的群众满意度。",
]


_NEWS_WINDOW_DAYS = 155


def news_items(site: dict, *, today: datetime.date, rng: random.Random, count: int) -> list[dict]:
    """Return work news (工作动态) over the last five to six months, newest first.

    The window is sized so that count=120 gives every complete calendar month
    at least the 20 items the guideline asks for, so a freshly seeded site
    passes the news-frequency check of the evaluation.
    """
    org = _org(site)
    templates = _NEWS_TEMPLATES + (_COUNTY_NEWS_TEMPLATES * 2 if org.is_county else [])
    deck = _Deck(templates, org.topics, rng)
    media = ("廊坊日报", "廊坊电视台", "河北日报") if org.is_county else ("廊坊日报", "廊坊电视台", "廊坊市人民政府网")
    seen: set[str] = set()
    items = []
    for d in _spread_dates(today, rng, count, _NEWS_WINDOW_DAYS):
        when = _at_office_hours(d, rng)

        def render(tpl, topic, when=when):
            ctx = _context(org, rng, when, topic)
            return tpl[0].format_map(ctx), tpl, ctx

        title, (_, lead, family), ctx = _distinct_title(deck, render, seen)
        paragraphs = [lead] + _news_middles(org, family, rng)
        paragraphs.append(rng.choice(_NEWS_CLOSINGS))
        paragraphs = [p.format_map(ctx) for p in paragraphs]
        source = org.office if rng.random() < 0.65 else rng.choice(media)
        items.append(_item(title, _first_sentence(paragraphs[0]), [_p(x) for x in paragraphs],
                           source, _person(rng), when))
    return _newest_first(items)


def _news_middles(org: _Org, family: str, rng: random.Random) -> list[str]:
    """Pick one to three middle paragraphs that suit the event, sometimes with figures."""
    pool = _NEWS_MIDDLES[family]
    chosen = rng.sample(pool, rng.randint(1, min(2, len(pool))))
    if family in ("progress", "award", "meeting") and rng.random() < 0.6:
        chosen.append(_NEWS_FIGURES[org.is_county])
    return chosen


# --- notices ---------------------------------------------------------------

_HOLIDAYS = (  # (month, day) of the holiday a duty-roster notice precedes
    ((1, 1), "元旦"), ((2, 1), "春节"), ((4, 4), "清明节"), ((5, 1), "“五一”劳动节"),
    ((6, 10), "端午节"), ((9, 15), "中秋节"), ((10, 1), "国庆节"),
)


def _next_holiday(d: datetime.date) -> str:
    for (month, day), name in _HOLIDAYS:
        if (d.month, d.day) <= (month, day):
            return name
    return "元旦"


# (kind, title, about a citizen service rather than a line of work)
_NOTICE_TEMPLATES = [
    ("notice", "关于开展{y}年度{t}工作的通知", False),
    ("notice", "关于做好{y}年{t}有关工作的通知", False),
    ("notice", "关于举办{t}业务培训班的通知", False),
    ("notice", "关于报送{pm}月份{t}统计数据的通知", False),
    ("notice", "关于{holiday}期间值班安排的通知", False),
    ("notice", "关于开展{t}专项检查的通知", False),
    ("notice", "关于印发《{y}年{t}工作要点》的通知", False),
    ("announcement", "关于{t}有关事项的公告", True),
    ("announcement", "关于调整{t}窗口办理时间的公告", True),
    ("announcement", "关于公开征求《廊坊市{t}管理办法（征求意见稿）》意见的公告", False),
    ("announcement", "关于{t}实行网上申报的公告", True),
    ("publicity", "{y}年度{t}工作拟表彰先进个人名单公示", False),
    ("publicity", "{y}年度{t}先进单位评选结果公示", False),
    ("publicity", "关于{y}年{t}专项资金拟安排项目的公示", False),
    ("bulletin", "关于{pqy}年{pq}{t}工作情况的通报", False),
]


def notice_items(site: dict, *, today: datetime.date, rng: random.Random, count: int) -> list[dict]:
    """Return notices, announcements and publicity lists of the last four months."""
    org = _org(site)
    deck = _Deck([(title, kind, service) for kind, title, service in _NOTICE_TEMPLATES], org.topics, rng)
    seen: set[str] = set()
    items = []
    for d in _spread_dates(today, rng, count, 120):
        when = _at_office_hours(d, rng)

        def render(tpl, topic, when=when):
            if tpl[2]:
                topic = org.services[org.topics.index(topic) % len(org.services)]
            ctx = _context(org, rng, when, topic)
            ctx["holiday"] = _next_holiday(when.date())
            ctx["pqy"], ctx["pq"] = _previous_quarter(when.date())
            return tpl[0].format_map(ctx), tpl[1], ctx

        title, kind, ctx = _distinct_title(deck, render, seen)
        builder = {"notice": _notice_body, "announcement": _announcement_body,
                   "publicity": _publicity_body, "bulletin": _bulletin_body}[kind]
        blocks, summary = builder(org, ctx, when.date(), rng, title)
        items.append(_item(title, summary, blocks, org.office, _person(rng), when))
    return _newest_first(items)


def _previous_quarter(d: datetime.date) -> tuple[int, str]:
    """Return the year and name of the last finished quarter, which a bulletin reports on."""
    index = (d.month - 1) // 3
    return (d.year - 1, _QUARTERS[3]) if index == 0 else (d.year, _QUARTERS[index - 1])


def _signature(org: _Org, d: datetime.date) -> list[str]:
    return [_p(org.full_name), _p(_cn_date(d))]


def _notice_body(org, ctx, d, rng, title):
    start = d + datetime.timedelta(days=rng.randint(3, 10))
    end = start + datetime.timedelta(days=rng.randint(20, 60))
    topic = ctx["t"]
    lead = (f"为进一步做好{topic}工作，根据上级有关文件精神和年度工作安排，经研究，"
            f"现将有关事项通知如下：")
    if "值班" in title:
        lead = f"{ctx['holiday']}将至，为确保节日期间各项工作正常运转，现将值班安排有关事项通知如下："
        points = [
            "节日期间实行领导带班和工作人员值班制度，值班人员要坚守岗位，保持通讯畅通。",
            "各单位要在节前组织开展一次安全检查，重点做好防火、防盗工作。",
            "遇有重大突发事件，要按程序及时报告，不得迟报、漏报、瞒报。",
        ]
    elif "培训班" in title:
        points = [
            f"培训时间：{_cn_date(start)}，为期{rng.randint(2, 4)}天。",
            f"培训内容：{topic}有关政策法规、业务流程和操作规范。",
            f"参训人员：{org.units}{topic}工作分管负责同志和业务骨干，每单位{rng.randint(1, 3)}人。",
            f"报名方式：请于{_cn_date(start - datetime.timedelta(days=2))}前将参训人员名单报送{org.self_ref}办公室。",
        ]
    else:
        points = [
            f"时间安排：{_cn_date(start)}至{_cn_date(end)}。",
            f"工作内容：围绕{topic}中的重点环节和群众反映集中的问题，逐项梳理、逐项落实。",
            f"工作要求：各单位要高度重视，明确专人负责，于{_cn_date(end)}前将工作总结报送{org.self_ref}办公室。",
        ]
    blocks = [_p(f"{org.addressees}："), _p(lead), _list("ol", points),
              _p(f"联系人：{_person(rng)}，联系电话：{_phone(org, rng)}。")] + _signature(org, d)
    return blocks, _fit(f"{org.name}下发{title}，对有关工作作出具体安排。", SUMMARY_LIMIT)


def _announcement_body(org, ctx, d, rng, title):
    topic = ctx["t"]
    start = d + datetime.timedelta(days=rng.randint(5, 15))
    phone = _phone(org, rng)
    if "时间" in title:
        season = "夏季" if 4 <= start.month <= 9 else "冬季"
        afternoon = "14:30-17:30" if season == "夏季" else "14:00-17:00"
        content = [
            f"根据{season}作息时间安排，自{_cn_date(start)}起，{topic}窗口办理时间调整为："
            f"上午8:30-12:00，下午{afternoon}（法定节假日除外）。",
            f"调整期间，申请人也可通过本网站“网上办事”栏目在线申报{topic}事项，并查询办理进度。",
        ]
        summary = f"自{_cn_date(start)}起，{topic}窗口按{season}作息时间办理。"
    elif "征求" in title:
        deadline = d + datetime.timedelta(days=30)
        content = [
            f"为提高规范性文件制定的科学性和透明度，现将《廊坊市{topic}管理办法（征求意见稿）》全文公布，公开征求社会各界意见。",
            f"有关单位和个人可于{_cn_date(deadline)}前，通过本网站“咨询投诉”栏目、信函或电话{phone}提出意见建议。",
        ]
        summary = f"{org.name}公开征求《廊坊市{topic}管理办法（征求意见稿）》意见，截止时间为{_cn_date(deadline)}。"
    elif "网上申报" in title:
        content = [
            f"自{_cn_date(start)}起，{topic}事项可通过本网站“网上办事”栏目在线申报，也可到{_service_hall(org)}现场办理。",
            "申请人在线提交后将获得查询码，可凭查询码在本网站查询办理进度和结果。",
        ]
        summary = f"自{_cn_date(start)}起，{topic}事项可在{org.name}网站在线申报并查询办理结果。"
    else:
        content = [
            f"{topic}事项的办理依据、条件、程序、时限和所需材料已在本网站“办事指南”栏目公布，申请人可下载有关表格。",
            f"办理地点：{_service_hall(org)}；咨询电话：{phone}。",
        ]
        summary = f"{org.name}公告{topic}事项的办理依据、条件和程序。"
    paragraphs = ([f"为进一步规范{topic}工作，方便群众和企业办事，根据有关规定，现就有关事项公告如下。"]
                  + content + ["特此公告。"])
    return [_p(x) for x in paragraphs] + _signature(org, d), summary


def _service_hall(org: _Org) -> str:
    """Name where applicants go in person: window departments sit in the city's service center."""
    if org.is_county:
        return f"{org.name}行政服务中心"
    if org.is_window:
        return "廊坊市行政审批服务中心"
    return org.address or org.name


def _publicity_body(org, ctx, d, rng, title):
    topic = ctx["t"]
    end = d + datetime.timedelta(days=7)
    below = list(_COUNTIES) if not org.is_county else [f"{org.name}{x}" for x in ("第一中学", "人民医院", "农业局", "城建局", "财政局", "民政局")]
    if "项目" in title:
        header, rows = ["序号", "项目名称", "承担单位", "拟安排资金（万元）"], [
            [str(i + 1), f"{topic}{('示范', '提升', '试点', '配套')[i % 4]}项目", rng.choice(below),
             str(rng.randint(10, 300))]
            for i in range(rng.randint(3, 6))
        ]
    elif "单位" in title:
        header, rows = ["序号", "单位名称"], [
            [str(i + 1), c if org.is_county else f"{c}{org.short}"]
            for i, c in enumerate(rng.sample(below, rng.randint(3, 5)))
        ]
    else:
        header, rows = ["序号", "姓名", "工作单位"], [
            [str(i + 1), _person(rng), rng.choice(below) if org.is_county else f"{rng.choice(below)}{org.short}"]
            for i in range(rng.randint(4, 8))
        ]
    blocks = [
        _p(f"根据{topic}工作有关规定，经基层推荐、{org.self_ref}审核，现将结果予以公示（见下表）。"),
        _table(header, rows),
        _p(f"公示期为{_cn_date(d)}至{_cn_date(end)}。公示期间，如有异议，请以书面形式向{org.full_name}反映，"
           f"反映情况要实事求是，并提供联系方式。"),
        _p(f"联系电话：{_phone(org, rng)}。"),
    ] + _signature(org, d)
    return blocks, _fit(f"{org.name}对{topic}有关结果进行公示，公示期至{_cn_date(end)}。", SUMMARY_LIMIT)


def _bulletin_body(org, ctx, d, rng, title):
    topic, quarter = ctx["t"], ctx["pq"]
    paragraphs = [
        f"{ctx['pqy']}年{quarter}，{org.units}认真落实{topic}工作部署，各项工作总体进展顺利。现将有关情况通报如下。",
        f"一、总体情况。{quarter}{org.scope}共办理{topic}相关事项{ctx['num']}件，同比增长{ctx['pct']}%，"
        f"按时办结率{ctx['done']}%。",
        f"二、存在的问题。部分单位对{topic}工作重视不够，信息报送不及时，个别事项办理超时。",
        "三、下一步要求。各单位要对照通报问题认真整改，于本季度末前将整改情况书面报送。",
    ]
    blocks = [_p(x) for x in paragraphs] + _signature(org, d)
    return blocks, _fit(f"{org.name}通报{ctx['pqy']}年{quarter}{topic}工作情况，{org.scope}共办理相关事项{ctx['num']}件。", SUMMARY_LIMIT)


# --- policies --------------------------------------------------------------

# (issuing body, document-number prefix, title). Ministries and provincial
# departments carry the names of the 2000s (人事部, 河北省人事厅 ...), so their
# documents are dated before the 2008 reorganisation that renamed most of them.
_POLICY_TEMPLATES = {
    "national": [
        ("国务院", "国发", "国务院关于进一步加强{t}工作的意见"),
        ("国务院办公厅", "国办发", "国务院办公厅关于做好{t}工作的通知"),
        ("{ministry}", "{mabbr}", "{t}管理办法"),
        ("{ministry}", "{mabbr}", "{ministry}关于印发《{t}工作规范》的通知"),
        ("{ministry}", "{mabbr}", "关于深化{t}改革的指导意见"),
    ],
    "provincial": [
        ("河北省人民政府", "冀政", "河北省{t}管理办法"),
        ("河北省人民政府", "冀政字", "河北省人民政府关于加快推进{t}工作的实施意见"),
        ("河北省人民政府办公厅", "冀政办发", "河北省人民政府办公厅关于进一步规范{t}工作的通知"),
        ("{province}", "{pabbr}", "{province}关于印发《河北省{t}实施办法》的通知"),
    ],
    "municipal": [
        ("廊坊市人民政府", "廊政", "廊坊市{t}实施细则"),
        ("廊坊市人民政府", "廊政字", "廊坊市人民政府关于进一步加强{t}工作的意见"),
        ("廊坊市人民政府办公室", "廊政办", "廊坊市{t}管理暂行办法"),
        ("廊坊市人民政府办公室", "廊政办字", "廊坊市人民政府办公室关于印发《廊坊市{t}工作方案》的通知"),
    ],
    "departmental": [
        ("{org}", "{dabbr}", "{org}关于印发《{t}工作规程》的通知"),
        ("{org}", "{dabbr}", "{org}{t}工作制度"),
        ("{org}", "{dabbr}", "{org}关于规范{t}有关问题的通知"),
        ("{org}", "{dabbr}", "{org}关于做好{y}年{t}工作的通知"),
    ],
}

_POLICY_FIRST_YEAR = {"national": 2003, "provincial": 2004, "municipal": 2005, "departmental": 2006}
_OLD_NAMES_UNTIL = datetime.date(2007, 12, 31)


def _ministry(org: _Org) -> tuple[str, str]:
    """Return the national ministry over the department, by a keyword of its own name.

    Only the name without "廊坊市人民政府" is searched: "人民政府" itself
    contains "民政", which would file every county under the Ministry of Civil Affairs.
    """
    if not org.is_county:
        for keyword, body, abbr in _MINISTRIES:
            if keyword in org.short:
                return body, abbr
    return "国务院办公厅", "国办发"


def _provincial_body(org: _Org) -> tuple[str, str]:
    body = _PROVINCIAL_BODIES.get(org.short)
    if body is None:
        return "河北省人民政府办公厅", "冀政办函"
    core = body.removeprefix("河北省").removeprefix("人民政府")
    return body, f"冀{core[0]}发"


def _department_abbr(org: _Org) -> str:
    """Return the prefix of the department's own document numbers (e.g. 廊人发)."""
    if org.is_county:
        return (org.name[:2] if org.name.startswith("大") else org.name[0]) + "政"
    if "开发区" in org.full_name:
        return "廊开管"
    special = {"国家税务局": "廊国税发", "地方税务局": "廊地税发", "发展和改革委员会": "廊发改",
               "劳动和社会保障局": "廊劳社", "国土资源局": "廊国土资"}
    return special.get(org.short, f"廊{org.short[0]}发")


def policy_items(site: dict, *, today: datetime.date, rng: random.Random, count: int) -> list[dict]:
    """Return policies and regulations filed by level, about one in eight repealed.

    The guideline asks that policies be arranged by national, provincial and
    municipal level; the demo mixes all four levels evenly so each level's
    listing has content.
    """
    org = _org(site)
    ministry, mabbr = _ministry(org)
    province, pabbr = _provincial_body(org)
    names = {"ministry": ministry, "mabbr": mabbr, "province": province, "pabbr": pabbr,
             "org": org.full_name, "dabbr": _department_abbr(org)}
    levels = list(_POLICY_TEMPLATES)
    decks = {lvl: _Deck(_POLICY_TEMPLATES[lvl], org.topics, rng, title_at=2) for lvl in levels}
    seen_titles: set[str] = set()
    seen_numbers: set[str] = set()
    order = [levels[i % 4] for i in range(count)]
    rng.shuffle(order)
    drafts = []
    for level in order:
        start = datetime.date(_POLICY_FIRST_YEAR[level], 1, 10)

        def render(tpl, topic, start=start):
            latest = today - datetime.timedelta(days=45)
            if tpl[0] in ("{ministry}", "{province}"):
                latest = min(latest, _OLD_NAMES_UNTIL)
            issued = _random_date(rng, start, latest)
            ctx = {**names, "t": topic, "y": issued.year}
            return tpl[2].format_map(ctx), tpl, topic, issued

        title, tpl, topic, issued = _distinct_title(decks[level], render, seen_titles)
        body = tpl[0].format_map(names)
        prefix = tpl[1].format_map(names)
        number = _document_number(prefix, issued.year, rng, seen_numbers)
        drafts.append((level, title, body, number, issued, topic))

    repealed = _pick_repealed(drafts, rng)
    items = []
    for i, (level, title, body, number, issued, topic) in enumerate(drafts):
        effective = issued + datetime.timedelta(days=rng.choice((0, 0, 15, 30, 30, 60)))
        posted = min(issued + datetime.timedelta(days=rng.randint(2, 20)), today - datetime.timedelta(days=1))
        when = _at_office_hours(posted, rng)
        status = "repealed" if i in repealed else "in_force"
        blocks = _policy_body(org, title, body, number, topic, effective, status, today, rng)
        summary = _policy_summary(title, body, number, issued, effective)
        items.append(_item(
            title, summary, blocks, org.office, _person(rng), when,
            policy_level=level, document_number=number, issuing_body=body,
            issued_on=issued, effective_on=effective, policy_status=status,
        ))
    return _newest_first(items)


def _policy_summary(title: str, body: str, number: str, issued: datetime.date,
                    effective: datetime.date) -> str:
    """Say who issued what and when, naming the enclosed document rather than the cover notice."""
    inner = re.search("《(.+?)》", title)
    if inner:
        name = f"《{inner.group(1)}》"
    elif title.startswith(body):
        name = title[len(body):]
    else:
        name = f"《{title}》"
    summary = f"{body}于{_cn_date(issued)}印发{name}（{number}），自{_cn_date(effective)}起施行。"
    if len(summary) > SUMMARY_LIMIT:
        summary = f"{body}于{_cn_date(issued)}印发，文号{number}，自{_cn_date(effective)}起施行。"
    return summary


def _random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    if end <= start:
        return end
    d = start + datetime.timedelta(days=rng.randint(0, (end - start).days))
    return d - datetime.timedelta(days=max(0, d.weekday() - 4))


def _document_number(prefix: str, year: int, rng: random.Random, seen: set[str]) -> str:
    """Return a unique number such as 冀政办发〔2009〕23号 in the customary brackets."""
    while True:
        number = f"{prefix}〔{year}〕{rng.randint(1, 160)}号"
        if number not in seen:
            seen.add(number)
            return number


def _pick_repealed(drafts: list, rng: random.Random) -> set[int]:
    """Mark about one policy in eight repealed, preferring the older ones."""
    if len(drafts) < 4:
        return set()
    wanted = max(1, round(len(drafts) / 8))
    by_age = sorted(range(len(drafts)), key=lambda i: drafts[i][4])
    pool = by_age[: max(wanted, len(drafts) // 2)]
    return set(rng.sample(pool, wanted))


def _policy_body(org, title, body, number, topic, effective, status, today, rng) -> list[str]:
    """Write rules (办法/细则/制度) article by article, opinions and notices by sections."""
    if any(word in title for word in ("办法", "细则", "制度", "规程", "规范")):
        paragraphs = [
            f"第一条 为了规范{topic}工作，保障公民、法人和其他组织的合法权益，根据有关法律、法规，结合实际，制定本办法。",
            f"第二条 本办法适用于本行政区域内的{topic}及其监督管理活动。",
            f"第三条 有关主管部门应当将{topic}的依据、条件、程序、期限以及需要提交的全部材料目录在办公场所和政府网站公示。",
            f"第四条 本办法自{_cn_date(effective)}起施行。",
        ]
    else:
        paragraphs = [
            f"为进一步加强{topic}工作，推动{topic}规范化、制度化建设，现提出如下意见。",
            f"一、充分认识做好{topic}工作的重要意义。各级各部门要把{topic}工作摆上重要议事日程，切实加强组织领导。",
            f"二、明确工作重点。围绕{topic}中的薄弱环节，完善制度、创新机制，提高工作的针对性和实效性。",
            "三、强化保障措施。健全工作责任制，加强督促检查，对工作不力、造成不良影响的，依法依规追究责任。",
        ]
    blocks = [_p(f"（{number}）")] + [_p(x) for x in paragraphs]
    if status == "repealed":
        repealed_on = _random_date(rng, effective + datetime.timedelta(days=365), today - datetime.timedelta(days=30))
        blocks.append(_p(f"注：本文件已于{_cn_date(repealed_on)}废止，仅供查阅参考。"))
    return blocks


# --- blank forms -----------------------------------------------------------

def _form_fields(title: str) -> list[str]:
    """The lines of a blank form (core.demo.services writes them into its items' .docx forms)."""
    blank = "＿" * 16
    return [
        f"申请人（单位）名称：{blank}",
        f"统一社会信用代码/身份证号码：{blank}",
        f"联系地址：{blank}",
        f"联系人：{blank}    联系电话：{blank}",
        f"申请事项：{title.removesuffix('表').removesuffix('书')}",
        "申请理由及主要内容：",
        "",
        "申请人（签章）：            年    月    日",
        "审核意见：",
        "经办人：            审核人：            年    月    日",
    ]


# --- government information disclosure -------------------------------------


def disclosure_items(site: dict, *, today: datetime.date, rng: random.Random, count: int) -> list[dict]:
    """Return government information disclosure items over the last year.

    Each item also has a ``category`` naming the disclosure category (机构职能,
    财政预决算 ...), so the seeder can file it under the platform's list.
    """
    org = _org(site)
    builders = list(_DISCLOSURE_BUILDERS)
    seen: set[str] = set()
    items = []
    dates = _spread_dates(today, rng, count, 365)
    queue: list = []
    for d in dates:
        when = _at_office_hours(d, rng)
        for _ in range(2 * len(builders)):
            if not queue:
                queue = builders[:]
                rng.shuffle(queue)
            category, builder = queue.pop()
            title, summary, blocks = builder(org, when.date(), rng)
            if title not in seen:
                break
        seen.add(title)
        items.append(_item(title, summary, blocks, org.office, _person(rng), when, category=category))
    return _newest_first(items)


def _functions(org: _Org) -> list[str]:
    verbs = ("负责{scope}{t}工作，拟订有关政策措施并组织实施。",
             "承担{t}的组织协调和监督管理工作。",
             "指导、监督{t}相关业务，依法查处违法违规行为。",
             "组织开展{t}的宣传、培训和统计分析工作。")
    lines = [verbs[i % len(verbs)].format(scope=org.scope, t=t) for i, t in enumerate(org.topics)]
    lines.append("承办上级交办的其他事项。" if org.is_county else "承办市委、市政府交办的其他事项。")
    return lines


def _disclose_functions(org, d, rng):
    title = f"{org.full_name}主要职责"
    return title, f"{org.full_name}主要负责{'、'.join(org.topics[:3])}等工作。", [
        _p(f"根据机构编制部门批复的职能配置，{org.full_name}的主要职责是："),
        _list("ol", _functions(org)),
        _p(f"{org.full_name}设{org.unit}政府办公室等工作部门，具体情况详见本网站“{org.unit}情概况”栏目。"
           if org.is_county else
           f"{org.full_name}机关设办公室、政策法规科等内设机构，具体情况详见本网站“机构概况”栏目。"),
        _p(f"办公地址：{org.address}；联系电话：{org.phone}。"),
    ]


def _disclose_leaders(org, d, rng):
    leaders = _leaders(org)
    title = f"{org.full_name}领导班子成员及分工"
    return title, f"{org.full_name}现有领导班子成员{len(leaders)}人，{leaders[0].name}任{leaders[0].post}。", [
        _p(f"{org.full_name}领导班子成员及分工如下："),
        _list("ul", [f"{x.name}，{x.post}，{x.duties}" for x in leaders]),
        _p(f"领导班子成员按照分工各负其责，重大事项由{org.meeting}集体研究决定。"),
        _p("以上信息如有变动，以最新公布为准。"),
    ]


def _disclose_plan(org, d, rng):
    topics = list(org.topics)
    title = f"{org.full_name}{d.year}年工作要点"
    points = [f"{_cn_number(i + 1)}、扎实推进{t}工作。进一步完善制度措施，确保全年目标任务按时完成。"
              for i, t in enumerate(topics[:4])]
    return title, f"{org.full_name}{d.year}年将重点抓好{'、'.join(topics[:3])}等工作。", [
        _p(f"{d.year}年，{org.full_name}工作的总体要求是：全面落实上级决策部署，围绕中心、服务大局，"
           f"突出抓好{'、'.join(topics[:3])}等重点工作。")] + [_p(x) for x in points]


def _disclose_budget(org, d, rng):
    year = d.year if d.month >= 2 else d.year - 1
    kind, total = ("预算", rng.randint(800, 9000))
    if d.month >= 8:
        kind, year = "决算", d.year - 1
    basic = round(total * rng.uniform(0.55, 0.8))
    rows = [["基本支出", str(basic)], ["项目支出", str(total - basic)], ["合计", str(total)]]
    # A county publishes the government's budget; a department its own.
    owner, label = (org.name, "财政") if org.is_county else (org.full_name, "部门")
    if org.is_county:
        total *= 20
    title = f"{owner}{year}年{label}{kind}公开"
    three = rng.randint(8, 60)
    return title, f"{owner}{year}年{label}{kind}支出合计{total}万元，“三公”经费{three}万元。", [
        _p(f"按照预算公开有关要求，现将{owner}{year}年{label}{kind}公开如下。"),
        _table(["项目", "金额（万元）"], rows),
        _p(f"{year}年“三公”经费{kind}{three}万元，其中公务接待费{rng.randint(1, 8)}万元，"
           f"公务用车购置及运行费{rng.randint(3, 30)}万元，因公出国（境）费{rng.randint(0, 5)}万元。"),
        _p("部门预决算公开后，如有疑问，可向本单位办公室咨询。"),
    ]


def _disclose_personnel(org, d, rng):
    title = f"{org.full_name}{d.year}年公开招聘工作人员公告"
    posts = rng.randint(2, 8)
    return title, f"{org.full_name}{d.year}年公开招聘工作人员{posts}名。", [
        _p(f"根据工作需要，经人事部门批准，{org.full_name}{d.year}年面向社会公开招聘工作人员{posts}名。"),
        _list("ol", ["招聘条件：具有中华人民共和国国籍，遵守宪法和法律，具有良好的品行和岗位所需的专业知识。",
                     "招聘程序：发布公告、报名与资格审查、笔试、面试、体检、考察、公示、聘用。",
                     f"报名时间：{_cn_date(d + datetime.timedelta(days=7))}至{_cn_date(d + datetime.timedelta(days=12))}。"]),
        _p(f"咨询电话：{org.phone}。"),
        _p("招聘工作接受纪检监察部门和社会各界监督。"),
    ]


def _disclose_statistics(org, d, rng):
    py, pm = _previous_month(d)
    topic = rng.choice(org.services)
    title = f"{py}年{pm}月{org.full_name}{topic}统计数据"
    month = rng.randint(200, 3000)
    rows = [["本月办理（件）", str(month)], ["累计办理（件）", str(month * pm + rng.randint(0, 500))],
            ["同比增长（%）", f"{rng.uniform(-5, 20):.1f}"]]
    return title, f"{py}年{pm}月，{org.full_name}办理{topic}相关事项{month}件。", [
        _p(f"现将{py}年{pm}月{topic}主要统计数据公布如下。"),
        _table(["指标", "数值"], rows),
        _p(f"{pm}月份，{org.full_name}{topic}工作运行平稳，各项指标与上年同期基本持平。"),
        _p("注：本数据为快报数，最终以年报数据为准。"),
    ]


def _disclose_annual_report(org, d, rng):
    year = d.year - 1
    title = f"{org.full_name}{year}年政府信息公开工作年度报告"
    active, requests = rng.randint(150, 900), rng.randint(0, 30)
    return title, f"{year}年{org.full_name}主动公开政府信息{active}条，受理依申请公开{requests}件。", [
        _p(f"本报告根据《中华人民共和国政府信息公开条例》和《廊坊市政务公开规定》编制，"
           f"报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"),
        _h3("一、总体情况"),
        _p(f"{year}年，{org.full_name}主动公开政府信息{active}条，其中通过政府网站公开{active - rng.randint(0, 40)}条。"),
        _h3("二、依申请公开情况"),
        _p(f"全年共受理政府信息公开申请{requests}件，均在规定期限内答复。未发生因政府信息公开引起的行政复议和行政诉讼。"),
        _h3("三、存在的问题和改进措施"),
        _p("信息公开的及时性和全面性还需进一步提高。下一步将加强网站栏目管理，规范信息发布流程。"),
    ]


def _disclose_guide(org, d, rng):
    title = f"{org.full_name}政府信息公开指南"
    return title, f"公民、法人和其他组织可通过本指南了解向{org.full_name}获取政府信息的方式。", [
        _p("为了更好地提供政府信息公开服务，根据《廊坊市政务公开规定》，编制本指南。"),
        _list("ol", ["公开范围：本机关在履行职责过程中制作或者获取的，以一定形式记录、保存的信息。",
                     "公开方式：政府网站、公告栏、新闻发布会以及报刊、广播、电视等。",
                     "依申请公开：申请人可通过网上申请、信函、当面提交等方式提出申请。"]),
        _p("申请人应当提供身份证明，并写明所需政府信息的内容描述和获取方式；本机关自收到申请之日起15个工作日内予以答复。"),
        _p(f"受理机构：{org.office}；办公地址：{org.address}；联系电话：{org.phone}。"),
    ]


def _disclose_fees(org, d, rng):
    title = f"{org.full_name}{d.year}年行政事业性收费项目及标准"
    topic = rng.choice(org.services)
    return title, f"{org.full_name}依法公示行政事业性收费项目、依据和标准。", [
        _p(f"根据收费公示制度有关要求，现将{org.full_name}行政事业性收费项目公示如下。"),
        _table(["收费项目", "收费标准", "收费依据"], [
            [f"{topic}工本费", f"{rng.choice((5, 10, 15, 20))}元/件", "省物价局、省财政厅有关文件"],
        ]),
        _p("除上述项目外，其他办理事项一律不收取任何费用。"),
        _p(f"监督电话：{org.phone}。"),
    ]


def _disclose_procurement(org, d, rng):
    title = f"{org.full_name}{d.year}年政府采购情况"
    amount = rng.randint(20, 600)
    return title, f"{org.full_name}{d.year}年政府采购预算{amount}万元。", [
        _p(f"按照政府采购信息公开有关规定，现将{org.full_name}{d.year}年政府采购情况公开如下。"),
        _p(f"本年度政府采购预算{amount}万元，主要用于办公设备、信息化建设和{rng.choice(org.topics)}相关服务采购。"),
        _p("采购活动全部按规定程序在市政府采购中心组织实施。"),
    ]


def _disclose_proposals(org, d, rng):
    number = rng.randint(10, 260)
    topic = rng.choice(org.topics)
    title = f"关于{org.unit}政协第{number}号提案的答复（{topic}）"
    return title, f"{org.full_name}就{org.unit}政协第{number}号提案中关于{topic}的建议作出答复。", [
        _p(f"{_person(rng)}委员："),
        _p(f"您提出的关于{topic}的提案收悉，现答复如下。"),
        _p(f"近年来，{org.full_name}高度重视{topic}工作，采取多项措施推动工作开展。您提出的建议具有很强的针对性，"
           f"我们将在今后的工作中认真研究吸纳。"),
        _p("感谢您对我们工作的关心和支持。"),
    ]


def _disclose_emergency(org, d, rng):
    topic = rng.choice(org.topics)
    title = f"{org.full_name}{topic}突发事件应急预案"
    return title, f"{org.full_name}制定{topic}突发事件应急预案，明确组织体系和处置程序。", [
        _p(f"为及时、有效处置{topic}领域突发事件，最大限度减少损失，制定本预案。"),
        _list("ol", ["组织体系：成立应急工作领导小组，主要负责同志任组长。",
                     "预警和报告：建立信息报告制度，突发事件发生后立即报告。",
                     "应急处置：按照分级负责、属地为主的原则开展处置。",
                     "后期处置：做好善后和总结评估工作。"]),
        _p("本预案自印发之日起实施。"),
        _p(f"应急值班电话：{org.phone}。"),
    ]


_DISCLOSURE_BUILDERS = (
    ("机构职能", _disclose_functions),
    ("领导信息", _disclose_leaders),
    ("规划计划", _disclose_plan),
    ("财政预决算", _disclose_budget),
    ("人事信息", _disclose_personnel),
    ("统计信息", _disclose_statistics),
    ("政府信息公开年度报告", _disclose_annual_report),
    ("政府信息公开指南", _disclose_guide),
    ("行政事业性收费", _disclose_fees),
    ("政府采购", _disclose_procurement),
    ("建议提案办理", _disclose_proposals),
    ("应急管理", _disclose_emergency),
)


# --- about -----------------------------------------------------------------

# Approximate real figures (area km², population in 10k, townships) for the
# city's districts and counties; unknown counties get plausible random ones.
_COUNTY_FACTS = {
    "安次区": (583, 38, 10), "广阳区": (333, 48, 9), "霸州市": (785, 62, 13),
    "三河市": (634, 70, 13), "香河县": (458, 37, 9), "永清县": (776, 40, 10),
    "固安县": (697, 51, 9), "大城县": (903, 47, 10), "文安县": (1030, 50, 13),
    "大厂回族自治县": (176, 13, 5),
}


def about_page(site: dict) -> dict:
    """Return the institution overview (机构概况), or the county overview for a portal."""
    org = _org(site)
    return _county_about(org) if org.is_county else _department_about(org)


def _department_about(org: _Org) -> dict:
    offices = ["办公室", "政策法规科"]
    offices += [f"{t}科" for t in org.topics if len(t) <= 6][:4] or ["业务科"]
    offices += ["人事科", "机关党委（监察室）"]
    body = [
        _p(f"{org.name}是负责{org.scope}{'、'.join(org.topics[:3])}等工作的市直单位，"
           f"机关内设{len(offices)}个职能科室。"),
        _h3("主要职责"),
        _list("ol", _functions(org)),
        _h3("内设机构"),
        _list("ul", offices),
        _h3("联系方式"),
        _p(f"办公地址：{org.address}"),
        _p(f"联系电话：{org.phone}"),
    ]
    return {"title": "机构概况", "body_html": "".join(body)}


def _county_about(org: _Org) -> dict:
    rng = random.Random(f"about:{org.slug}")
    area, population, towns = _COUNTY_FACTS.get(org.name, (rng.randint(300, 1000), rng.randint(20, 60), rng.randint(6, 14)))
    distance = rng.randint(40, 70)
    body = [
        _h3("区位"),
        _p(f"{org.name}位于河北省中部、廊坊市{'北部' if org.name in ('三河市', '大厂回族自治县', '香河县') else '中南部'}，"
           f"地处京津冀城市群核心地带，距北京天安门约{distance}公里，距天津约{rng.randint(50, 90)}公里，交通便利，区位优势明显。"),
        _h3("人口与面积"),
        _p(f"全{org.unit}总面积{area}平方公里，总人口约{population}万人，辖{towns}个乡镇（街道）。"),
        _h3("经济社会发展"),
        _p(f"近年来，{org.name}围绕{'、'.join(org.topics[:3])}等重点工作，经济社会保持平稳较快发展，"
           f"城乡面貌明显改善，人民群众生活水平不断提高。"),
        _h3("联系方式"),
        _p(f"{org.full_name}地址：{org.address}；联系电话：{org.phone}。"),
    ]
    return {"title": f"{org.unit}情概况", "body_html": "".join(body)}


# ---------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters that XML 1.0 forbids even when escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CONTENT_TYPES = _XML_DECL + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

_PACKAGE_RELS = _XML_DECL + (
    f'<Relationships xmlns="{_PKG_REL_NS}">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)

_DOCUMENT_RELS = _XML_DECL + (
    f'<Relationships xmlns="{_PKG_REL_NS}">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)

# Song (宋体) for body text and Hei (黑体) for the title are what Chinese
# government forms use; the ASCII fallbacks keep LibreOffice from guessing.
_STYLES = _XML_DECL + (
    f'<w:styles xmlns:w="{_W_NS}">'
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    '<w:rFonts w:ascii="SimSun" w:hAnsi="SimSun" w:eastAsia="宋体" w:cs="SimSun"/>'
    '<w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
    "</w:rPr></w:rPrDefault>"
    '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
    "</w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
    '<w:qFormat/><w:pPr><w:jc w:val="center"/><w:spacing w:after="240"/></w:pPr>'
    '<w:rPr><w:rFonts w:ascii="SimHei" w:hAnsi="SimHei" w:eastAsia="黑体"/><w:b/>'
    '<w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>'
    "</w:styles>"
)

_APP = _XML_DECL + (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>govsites</Application></Properties>"
)

# A4 portrait with the margins of GB/T 9704 official documents, in twentieths of a point.
_SECTION = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" '
            'w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')


def _xml_text(text: str) -> str:
    return _xml_escape(_XML_INVALID.sub("", text))


def _docx_paragraph(text: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    if not text:
        return f"<w:p>{props}</w:p>"
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r></w:p>'


def _core_properties(title: str) -> str:
    return _XML_DECL + (
        '<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_xml_text(title)}</dc:title><dc:language>zh-CN</dc:language>"
        "</cp:coreProperties>"
    )


def make_docx(title: str, paragraphs: list[str]) -> bytes:
    """Return a minimal valid .docx with a centred title and one paragraph per string.

    Built by hand with zipfile because the project ships no document library
    and the forms only need text. Entries carry a fixed timestamp so the same
    input always gives the same bytes.
    """
    body = _docx_paragraph(title, "Title") + "".join(_docx_paragraph(p) for p in paragraphs)
    document = _XML_DECL + (
        f'<w:document xmlns:w="{_W_NS}" xmlns:r="{_R_NS}"><w:body>{body}{_SECTION}</w:body></w:document>'
    )
    parts = (
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _PACKAGE_RELS),
        ("docProps/core.xml", _core_properties(title)),
        ("docProps/app.xml", _APP),
        ("word/document.xml", document),
        ("word/styles.xml", _STYLES),
        ("word/_rels/document.xml.rels", _DOCUMENT_RELS),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
