"""The categories a new platform starts with: the 13 of the city's disclosure regulation (Article 8)."""
from __future__ import annotations

#: The categories of government information the city's disclosure regulation lists (政务公开 13 类).
DEFAULT_CATEGORIES = (
    ("机构设置与职能", "Organisation and functions",
     "机构职能、内设机构、领导分工及联系方式。"),
    ("规范性文件", "Normative documents",
     "本部门制定的规范性文件及其解读。"),
    ("发展规划与计划", "Development plans and programmes",
     "中长期发展规划、专项规划和年度工作计划、总结。"),
    ("统计信息", "Statistics",
     "本部门主管领域的统计数据和统计分析。"),
    ("财政预算决算", "Budgets and final accounts",
     "部门预算、决算及“三公”经费情况。"),
    ("行政许可事项", "Administrative licensing items",
     "行政许可的事项、依据、条件、程序、期限及办理结果。"),
    ("行政事业性收费", "Administrative fees",
     "行政事业性收费的项目、依据和标准。"),
    ("政府采购", "Government procurement",
     "政府集中采购的目录、标准及实施情况。"),
    ("重大建设项目", "Major construction projects",
     "重大建设项目的批准和实施情况。"),
    ("人事任免与招考录用", "Appointments, removals and recruitment",
     "干部任免及公务员、事业单位人员招考录用情况。"),
    ("突发公共事件应急预案", "Emergency plans for public incidents",
     "突发公共事件的应急预案、预警信息及应对情况。"),
    ("重大事项决策", "Decisions on major matters",
     "涉及公众利益的重大决策、征求意见及结果。"),
    ("监督检查情况", "Supervision and inspection",
     "监督检查、执法检查的开展情况及结果。"),
)

#: The subject classification (主题分类) a new platform starts with: the national list government sites file
#: their disclosure catalogue by (政府信息公开目录 主题分类).
DEFAULT_SUBJECTS = (
    ("综合政务", "General government affairs"),
    ("国民经济管理、国有资产监管", "Economic management and state assets"),
    ("财政、金融、审计", "Finance, banking and audit"),
    ("国土资源、能源", "Land, resources and energy"),
    ("农业、林业、水利", "Agriculture, forestry and water"),
    ("工业、交通", "Industry and transport"),
    ("商贸、海关、旅游", "Trade, customs and tourism"),
    ("市场监管、安全生产监管", "Market regulation and work safety"),
    ("城乡建设、环境保护", "Urban and rural construction, environment"),
    ("科技、教育", "Science and education"),
    ("文化、广电、新闻出版", "Culture, broadcasting and publishing"),
    ("卫生、体育", "Health and sport"),
    ("人口与计划生育、妇女儿童工作", "Population, women and children"),
    ("劳动、人事、监察", "Labour, personnel and supervision"),
    ("公安、安全、司法", "Public security and justice"),
    ("民政、扶贫、救灾", "Civil affairs, poverty relief and disaster relief"),
    ("其他", "Other"),
)

#: The parts of every site's disclosure column below it: (slug, Chinese name, English name, kind). The guide
#: and the rules are single pages the site edits; the annual reports are the items of their own list. The
#: catalogue is the column's own page; disclosure on application has its own pages.
COLUMN_PARTS = (
    ("disclosure-guide", "政府信息公开指南", "Guide to government information disclosure", "single_page"),
    ("disclosure-rules", "政府信息公开制度", "Rules on government information disclosure", "single_page"),
    ("disclosure-reports", "政府信息公开年度报告", "Annual reports on government information disclosure",
     "article_list"),
)
GUIDE_SLUG, RULES_SLUG, REPORTS_SLUG = (part[0] for part in COLUMN_PARTS)
