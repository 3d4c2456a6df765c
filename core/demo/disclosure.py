"""The demo city's disclosure catalogue: every site's items filed under the platform's categories and subjects.

Most categories are covered on every site; a few are left empty on some (seeded), so the coverage pages show
gaps. The site's municipal and departmental policies are filed as normative documents; some municipal ones get
an interpretation (政策解读) and some do not, so the bureau's page has something to show. The guide and the rules
pages are written, and each site gets its organisation code (a plausible 统一社会信用代码 of a Langfang
government body, with its GB 32100 check character).
"""
from __future__ import annotations

import datetime
import random
import re

from core.demo import content
from core.sites.codes import ALPHABET, check_character

#: The demo's own disclosure kinds (core.demo.content.disclosure_items) as the platform's categories name them.
CATEGORY_OF_KIND = {
    "机构职能": "机构设置与职能",
    "领导信息": "机构设置与职能",
    "规划计划": "发展规划与计划",
    "财政预决算": "财政预算决算",
    "人事信息": "人事任免与招考录用",
    "统计信息": "统计信息",
    "行政事业性收费": "行政事业性收费",
    "政府采购": "政府采购",
    "建议提案办理": "重大事项决策",
    "应急管理": "突发公共事件应急预案",
}
#: The demo's annual disclosure report goes to the column's annual reports, unfiled.
REPORT_KIND = "政府信息公开年度报告"
#: The demo's guide item is not written: the guide is the column's page (`guide_html`).
GUIDE_KIND = "政府信息公开指南"
#: Categories whose items are filed under a fixed subject; the others under the site's own.
SUBJECT_OF_CATEGORY = {
    "机构设置与职能": "综合政务",
    "财政预算决算": "财政、金融、审计",
    "政府采购": "财政、金融、审计",
    "行政事业性收费": "财政、金融、审计",
    "人事任免与招考录用": "劳动、人事、监察",
}
#: A site's own subject, from words of its name.
SITE_SUBJECTS = (
    (("人事", "人力", "劳动", "社保"), "劳动、人事、监察"),
    (("财政", "审计", "税务", "金融"), "财政、金融、审计"),
    (("教育", "科技", "科学"), "科技、教育"),
    (("卫生", "体育", "健康", "医疗"), "卫生、体育"),
    (("公安", "司法", "国家安全"), "公安、安全、司法"),
    (("民政", "扶贫", "退役"), "民政、扶贫、救灾"),
    (("住房", "建设", "规划", "环境", "生态", "城市管理", "城管"), "城乡建设、环境保护"),
    (("农业", "林业", "水利", "水务"), "农业、林业、水利"),
    (("交通", "工业", "信息产业"), "工业、交通"),
    (("商务", "旅游", "海关"), "商贸、海关、旅游"),
    (("文化", "广电", "新闻", "文物"), "文化、广电、新闻出版"),
    (("国土", "自然资源", "能源"), "国土资源、能源"),
    (("市场", "质量", "安全生产", "应急", "食品"), "市场监管、安全生产监管"),
    (("统计", "发展", "改革", "国资"), "国民经济管理、国有资产监管"),
    (("计划生育", "妇女", "儿童"), "人口与计划生育、妇女儿童工作"),
)


def organisation_code(slug: str) -> str:
    """A stable, plausible unified social credit code of a Langfang government body (机关: 11, area 131000)."""
    rng = random.Random(f"organisation-code:{slug}")
    body = "11131000" + "".join(rng.choice(ALPHABET[:10]) for _ in range(8)) + rng.choice(ALPHABET)
    return body + check_character(body)


def site_subject(site: dict) -> str:
    name = site["name_zh"]
    return next((subject for words, subject in SITE_SUBJECTS if any(w in name for w in words)), "综合政务")


def _titles(org, year: int, rng: random.Random) -> dict[str, list[tuple[str, str, list[str]]]]:
    """For each category the demo's own kinds do not fill: a few items as (title, summary, paragraphs)."""
    topic = rng.choice(org.topics)
    name, unit = org.full_name, org.unit
    return {
        "规范性文件": [],  # the site's policies are filed here
        "行政许可事项": [(
            f"{name}行政许可事项目录（{year}年版）", f"{name}实施的行政许可事项及其设定依据。",
            [f"根据{unit}政府关于公布行政许可事项清单的要求，现将{name}实施的行政许可事项目录予以公布。",
             "各事项的设定依据、申请条件、办理程序、办理时限和收费标准详见本网站“办事指南”栏目。"])],
        "行政事业性收费": [(
            f"{name}行政事业性收费项目公示", f"{name}现行行政事业性收费项目、依据和标准。",
            [f"{name}严格执行国家和省规定的收费项目和标准，现将现行行政事业性收费项目公示如下。",
             "未列入公示目录的收费项目，任何单位和个人有权拒绝缴纳，并可向价格主管部门举报。"])],
        "政府采购": [(
            f"{name}{year}年{topic}服务采购项目成交公告", f"{topic}服务采购项目已按程序确定成交供应商。",
            [f"{name}{year}年{topic}服务采购项目采用竞争性磋商方式，经评审小组评审，确定成交供应商。",
             "各有关当事人对成交结果有异议的，可以在本公告期限届满之日起七个工作日内以书面形式提出质疑。"])],
        "重大建设项目": [(
            f"{org.title_name}{topic}能力提升项目批准及实施情况", "项目已完成立项批复，正按计划推进。",
            [f"{org.title_name}{topic}能力提升项目经批准立项，总投资{rng.randint(300, 5000)}万元。",
             f"截至目前，项目完成投资{rng.randint(20, 90)}%，预计{year + 1}年建成投入使用。"])],
        "突发公共事件应急预案": [(
            f"{name}突发事件应急预案", f"{name}{topic}领域突发事件的分级响应和处置程序。",
            [f"为有效预防和妥善处置{topic}领域突发事件，最大限度减少损失，制定本预案。",
             "本预案适用于本部门职责范围内突发事件的预防、预警、应急处置和善后工作。"])],
        "重大事项决策": [(
            f"关于{topic}有关事项的决策公开", f"{org.meeting}研究决定的{topic}有关事项。",
            [f"经{org.meeting}研究，决定进一步加强{topic}工作，现将有关决策事项予以公开。",
             "决策前已通过本网站公开征求社会公众意见，并组织开展了合法性审查和风险评估。"])],
        "监督检查情况": [(
            f"{name}{year}年{topic}监督检查结果公告", f"{topic}专项监督检查发现的问题及整改情况。",
            [f"{year}年，{name}组织开展了{topic}专项监督检查，共检查单位{rng.randint(8, 60)}家。",
             "对检查中发现的问题，已责令限期整改，并将整改情况向社会公开。"])],
        "统计信息": [], "发展规划与计划": [], "财政预算决算": [], "机构设置与职能": [], "人事任免与招考录用": [],
    }


def catalogue_items(site: dict, *, today: datetime.date, rng: random.Random) -> tuple[list[dict], set[str]]:
    """Items for the categories the demo's other content leaves out, and the categories this site leaves empty.

    About half the sites leave one to three categories empty (never the budget or the organisation, which
    every department publishes): their items are simply not written.
    """
    org = content._org(site)
    optional = ["行政事业性收费", "重大建设项目", "突发公共事件应急预案", "重大事项决策", "监督检查情况", "政府采购"]
    empty = set(rng.sample(optional, rng.randint(1, 3))) if rng.random() < 0.5 else set()
    items = []
    for category, drafts in _titles(org, today.year, rng).items():
        if category in empty:
            continue
        for title, summary, paragraphs in drafts:
            when = content._at_office_hours(today - datetime.timedelta(days=rng.randint(5, 300)), rng)
            items.append(content._item(title, summary, [content._p(p) for p in paragraphs], org.office,
                                       content._person(rng), when, category=category,
                                       issuing_body=org.full_name, issued_on=when.date()
                                       - datetime.timedelta(days=rng.randint(1, 10))))
    return items, empty


def guide_html(site: dict) -> str:
    """The disclosure guide (政府信息公开指南) of a site, in the national guide's usual sections."""
    org = content._org(site)
    return "".join([
        "<h2>一、主动公开</h2>",
        content._p(f"{org.full_name}主动公开的政府信息，通过本网站“政府信息公开”栏目、政府公报、新闻发布会等途径公开，"
                   "公开目录按信息类别和主题分类编排，每条信息标注索引号、发布机构、成文日期、文号和发布日期。"),
        "<h2>二、依申请公开</h2>",
        content._p("公民、法人或者其他组织可以通过网上申请、信函或当面提交等方式，向本机关申请获取政府信息。"
                   "本机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复，"
                   "需要延长答复期限的，经负责人同意可以延长，延长期限最长不超过20个工作日。"),
        "<h2>三、受理机构</h2>",
        content._p(f"受理机构：{org.office}；地址：{org.address}；联系电话：{org.phone}；"
                   "受理时间：工作日上午8:30—12:00，下午13:30—17:30。"),
        "<h2>四、监督和救济</h2>",
        content._p("公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者"
                   "政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。"),
    ])


def rules_html(site: dict) -> str:
    """The disclosure rules (政府信息公开制度) a site publishes: its own working rules, in articles."""
    org = content._org(site)
    articles = [
        f"为规范{org.full_name}政府信息公开工作，根据《中华人民共和国政府信息公开条例》，结合工作实际，制定本制度。",
        f"{org.full_name}政府信息公开工作由{org.office}负责组织实施，各科室按照职责分工做好本科室政府信息的公开工作。",
        "拟公开的政府信息应当依照法律、法规和国家有关规定进行保密审查，坚持“先审查、后公开”和“一事一审”的原则。",
        "属于主动公开范围的政府信息，应当自该信息形成或者变更之日起20个工作日内予以公开。",
        "依申请公开的政府信息，按照登记、审核、答复的程序办理，答复期限依照条例规定执行。",
        "每年1月31日前，编制并公布上一年度政府信息公开工作年度报告。",
    ]
    return "".join(content._p(f"第{content._cn_number(i + 1)}条　{text}") for i, text in enumerate(articles))


def interpretation_item(policy: dict, org_site: dict, *, kind: str, today: datetime.date,
                        rng: random.Random) -> dict:
    """An interpretation of a policy (政策解读): in words, as a graphic, or a video's page; a few days after it."""
    org = content._org(org_site)
    inner = re.search("《(.+?)》", policy["title"])
    name = inner.group(1) if inner else policy["title"]
    title = {"text": f"《{name}》政策解读", "graphic": f"图解：《{name}》", "video": f"视频解读：《{name}》"}[kind]
    number = f"（{policy['document_number']}）" if policy.get("document_number") else ""
    paragraphs = [
        f"近日，{org.full_name}印发了《{name}》{number}。为便于社会公众准确理解，现就有关内容解读如下。",
        "一、制定背景。为贯彻落实上级有关决策部署，进一步规范和加强相关工作，结合本地实际，制定本文件。",
        "二、主要内容。文件明确了适用范围、工作目标、主要任务和保障措施，对办理程序和时限作出了具体规定。",
        "三、实施时间。文件自印发之日起施行，执行中遇到的问题请及时向制定机关反馈。",
    ]
    when = min(policy["published_at"] + datetime.timedelta(days=rng.randint(1, 5)),
               datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(10, 0)))
    return content._item(content._fit(title, content.TITLE_LIMIT), content._fit(f"对《{name}》的解读。",
                                                                               content.SUMMARY_LIMIT),
                         [content._p(p) for p in paragraphs], org.office, content._person(rng), when)
