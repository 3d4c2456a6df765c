"""The yearly website report's lines (政府网站工作年度报表), in the national template's order and words.

The template is the one the General Office of the State Council gives every government website for its yearly
report (《政府网站发展指引》, 国办发〔2017〕47号, 附件 政府网站工作年度报表), published on the site by 31 January
for the year before. Each line is counted by the platform ("computed": the figures of
`core.evaluation.yearly_figures`) or entered by the site ("manual": what the platform cannot know, such as its
social-media accounts or the people who sign the report). A line's Chinese label is the template's; the English one
is for the English pages.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

#: What a manual line holds: a whole number, yes or no, or a short text.
COUNT, YES_NO, TEXT = "count", "yes_no", "text"
#: The largest whole number a manual line may hold, and the longest text, in characters.
MAX_COUNT = 1_000_000_000_000
MAX_TEXT = 100
#: The first year a report may be prepared for: the template was given in 2017.
FIRST_YEAR = 2017


@dataclass(frozen=True)
class Line:
    key: str
    label_zh: str
    label_en: object  # a lazy string
    kind: str  # COUNT, YES_NO or TEXT
    manual: bool = False
    unit_zh: str = ""
    #: Needed before the report may be published (the people who sign it and how to reach them).
    required: bool = False


def _c(key, zh, en, kind=COUNT, unit=""):
    return Line(key, zh, en, kind, manual=False, unit_zh=unit)


def _m(key, zh, en, kind=COUNT, unit="", required=False):
    return Line(key, zh, en, kind, manual=True, unit_zh=unit, required=required)


#: The template's groups of lines, in its order: (group label zh, group label en, lines).
GROUPS: tuple[tuple[str, object, tuple[Line, ...]], ...] = (
    ("网站基本信息", _l("The website"), (
        _c("site_name", "网站名称", _l("Website name"), TEXT),
        _c("home_url", "首页网址", _l("Homepage address"), TEXT),
        _c("sponsor", "主办单位", _l("Sponsor"), TEXT),
        _c("site_kind", "网站类型", _l("Kind of website"), TEXT),
        _c("site_code", "政府网站标识码", _l("Site identifier code"), TEXT),
        _c("icp_record", "ICP备案编号", _l("ICP record"), TEXT),
        _c("psb_record", "公安机关备案号", _l("Public security record"), TEXT),
    )),
    ("访问情况", _l("Visits"), (
        _c("unique_visitors", "独立用户访问总量", _l("Unique visitors"), unit="个"),
        _c("page_views", "网站总访问量", _l("Page views"), unit="次"),
    )),
    ("信息发布", _l("Information published"), (
        _c("items_total", "信息发布总数", _l("Items published"), unit="条"),
        _c("overview_items", "其中：概况类信息更新量", _l("of which: overview items"), unit="条"),
        _c("news_items", "其中：政务动态信息更新量", _l("of which: work news"), unit="条"),
        _c("catalogue_items", "其中：信息公开目录信息更新量", _l("of which: disclosure catalogue entries"), unit="条"),
    )),
    ("专栏专题", _l("Special columns and topics"), (
        _c("topics_maintained", "维护数量", _l("Maintained"), unit="个"),
        _m("topics_new", "新开设数量", _l("Opened this year"), unit="个"),
    )),
    ("解读回应", _l("Interpretation and response"), (
        _c("interpretations_total", "解读信息发布总数", _l("Interpretations published"), unit="条"),
        _c("interpretation_texts", "其中：解读材料数量", _l("of which: written interpretations"), unit="条"),
        _c("interpretation_products", "其中：解读产品数量", _l("of which: graphic and video interpretations"),
           unit="个"),
        _m("media_articles", "其中：媒体评论文章数量", _l("of which: media commentaries"), unit="篇"),
        _m("responses", "回应公众关注热点或重大舆情数量", _l("Responses to public concerns and major public opinion"),
           unit="次"),
    )),
    ("办事服务", _l("Online services"), (
        _c("catalogue_published", "是否发布服务事项目录", _l("Service catalogue published"), YES_NO),
        _m("registered_users", "注册用户数", _l("Registered users"), unit="个"),
        _c("service_items", "政务服务事项数量", _l("Service items"), unit="项"),
        _c("online_items", "可全程在线办理政务服务事项数量", _l("Items that can be done wholly online"), unit="项"),
        _c("applications_total", "办件量总数", _l("Applications handled"), unit="件"),
        _m("applications_people", "其中：自然人办件量", _l("of which: for natural persons"), unit="件"),
        _m("applications_bodies", "其中：法人办件量", _l("of which: for legal persons"), unit="件"),
    )),
    ("互动交流", _l("Interaction"), (
        _c("unified_platform", "是否使用统一平台", _l("Uses the city's unified platform"), YES_NO),
        _c("letters_received", "收到留言数量", _l("Letters received"), unit="条"),
        _c("letters_answered", "办结留言数量", _l("Letters answered"), unit="条"),
        _c("letters_average_days", "平均办理时间", _l("Average time to answer (working days)"), unit="天"),
        _c("letters_published", "公开答复数量", _l("Replies published"), unit="条"),
        _c("consultations", "征集调查期数", _l("Consultations and surveys"), unit="期"),
        _c("opinions", "收到意见数量", _l("Opinions received"), unit="条"),
        _c("consultation_results", "公布调查结果期数", _l("Consultations with published results"), unit="期"),
        _m("interviews", "在线访谈期数", _l("Online interviews"), unit="期"),
        _m("interview_messages", "网民留言数量", _l("Questions sent in to interviews"), unit="条"),
        _m("interview_answers", "答复网民提问数量", _l("Questions answered in interviews"), unit="条"),
        _m("smart_answers", "是否提供智能问答", _l("Offers automatic question answering"), YES_NO),
    )),
    ("安全防护", _l("Security"), (
        _c("security_checks", "安全检测评估次数", _l("Security checks run"), unit="次"),
        _c("findings_found", "发现问题数量", _l("Problems found"), unit="个"),
        _c("findings_fixed", "问题整改数量", _l("Problems put right"), unit="个"),
        _c("monitoring", "是否建立安全监测预警机制", _l("Security monitoring and alerts in place"), YES_NO),
        _m("drills", "是否开展应急演练", _l("Emergency drills held"), YES_NO),
        _c("security_officer", "是否明确网站安全责任人", _l("A person answers for the site's security"), YES_NO),
    )),
    ("移动新媒体", _l("Mobile and new media"), (
        _m("has_new_media", "是否有移动新媒体", _l("Has mobile or new-media accounts"), YES_NO),
        _m("weibo_name", "微博名称", _l("Weibo account"), TEXT),
        _m("weibo_posts", "微博信息发布量", _l("Weibo posts"), unit="条"),
        _m("weibo_followers", "微博关注量", _l("Weibo followers"), unit="个"),
        _m("wechat_name", "微信名称", _l("WeChat account"), TEXT),
        _m("wechat_posts", "微信信息发布量", _l("WeChat posts"), unit="条"),
        _m("wechat_subscribers", "微信订阅数", _l("WeChat subscribers"), unit="个"),
        _m("other_media", "其他移动新媒体", _l("Other mobile and new media"), TEXT),
    )),
    ("创新发展", _l("Innovation"), (
        _m("search_service", "搜索即服务", _l("Search as a service"), YES_NO),
        _m("multilingual", "多语言版本", _l("Versions in more than one language"), YES_NO),
        _m("accessibility", "无障碍浏览", _l("Accessible browsing"), YES_NO),
        _m("personalised", "千人千网", _l("Personalised pages"), YES_NO),
        _m("other_innovation", "其他创新", _l("Other innovation"), TEXT),
    )),
    ("填报信息", _l("Signed by"), (
        _m("head", "单位负责人", _l("Head of the office"), TEXT, required=True),
        _m("reviewer", "审核人", _l("Reviewed by"), TEXT, required=True),
        _m("preparer", "填报人", _l("Prepared by"), TEXT, required=True),
        _m("contact_phone", "联系电话", _l("Contact telephone"), TEXT, required=True),
    )),
)

LINES: dict[str, Line] = {line.key: line for _zh, _en, lines in GROUPS for line in lines}
MANUAL_LINES: tuple[Line, ...] = tuple(line for line in LINES.values() if line.manual)
COMPUTED_KEYS: tuple[str, ...] = tuple(line.key for line in LINES.values() if not line.manual)


#: A site's kind as the template names it: a county's site is its government's portal.
SITE_KINDS = {"department": ("部门网站", _l("Department website")),
              "county": ("政府门户网站", _l("Government portal website"))}


def chinese() -> bool:
    """Whether the page is read in Chinese (the template's own words then, and its units)."""
    locale = get_locale()
    return locale is not None and locale.language == "zh"


def line_label(line: Line) -> str:
    """The line's label in the reader's language: the template's own words on a Chinese page."""
    return line.label_zh if chinese() else str(line.label_en)


def group_label(label_zh: str, label_en) -> str:
    """A group's label in the reader's language."""
    return label_zh if chinese() else str(label_en)


def site_kind_label(key: str) -> str:
    """A site's kind (a key of SITE_KINDS) in the reader's language; an unknown key as it is."""
    found = SITE_KINDS.get(key)
    return key if found is None else (found[0] if chinese() else str(found[1]))
