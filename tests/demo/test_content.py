"""The demo catalog is complete and consistent, and the generated content looks real.

Plain functions on plain data: no app, no database. They guard what a
newcomer would notice first in the demo (repetitive headlines, future dates,
stray markup) and what the platform relies on (unique hostnames and record
numbers, every group present, valid .docx downloads).
"""
from __future__ import annotations

import datetime
import io
import random
import re
import tomllib
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

from core.demo import content

CATALOG = Path(__file__).resolve().parents[2] / "tenants" / "catalog" / "langfang.toml"
TODAY = datetime.date(2025, 6, 15)
SITE_KEYS = ["slug", "kind", "group", "name_zh", "name_en", "aliases", "is_window_department", "accent",
             "address_zh", "address_en", "phone", "site_code", "icp_record", "psb_record", "topics"]
COUNTIES = {"安次区", "广阳区", "霸州市", "三河市", "香河县", "永清县", "固安县", "大城县", "文安县", "大厂回族自治县"}
ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "table", "tr", "th", "td"}
GENERATORS = (content.news_items, content.notice_items, content.policy_items, content.disclosure_items)
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _catalog() -> dict:
    with open(CATALOG, "rb") as fh:
        return tomllib.load(fh)


def _sites() -> list[dict]:
    return _catalog()["sites"]


def _site(slug: str) -> dict:
    return next(s for s in _sites() if s["slug"] == slug)


class _TagAudit(HTMLParser):
    """Collect tags, attributes and text of a fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, list]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        if attrs:
            self.attributes.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def _audit(fragment: str) -> _TagAudit:
    audit = _TagAudit()
    audit.feed(fragment)
    audit.close()
    return audit


# --- catalog -----------------------------------------------------------------

def test_catalog_has_the_guideline_departments_and_every_county():
    sites = _sites()
    departments = [s for s in sites if s["kind"] == "department"]
    counties = [s for s in sites if s["kind"] == "county"]
    assert len(departments) >= 54
    assert {s["name_zh"].removeprefix("廊坊市").removesuffix("人民政府") for s in counties} == COUNTIES
    assert [s["slug"] for s in sites[:5]] == ["rsj", "czj", "xxcyj", "ldj", "kfq"]
    assert all(s["group"] == "county" for s in counties)
    assert 15 <= sum(s["is_window_department"] for s in departments) <= 25


def test_catalog_sites_are_complete_and_identifiers_unique():
    catalog = _catalog()
    assert catalog["city"]["name_zh"] == "廊坊市"
    group_keys = [g["key"] for g in catalog["groups"]]
    assert len(set(group_keys)) == len(group_keys) and "county" in group_keys
    sites = catalog["sites"]
    for site in sites:
        assert list(site) == SITE_KEYS, site["slug"]
        assert site["group"] in group_keys
        assert site["accent"] in {"red", "blue", "green", "teal", "indigo", "brown"}
        assert 4 <= len(site["topics"]) <= 6
        assert re.fullmatch(r"\d{10}", site["site_code"])
        assert re.fullmatch(r"0316-\d{7}", site["phone"])
        assert site["icp_record"].startswith("冀ICP备") and site["psb_record"].startswith("冀公网安备 ")
    labels = [s["slug"] for s in sites] + [a for s in sites for a in s["aliases"]]
    assert len(set(labels)) == len(labels)
    assert all(re.fullmatch(r"[a-z][a-z0-9]{1,19}", label) for label in labels)
    assert not set(labels) & {"admin", "www", "api", "static", "mail", "portal"}
    for key in ("name_zh", "name_en", "site_code", "icp_record", "psb_record", "phone", "address_zh"):
        values = [s[key] for s in sites]
        assert len(set(values)) == len(values), key
    assert 0.15 <= sum(bool(s["aliases"]) for s in sites) / len(sites) <= 0.35


# --- news --------------------------------------------------------------------

def _pattern(title: str, site: dict) -> str:
    """Reduce a headline to its template: topics, places, numbers and periods blanked."""
    for topic in sorted(site["topics"], key=len, reverse=True):
        title = title.replace(topic, "T")
    for county in COUNTIES:
        title = title.replace(county, "C")
    title = re.sub(r"[\u4e00-\u9fff]{2,3}市考察团", "X考察团", title)
    title = re.sub(r"[一二三四]季度|上半年|前三季度|全年", "Q", title)
    return re.sub(r"\d+", "#", title)


def test_news_spread_over_months_newest_first_and_varied():
    for slug in ("rsj", "kfq", "gzw", "sanhe"):
        site = _site(slug)
        items = content.news_items(site, today=TODAY, rng=random.Random(7), count=120)
        assert len(items) == 120
        stamps = [it["published_at"] for it in items]
        assert stamps == sorted(stamps, reverse=True)
        assert all(s.tzinfo is None and s.date() <= TODAY for s in stamps)
        assert TODAY - stamps[-1].date() <= datetime.timedelta(days=200)
        assert len({(s.year, s.month) for s in stamps}) >= 4
        assert len({_pattern(it["title"], site) for it in items}) >= 25
        titles = [it["title"] for it in items]
        assert len(set(titles)) >= 115, Counter(titles).most_common(3)
        for it in items:
            text = it["title"] + it["body_html"]
            assert site["name_zh"] in text or any(t in text for t in site["topics"])


def test_news_give_every_complete_month_the_guideline_minimum_of_20():
    for today in (TODAY, datetime.date(2025, 3, 1)):
        items = content.news_items(_site("ldj"), today=today, rng=random.Random(11), count=120)
        per_month = Counter((it["published_at"].year, it["published_at"].month) for it in items)
        oldest = items[-1]["published_at"].date()
        complete = [m for m in per_month
                    if datetime.date(*m, 1) > oldest and m != (today.year, today.month)]
        assert len(complete) >= 4
        assert all(per_month[m] >= 20 for m in complete), per_month


def test_county_news_reads_like_a_county_government():
    items = content.news_items(_site("dachang"), today=TODAY, rng=random.Random(3), count=120)
    text = "".join(it["title"] + it["body_html"] for it in items)
    assert "县长" in text and "招商引资" in text
    assert "廊坊市人民政府办公室" not in {it["source"] for it in items}


# --- every generator ----------------------------------------------------------

def test_every_item_is_clean_chinese_html_with_its_fields():
    for site in _sites():
        for generate in GENERATORS:
            items = generate(site, today=TODAY, rng=random.Random(site["slug"]), count=12)
            assert len(items) == 12
            for it in items:
                where = (site["slug"], generate.__name__, it["title"])
                assert 0 < len(it["title"]) <= 60 and 0 < len(it["summary"]) <= 120, where
                assert it["source"] and 2 <= len(it["author"]) <= 3, where
                assert isinstance(it["published_at"], datetime.datetime), where
                assert it["published_at"].date() <= TODAY and 8 <= it["published_at"].hour <= 17, where
                audit = _audit(it["body_html"])
                assert not audit.attributes, where
                assert set(audit.tags) <= ALLOWED_TAGS, where
                assert 3 <= audit.tags["p"] <= 6, where
                text = it["title"] + it["summary"] + "".join(audit.text)
                assert not re.search(r"[A-Za-z]{3,}", text), where
                assert "lorem" not in text.lower()


def test_inserted_text_is_escaped():
    site = {**_site("rsj"), "name_zh": "廊坊市<script>局", "topics": ["职称<b>评审", "人才引进", "工资福利", "公务员招录"]}
    for generate in GENERATORS:
        for it in generate(site, today=TODAY, rng=random.Random(1), count=6):
            assert "<script>" not in it["body_html"] and "<b>" not in it["body_html"]
    assert "<script>" not in content.about_page(site)["body_html"]


def test_output_is_deterministic_for_a_seed():
    site = _site("czj")
    first = content.news_items(site, today=TODAY, rng=random.Random(42), count=30)
    again = content.news_items(site, today=TODAY, rng=random.Random(42), count=30)
    other = content.news_items(site, today=TODAY, rng=random.Random(43), count=30)
    assert first == again and first != other


def test_notices_are_recent_notices_announcements_and_publicity():
    items = content.notice_items(_site("ldj"), today=TODAY, rng=random.Random(5), count=30)
    assert all(TODAY - it["published_at"].date() <= datetime.timedelta(days=125) for it in items)
    assert all(re.search(r"(通知|公告|公示|通报)$", it["title"]) for it in items)


def test_policies_mix_levels_and_carry_their_filing_fields():
    items = content.policy_items(_site("rsj"), today=TODAY, rng=random.Random(9), count=16)
    assert {it["policy_level"] for it in items} == {"national", "provincial", "municipal", "departmental"}
    assert sum(it["policy_status"] == "repealed" for it in items) == 2
    numbers = [it["document_number"] for it in items]
    assert len(set(numbers)) == len(numbers)
    for it in items:
        assert re.fullmatch(r"\S+〔\d{4}〕\d+号", it["document_number"])
        assert str(it["issued_on"].year) in it["document_number"]
        assert it["issued_on"] <= it["effective_on"] and it["issued_on"] <= TODAY
        assert it["issuing_body"]
    departmental = [it for it in items if it["policy_level"] == "departmental"]
    assert all(it["issuing_body"] == "廊坊市人事局" for it in departmental)


def test_disclosure_items_cover_several_categories():
    items = content.disclosure_items(_site("czj"), today=TODAY, rng=random.Random(6), count=12)
    assert len({it["category"] for it in items}) >= 10
    assert any("政府信息公开工作年度报告" in it["title"] for it in items)


def test_about_page_presents_the_department_or_county():
    department = content.about_page(_site("rsj"))
    assert department["title"] == "机构概况"
    assert "<ul>" in department["body_html"] and "内设机构" in department["body_html"]
    assert _site("rsj")["phone"] in department["body_html"] and _site("rsj")["address_zh"] in department["body_html"]
    county = content.about_page(_site("sanhe"))
    assert "面积" in county["body_html"] and "人口" in county["body_html"] and "区位" in county["body_html"]
    for page in (department, county):
        audit = _audit(page["body_html"])
        assert not audit.attributes and set(audit.tags) <= ALLOWED_TAGS


# --- docx ------------------------------------------------------------------------

def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= names
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    return "".join(t.text or "" for t in root.iter(f"{W_NS}t"))


def test_make_docx_is_a_valid_package_with_the_text():
    data = content.make_docx("职称评审申请表 <&>", ["申请人（单位）名称：", "", "第二段 & 说明"])
    text = _docx_text(data)
    assert "职称评审申请表 <&>" in text and "第二段 & 说明" in text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
        assert "wordprocessingml.document.main+xml" in types
        ElementTree.fromstring(archive.read("word/styles.xml"))
    assert content.make_docx("表", ["一"]) == content.make_docx("表", ["一"])
