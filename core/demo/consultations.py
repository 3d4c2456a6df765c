"""The demo city's public consultations (意见征集): every site one closed consultation with its opinions, each
decided, and its published feedback summary; some sites also one taking opinions today.

The drafts come from `data/consultations.toml` (real kinds of local measures: employment subsidies, parking
fees, elderly care, ...), each with the opinions the public typically sends and what the office decided. A site
gets a draft that fits its work where the file has one, else a general one (its disclosure rules, its plan).
Rows are written directly, as the loader does for articles: this is a data set, not a user's action. Everything
is drawn from the site's seeded random generator, so every load gives the same city.
"""
from __future__ import annotations

import random
import tomllib
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from core.content.sanitize import clean_html
from core.demo.services import MOBILE_PREFIXES
from core.extensions import db
from core.interaction.models_consultations import Consultation, Opinion

DATA_FILE = Path(__file__).parent / "data" / "consultations.toml"
#: Drafts a county portal may get (the file's site lists name city departments).
COUNTY_DRAFTS = ("rural_toilets", "elderly_care", "general_plan", "general_rules")
GENERAL_DRAFTS = ("general_rules", "general_plan")
#: The share of sites that also have a consultation taking opinions today.
OPEN_SHARE = 0.4
#: A window of 30 days, both ends included (the usual minimum for drafts of rules).
WINDOW_DAYS = 30
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华", "志强")
NUMBERS = "一二三四五六七八九十"


@lru_cache(maxsize=1)
def load_data() -> dict:
    with open(DATA_FILE, "rb") as fh:
        return tomllib.load(fh)


def _drafts_for(site: dict) -> list[dict]:
    """The drafts that fit the site: its own first, else the general ones (a county: rural and general ones)."""
    drafts = {d["key"]: d for d in load_data()["drafts"]}
    if site["kind"] == "county":
        return [drafts[k] for k in COUNTY_DRAFTS]
    own = [d for d in drafts.values() if site["slug"] in d["sites"]]
    return own + [drafts[k] for k in GENERAL_DRAFTS]


def _names(site: dict) -> dict[str, str]:
    county = site["name_zh"].removesuffix("人民政府")
    return {"place": county if site["kind"] == "county" else "廊坊市", "owner": site["name_zh"]}


def _body(draft: dict) -> str:
    articles = "".join(f"<p>第{_number(n)}条 {text}</p>" for n, text in enumerate(draft["articles"], start=1))
    return clean_html(f"<h2>第一章 总则</h2>{articles}")


def _number(n: int) -> str:
    """1..99 in Chinese numerals, as articles are numbered (第十二条)."""
    if n <= 10:
        return NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{NUMBERS[tens - 1] if tens > 1 else ''}十{NUMBERS[ones - 1] if ones else ''}"


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59)))


def _contact(rng: random.Random) -> tuple[str | None, str | None]:
    """Four in ten senders leave a name and a mobile number for a follow-up."""
    if rng.random() >= 0.4:
        return None, None
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return name, rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def _opinions(draft: dict, rng: random.Random, *, general: int, spam: int) -> list[list[str]]:
    data = load_data()["general"]
    chosen = list(draft["opinions"]) + rng.sample(data["opinions"], general) + rng.sample(data["set_aside"], spam)
    rng.shuffle(chosen)
    return chosen


def _summary(consultation: Consultation, decided: list[tuple[list[str], str]], owner: str) -> str:
    """The feedback summary as an office writes it: the counts, then each decision with its reason."""
    by = {key: [spec for spec, decision in decided if decision == key]
          for key in ("adopted", "partly_adopted", "not_adopted")}
    total = sum(len(v) for v in by.values())

    def lines(specs, with_reason: bool) -> str:
        return "\n".join(f"{n}. {(spec[0] + '：') if spec[0] else ''}{spec[1]}"
                         + (f"\n处理情况：{spec[3]}" if with_reason and spec[3] else "")
                         for n, spec in enumerate(specs, start=1))

    parts = [f"{consultation.open_on:%Y年%m月%d日}至{consultation.close_on:%Y年%m月%d日}，{owner}就《"
             f"{consultation.title.removesuffix('（征求意见稿）')}（征求意见稿）》通过门户网站公开征求社会公众意见，"
             f"共收到有效意见{total}条。经认真研究，采纳{len(by['adopted'])}条，部分采纳{len(by['partly_adopted'])}条，"
             f"未采纳{len(by['not_adopted'])}条。具体情况如下："]
    for heading, key, reason in (("一、采纳的意见", "adopted", False), ("二、部分采纳的意见", "partly_adopted", True),
                                 ("三、未采纳的意见及理由", "not_adopted", True)):
        if by[key]:
            parts.append(f"{heading}\n{lines(by[key], reason)}")
    parts.append("对社会各界给予的关心和支持，在此一并表示感谢。")
    return "\n\n".join(parts)


def _consultation(site: dict, draft: dict, *, open_on: date, close_on: date, names: dict) -> Consultation:
    office = draft["office"] if site["kind"] == "department" else f"{site['name_zh']}办公室"
    how_to = load_data()["general"]["how_to"].format(address=site["address_zh"], phone=site["phone"])
    return Consultation(title=draft["title"].format(**names), body_html=_body(draft), office=office, open_on=open_on,
                        close_on=close_on, how_to=how_to, status="published",
                        published_at=datetime.combine(open_on - timedelta(days=1), time(16, 30)),
                        created_at=datetime.combine(open_on - timedelta(days=3), time(10, 0)),
                        updated_at=datetime.combine(open_on - timedelta(days=1), time(16, 30)))


def fill_consultations(site: dict, *, today: date, rng: random.Random,
                       officer_id: int | None = None) -> tuple[int, int]:
    """Give the active site its consultations: one closed with its summary, and perhaps one open now.

    Returns (consultations, opinions) written.
    """
    drafts = _drafts_for(site)
    names = _names(site)
    # A site with drafts of its own usually consulted on one of them; the others on their general rules or plan.
    closed_draft = drafts[0] if rng.random() < 0.7 else rng.choice(drafts[1:])
    close_on = today - timedelta(days=rng.randint(25, 120))
    open_on = close_on - timedelta(days=WINDOW_DAYS - 1)
    closed = _consultation(site, closed_draft, open_on=open_on, close_on=close_on, names=names)
    db.session.add(closed)
    db.session.flush()
    decided = []
    specs = _opinions(closed_draft, rng, general=rng.randint(1, 3), spam=rng.randint(0, 1))
    for spec in specs:
        name, phone = _contact(rng)
        decided_on = close_on + timedelta(days=rng.randint(2, 8))
        db.session.add(Opinion(consultation_id=closed.id, part=spec[0], body=spec[1], name=name, phone=phone,
                               submitted_at=_moment(open_on + timedelta(days=rng.randrange(WINDOW_DAYS)), rng),
                               decision=spec[2], reason=spec[3], decided_by_id=officer_id,
                               decided_at=datetime.combine(decided_on, time(rng.randint(9, 16), rng.randint(0, 59)))))
        if spec[2] != "set_aside":
            decided.append((spec, spec[2]))
    closed.summary_text = _summary(closed, decided, site["name_zh"])
    closed.summary_published_at = datetime.combine(close_on + timedelta(days=rng.randint(10, 20)), time(15, 0))
    closed.summary_by_id = officer_id
    count, opinions = 1, len(specs)
    if rng.random() < OPEN_SHARE:
        draft = rng.choice([d for d in drafts if d is not closed_draft])
        open_on = today - timedelta(days=rng.randint(3, 20))
        current = _consultation(site, draft, open_on=open_on, close_on=open_on + timedelta(days=WINDOW_DAYS - 1),
                                names=names)
        db.session.add(current)
        db.session.flush()
        sent = rng.sample(draft["opinions"], rng.randint(1, min(4, len(draft["opinions"]))))
        for spec in sent:
            name, phone = _contact(rng)
            day = open_on + timedelta(days=rng.randrange(max(1, (today - open_on).days)))
            db.session.add(Opinion(consultation_id=current.id, part=spec[0], body=spec[1], name=name, phone=phone,
                                   submitted_at=_moment(day, rng)))
        count, opinions = 2, opinions + len(sent)
    db.session.flush()
    return count, opinions
