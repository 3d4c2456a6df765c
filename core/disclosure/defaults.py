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
