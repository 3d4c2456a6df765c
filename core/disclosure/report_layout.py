"""The national template of the yearly report (《中华人民共和国政府信息公开工作年度报告格式》,
国办公开办函〔2021〕30号): its sections, the rows and columns of its three tables, and which figure fills each cell.

The report is a Chinese official document: its headings and row names are the template's own words, kept here
as data (like the regulation's categories in `defaults`), never translated. The admin form's labels for the
figures entered by hand are in `MANUAL_LABELS`, translated as any interface text is.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.disclosure.models_applications import GROUNDS, ORGANISATION_TYPES

#: The section headings, in the template's order.
HEADINGS = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

# --- 二、主动公开政府信息情况 --------------------------------------------------------------------------
#: The table's blocks: (the article of the regulation, column headings, [(row name, [figure keys])]).
PROACTIVE = (
    ("第二十条第（一）项", ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
     (("规章", ("rules_new", "rules_repealed", "rules_in_force")),
      ("行政规范性文件", ("normative_new", "normative_repealed", "normative_in_force")))),
    ("第二十条第（五）项", ("信息内容", "本年处理决定数量"),
     (("行政许可", ("licensing",)),)),
    ("第二十条第（六）项", ("信息内容", "本年处理决定数量"),
     (("行政处罚", ("penalty",)), ("行政强制", ("coercion",)))),
    ("第二十条第（八）项", ("信息内容", "本年收费金额（单位：万元）"),
     (("行政事业性收费", ("fees",)),)),
)
#: The figures of table 二 the platform counts itself: the normative documents the site published.
COMPUTED_PROACTIVE = ("normative_new", "normative_in_force")
#: The category whose items are the site's normative documents (the regulation's list: 规范性文件).
NORMATIVE_CATEGORY = "规范性文件"
#: The policy level (core.sections.models.POLICY_LEVELS) of the documents the site's own body makes: the
#: department's, or a county portal's county government. A national, provincial or municipal policy a site
#: republishes was made by another body (its `issuing_body` says which) and is not in the site's 本年制发 or
#: 现行有效 counts, even when filed under 规范性文件.
OWN_POLICY_LEVEL = "departmental"

# --- 三、收到和处理政府信息公开申请情况 --------------------------------------------------------------------
#: The columns: natural persons, the five kinds of legal person or other organisation, the total.
APPLICANT_COLUMNS = ("person", *ORGANISATION_TYPES, "total")
ORGANISATION_HEADINGS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
#: The rows of the outcomes (三、本年度办理结果): (group name, [(row key, row name)]); a group of one row
#: with the group's own key has no sub-rows.
OUTCOMES = (
    ("（一）予以公开", (("disclosed", ""),)),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (("partly", ""),)),
    ("（三）不予公开", (
        ("withheld_state_secret", "1.属于国家秘密"),
        ("withheld_law_forbids", "2.其他法律行政法规禁止公开"),
        ("withheld_three_safeties", "3.危及“三安全一稳定”"),
        ("withheld_third_party", "4.保护第三方合法权益"),
        ("withheld_internal_affairs", "5.属于三类内部事务信息"),
        ("withheld_process_info", "6.属于四类过程性信息"),
        ("withheld_enforcement_file", "7.属于行政执法案卷"),
        ("withheld_query", "8.属于行政查询事项"),
    )),
    ("（四）无法提供", (
        ("unable_not_held", "1.本机关不掌握相关政府信息"),
        ("unable_to_make", "2.没有现成信息需要另行制作"),
        ("unable_unclear", "3.补正后申请内容仍不明确"),
    )),
    ("（五）不予处理", (
        ("unprocessed_complaint", "1.信访举报投诉类申请"),
        ("unprocessed_repeat", "2.重复申请"),
        ("unprocessed_publication", "3.要求提供公开出版物"),
        ("unprocessed_mass", "4.无正当理由大量反复申请"),
        ("unprocessed_confirm", "5.要求行政机关确认或重新出具已获取信息"),
    )),
    ("（六）其他处理", (
        ("otherwise_no_clarification", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("otherwise_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        ("otherwise_other", "3.其他"),
    )),
    ("（七）总计", (("answered", ""),)),
)
#: The rows before and after the outcomes: (row key, row name).
RECEIVED_ROWS = (("received", "一、本年新收政府信息公开申请数量"), ("carried_over", "二、上年结转政府信息公开申请数量"))
OUTCOMES_HEADING = "三、本年度办理结果"
PENDING_ROW = ("pending", "四、结转下年度继续办理")

#: Which rows of the platform's yearly counts (core.disclosure.queries_applications.year_counts) make each row
#: of the table; a row the platform has no source for (an application handled off the platform's reply types)
#: counts nothing.
APPLICATION_SOURCES = {
    "received": ("received",),
    "carried_over": ("carried_over",),
    "disclosed": ("disclosed",),
    "partly": ("partly_disclosed",),
    **{f"withheld_{ground}": (f"not_disclosed:{ground}",) for ground in GROUNDS},
    # Art. 36(4) (the information does not exist) and 36(5) (not for this body to disclose).
    "unable_not_held": ("not_exist", "not_held"),
    "unprocessed_complaint": ("not_disclosure_request",),
    "unprocessed_repeat": ("repeat",),
    # Art. 30: closed because the applicant did not clarify in time (core.disclosure.applications).
    "otherwise_no_clarification": ("no_clarification",),
    "answered": ("answered",),
    "pending": ("pending",),
}
APPLICATION_ROWS = tuple(key for key, _name in RECEIVED_ROWS) + tuple(
    key for _group, rows in OUTCOMES for key, _name in rows) + (PENDING_ROW[0],)
#: The rows the platform counts (from the applications filed on the site: their day of receipt, their reply or
#: their lapse); every other row holds only what the office enters.
COUNTED_ROWS = tuple(key for key in APPLICATION_ROWS if key in APPLICATION_SOURCES)
#: The rows the office adds to by hand, per kind of applicant: applications the platform did not receive (on
#: paper, by post, in person) and their outcomes, and the outcomes no reply type of the platform gives (另行制作,
#: 补正后仍不明确, 行政查询事项, 公开出版物, 大量反复申请, 要求确认, 逾期未缴费, 其他). 总计 and 结转下年度 are not
#: entered: they follow from the rows, so the template's check (一 + 二 = 三 + 四) holds.
ENTERED_ROWS = tuple(key for key in APPLICATION_ROWS if key not in ("answered", PENDING_ROW[0]))
#: The outcome rows among them (三、本年度办理结果 without its 总计).
ENTERED_OUTCOMES = tuple(key for key in ENTERED_ROWS if key not in ("received", "carried_over"))
#: The columns entered: the applicant's kinds (the 总计 column is added up).
ENTERED_COLUMNS = APPLICANT_COLUMNS[:-1]
#: The columns' names as the template writes them.
COLUMN_NAMES = dict(zip(APPLICANT_COLUMNS, ("自然人", *ORGANISATION_HEADINGS, "总计")))
#: Each row's name as the template writes it, with its group's for a sub-row (for the admin form).
ROW_NAMES = {**dict(RECEIVED_ROWS), **{key: f"{group}：{name}" if name else group
                                       for group, rows in OUTCOMES for key, name in rows},
             PENDING_ROW[0]: PENDING_ROW[1]}


def entered_field(row: str, column: str) -> str:
    """The admin form's field of one hand-entered cell of table 三."""
    return f"t3_{row}_{column}"

# --- 四、政府信息公开行政复议、行政诉讼情况 -------------------------------------------------------------
#: The outcomes counted in each of the three blocks, and the blocks (review; suits without and after review).
CASE_OUTCOMES = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"))
CASE_BLOCKS = (("review", "行政复议"), ("suit_direct", "未经复议直接起诉"), ("suit_after", "复议后起诉"))
CASE_FIGURES = tuple(f"{block}_{outcome}" for block, _ in CASE_BLOCKS for outcome, _ in CASE_OUTCOMES)

# --- the figures the site enters by hand -----------------------------------------------------------------
#: Every figure the site enters, with its label on the admin form; `fees` is an amount (万元, two decimals),
#: the others are counts.
MANUAL_LABELS = {
    "rules_new": _l("Rules (规章) made this year"),
    "rules_repealed": _l("Rules repealed this year"),
    "rules_in_force": _l("Rules in force"),
    "normative_repealed": _l("Normative documents repealed this year"),
    "licensing": _l("Administrative licensing decisions this year"),
    "penalty": _l("Administrative penalty decisions this year"),
    "coercion": _l("Administrative coercion decisions this year"),
    "fees": _l("Administrative fees collected this year (10,000 yuan)"),
    "review_upheld": _l("Administrative reviews: decision upheld"),
    "review_corrected": _l("Administrative reviews: decision corrected"),
    "review_other": _l("Administrative reviews: other outcome"),
    "review_pending": _l("Administrative reviews: not yet concluded"),
    "suit_direct_upheld": _l("Lawsuits without review: decision upheld"),
    "suit_direct_corrected": _l("Lawsuits without review: decision corrected"),
    "suit_direct_other": _l("Lawsuits without review: other outcome"),
    "suit_direct_pending": _l("Lawsuits without review: not yet concluded"),
    "suit_after_upheld": _l("Lawsuits after review: decision upheld"),
    "suit_after_corrected": _l("Lawsuits after review: decision corrected"),
    "suit_after_other": _l("Lawsuits after review: other outcome"),
    "suit_after_pending": _l("Lawsuits after review: not yet concluded"),
}
MANUAL_FIGURES = tuple(MANUAL_LABELS)
AMOUNT_FIGURES = ("fees",)
