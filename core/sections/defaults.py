"""The mandatory section set a new platform starts with, from the city's guideline.

Order is the navigation order; a homepage priority puts the section's latest
items on every site's homepage, lowest number first.
"""
from __future__ import annotations

DEFAULT_MANDATORY_SECTIONS = (
    # key, name_zh, name_en, kind, homepage_priority, in_nav, update class (core.sections.models.UPDATE_CLASSES)
    ("about", "机构概况", "About us", "single_page", None, True, "never"),
    ("disclosure", "政府信息公开", "Government information disclosure", "disclosure", 4, True, "as_needed"),
    ("policies", "政策法规", "Policies and regulations", "policy_list", 3, True, "notices"),
    ("news", "工作动态", "Work news", "article_list", 1, True, "news"),
    ("notices", "通知公告", "Notices", "article_list", 2, True, "notices"),
    ("services", "办事指南", "Service guides", "service_items", 5, True, "as_needed"),
    ("forms", "表格下载", "Form downloads", "forms", 6, True, "as_needed"),
    ("online", "网上办事", "Online services", "online_services", None, True, "as_needed"),
    ("interaction", "互动交流", "Interaction", "interaction", None, True, "as_needed"),
)
