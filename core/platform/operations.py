"""What the information bureau does to the whole city: checked first, flushed, never committed.

Every function here runs with no site active (the platform host) unless it says
otherwise; crossing into sites is done on purpose, one `activate_tenant` block
per site, or by queries marked ``all_tenants=True``. The caller (a console
view, a CLI command) owns the transaction: it records the audit entry it wants
and commits, or rolls back when an error is raised.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from core.audit.operations import record
from core.auth.models import Membership, User
from core.auth.operations import reset_password  # noqa: F401  (the console's reset, shared with the CLI)
from core.auth.sessions import end_all_sessions
from core.content.operations import create_article
from core.extensions import db
from core.platform.models import DisclosureCategory, PlatformSetting
from core.sections.models import KINDS as SECTION_KINDS
from core.sections.models import MandatorySection, Section
from core.sections.operations import SLUG as SECTION_KEY
from tenants.catalog import city, load_catalog
from tenants.models import SiteGroup, Tenant
from tenants.provisioning import create_tenant, default_domain
from tenants.scoping import activate_tenant


class PlatformError(ValueError):
    """A console change refused; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        self.problems = {field: str(message) for field, message in problems.items()}
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.problems.items()))


def _contains(text: str) -> str:
    """A LIKE pattern for "contains `text`", with the wildcards in `text` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- sites -------------------------------------------------------------------------------------

def find_sites(q: str = "", status: str = "") -> list[Tenant]:
    """Every site (suspended ones too), by slug, narrowed by a name or slug fragment and a status."""
    query = select(Tenant).options(selectinload(Tenant.domains), selectinload(Tenant.group)).order_by(Tenant.slug)
    q = q.strip()
    if q:
        lower, exact = _contains(q.lower()), _contains(q)
        query = query.where(or_(func.lower(Tenant.slug).like(lower, escape="\\"),
                                Tenant.name_zh.like(exact, escape="\\"),
                                func.lower(Tenant.name_en).like(lower, escape="\\")))
    if status:
        query = query.where(Tenant.status == status)
    return list(db.session.execute(query).scalars())


#: The catalog fields a site takes over as they are (as the demo loader does).
CATALOG_SITE_FIELDS = ("is_window_department", "address_zh", "address_en", "phone", "icp_record", "psb_record",
                       "site_code", "accent")


def catalog_entries_missing() -> list[dict]:
    """The city catalog's sites that do not exist yet, in catalog order."""
    existing = set(db.session.execute(select(Tenant.slug)).scalars())
    return [entry for entry in load_catalog()["sites"] if entry["slug"] not in existing]


def create_from_catalog(slug: str) -> Tenant:
    """Create one catalog site with its catalog fields and domains (no content).

    Its site group is created from the catalog when the platform does not have it yet.

    :raises PlatformError: when the slug is not in the catalog;
        ProvisioningError when the site cannot be created (e.g. it exists).
    """
    catalog = load_catalog()
    entry = next((e for e in catalog["sites"] if e["slug"] == slug), None)
    if entry is None:
        raise PlatformError({"slug": _l("The catalog has no site '%(slug)s'.", slug=slug)})
    group_key = entry.get("group")
    if group_key and db.session.execute(select(SiteGroup.id).where(SiteGroup.key == group_key)).first() is None:
        for position, group in enumerate(catalog["groups"]):
            if group["key"] == group_key:
                db.session.add(SiteGroup(key=group_key, name_zh=group["name_zh"], name_en=group["name_en"],
                                         position=position))
                db.session.flush()
    fields = {k: entry[k] for k in CATALOG_SITE_FIELDS if k in entry}
    fields.update(sponsor_zh=entry["name_zh"], sponsor_en=entry["name_en"])
    return create_tenant(slug=entry["slug"], name_zh=entry["name_zh"], name_en=entry["name_en"],
                         kind=entry.get("kind", "department"), group_key=group_key,
                         aliases=[default_domain(a) for a in entry.get("aliases", [])], **fields)


# --- mourning ----------------------------------------------------------------------------------

PORTAL_MOURNING_KEY = "mourning_portal"


def get_setting(key: str, default: str = "") -> str:
    found = db.session.get(PlatformSetting, key)
    return found.value if found is not None else default


def set_setting(key: str, value: str) -> None:
    found = db.session.get(PlatformSetting, key)
    if found is None:
        db.session.add(PlatformSetting(key=key, value=value))
    else:
        found.value = value
    db.session.flush()


def portal_in_mourning() -> bool:
    return get_setting(PORTAL_MOURNING_KEY) == "1"


def set_city_mourning(on: bool) -> int:
    """Grey (or restore) every site, suspended ones included, and the portal; return how many sites changed."""
    changed = 0
    for tenant in db.session.execute(select(Tenant).order_by(Tenant.id)).scalars():
        if tenant.is_mourning != on:
            tenant.is_mourning = on
            changed += 1
    set_setting(PORTAL_MOURNING_KEY, "1" if on else "0")
    db.session.flush()
    return changed


def set_site_mourning(tenant: Tenant, on: bool) -> None:
    tenant.is_mourning = on
    db.session.flush()


# --- the mandatory section set ----------------------------------------------------------------

def mandatory_sections() -> list[MandatorySection]:
    return list(db.session.execute(select(MandatorySection).order_by(MandatorySection.position,
                                                                      MandatorySection.id)).scalars())


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position


def _check_names(name_zh: str, name_en: str, problems: dict[str, str]) -> None:
    if not name_zh.strip():
        problems["name_zh"] = str(_l("The Chinese name is required."))
    if not name_en.strip():
        problems["name_en"] = str(_l("The English name is required."))


def _check_section_fields(name_zh: str, name_en: str, kind: str, homepage_priority: int | None,
                          problems: dict[str, str]) -> None:
    _check_names(name_zh, name_en, problems)
    if kind not in SECTION_KINDS:
        problems["kind"] = str(_l("Unknown section kind."))
    if homepage_priority is not None and not 1 <= homepage_priority <= 999:
        problems["homepage_priority"] = str(_l("The homepage position is a number from 1 to 999."))


def add_mandatory_section(*, key: str, name_zh: str, name_en: str, kind: str, position: int | None = None,
                          homepage_priority: int | None = None, in_nav: bool = True) -> MandatorySection:
    """Add a section to the set at `position` (1 = first; None = last). Run `sync_all_tenants()` after."""
    key = key.strip().lower()
    problems: dict[str, str] = {}
    if not SECTION_KEY.match(key):
        problems["key"] = str(_l("The key must start with a letter and use only a-z, 0-9 and '-' (at most 40)."))
    elif db.session.execute(select(MandatorySection.id).where(MandatorySection.key == key)).first():
        problems["key"] = str(_l("The set already has a section '%(key)s'.", key=key))
    _check_section_fields(name_zh, name_en, kind, homepage_priority, problems)
    if position is not None and position < 1:
        problems["position"] = str(_l("The place in the order is 1 or more."))
    if problems:
        raise PlatformError(problems)
    rows = mandatory_sections()
    row = MandatorySection(key=key, name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind, position=0,
                           homepage_priority=homepage_priority, in_nav=in_nav)
    db.session.add(row)
    rows.insert(len(rows) if position is None else min(position - 1, len(rows)), row)
    _renumber(rows)
    db.session.flush()
    return row


def update_mandatory_section(row: MandatorySection, *, name_zh: str, name_en: str, kind: str,
                             homepage_priority: int | None, in_nav: bool) -> dict[str, object]:
    """Change a section of the set; return what changed (field -> new value). Run `sync_all_tenants()` after."""
    problems: dict[str, str] = {}
    _check_section_fields(name_zh, name_en, kind, homepage_priority, problems)
    if problems:
        raise PlatformError(problems)
    values = dict(name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind,
                  homepage_priority=homepage_priority, in_nav=in_nav)
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for k, v in changed.items():
        setattr(row, k, v)
    db.session.flush()
    return changed


def remove_mandatory_section(row: MandatorySection) -> None:
    """Drop a section from the set; each site keeps it, with its content, as its own."""
    rows = [r for r in mandatory_sections() if r.id != row.id]
    db.session.delete(row)
    _renumber(rows)
    db.session.flush()


def move_in_order(rows: list, row, step: int) -> bool:
    """Swap `row` with its neighbour `step` (-1 up, +1 down) and renumber; False at either end."""
    index = next(i for i, r in enumerate(rows) if r.id == row.id)
    other = index + step
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    db.session.flush()
    return True


def move_mandatory_section(row: MandatorySection, step: int) -> bool:
    return move_in_order(mandatory_sections(), row, step)


# --- disclosure categories --------------------------------------------------------------------

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


def disclosure_categories() -> list[DisclosureCategory]:
    return list(db.session.execute(select(DisclosureCategory).order_by(DisclosureCategory.position,
                                                                        DisclosureCategory.id)).scalars())


def ensure_default_categories() -> int:
    """Give a platform with no disclosure categories the regulation's 13; return how many were added."""
    if db.session.execute(select(func.count()).select_from(DisclosureCategory)).scalar_one():
        return 0
    for position, (name_zh, name_en, description) in enumerate(DEFAULT_CATEGORIES):
        db.session.add(DisclosureCategory(position=position, name_zh=name_zh, name_en=name_en,
                                          description=description))
    db.session.flush()
    return len(DEFAULT_CATEGORIES)


def _check_category(name_zh: str, name_en: str, exclude: int | None) -> None:
    problems: dict[str, str] = {}
    _check_names(name_zh, name_en, problems)
    if "name_zh" not in problems:
        clash = db.session.execute(select(DisclosureCategory.id).where(
            DisclosureCategory.name_zh == name_zh.strip(), DisclosureCategory.id != (exclude or -1))).first()
        if clash:
            problems["name_zh"] = str(_l("There is already a category '%(name)s'.", name=name_zh.strip()))
    if problems:
        raise PlatformError(problems)


def add_category(*, name_zh: str, name_en: str, description: str = "") -> DisclosureCategory:
    """Add a category at the end of the list."""
    _check_category(name_zh, name_en, None)
    last = db.session.execute(select(func.max(DisclosureCategory.position))).scalar()
    category = DisclosureCategory(name_zh=name_zh.strip(), name_en=name_en.strip(), description=description.strip(),
                                  position=0 if last is None else last + 1)
    db.session.add(category)
    db.session.flush()
    return category


def update_category(category: DisclosureCategory, *, name_zh: str, name_en: str, description: str = "") -> None:
    _check_category(name_zh, name_en, category.id)
    category.name_zh, category.name_en = name_zh.strip(), name_en.strip()
    category.description = description.strip()
    db.session.flush()


def delete_category(category: DisclosureCategory) -> None:
    rows = [c for c in disclosure_categories() if c.id != category.id]
    db.session.delete(category)
    _renumber(rows)
    db.session.flush()


def move_category(category: DisclosureCategory, step: int) -> bool:
    return move_in_order(disclosure_categories(), category, step)


# --- people across every site ------------------------------------------------------------------

def find_users(q: str = ""):
    """A statement for every account whose username or name contains `q`, by username."""
    query = select(User).order_by(User.username)
    q = q.strip()
    if q:
        query = query.where(or_(User.username.like(_contains(q.lower()), escape="\\"),
                                func.lower(User.display_name).like(_contains(q.lower()), escape="\\")))
    return query


def roles_by_user(user_ids: list[int]) -> dict[int, list[tuple[Tenant, str]]]:
    """Each user's (site, role) pairs on every site: a deliberate cross-site read."""
    found: dict[int, list[tuple[Tenant, str]]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return found
    rows = db.session.execute(
        select(Membership.user_id, Membership.role, Tenant).join(Tenant, Tenant.id == Membership.tenant_id)
        .where(Membership.user_id.in_(user_ids)).order_by(Tenant.slug, Membership.id)
        .execution_options(all_tenants=True)).all()
    for user_id, role, tenant in rows:
        found[user_id].append((tenant, role))
    return found


def lock_user(user: User, *, actor: User | None = None) -> None:
    """Lock an account until an administrator unlocks it; its logins end."""
    if actor is not None and actor.id == user.id:
        raise PlatformError({"user": _l("You cannot lock your own account.")})
    user.is_locked = True
    end_all_sessions(user)
    db.session.flush()


def unlock_user(user: User) -> None:
    """Unlock an account, clearing a time lock and the failure count too."""
    user.is_locked = False
    user.locked_until = None
    user.failed_logins = 0
    db.session.flush()


# --- city-wide notices -------------------------------------------------------------------------

NOTICE_SECTION_KEY = "notices"


def notice_source() -> str:
    """Who a city-wide notice comes from: the city's information bureau (廊坊市信息产业局)."""
    return f"{city()['name_zh']}信息产业局"


def text_to_html(text: str) -> str:
    """Plain text to HTML: every non-empty line becomes a paragraph, escaped."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line)


def push_city_notice(*, title: str, body: str) -> tuple[list[Tenant], list[Tenant]]:
    """Publish a notice in the mandatory notices section of every active site.

    Each site gets its own article, written inside that site's scope, and an
    audit entry in its own log. Returns (sites that got it, active sites that
    have no notices section). Nothing is committed here.
    """
    problems: dict[str, str] = {}
    if not title.strip():
        problems["title"] = str(_l("A notice needs a title."))
    if not body.strip():
        problems["body"] = str(_l("A notice needs a text."))
    if problems:
        raise PlatformError(problems)
    body_html, source = text_to_html(body), notice_source()
    reached, skipped = [], []
    sites = db.session.execute(select(Tenant).where(Tenant.status == "active").order_by(Tenant.id)).scalars().all()
    for site in sites:
        with activate_tenant(site.id):
            section = db.session.execute(
                select(Section).where(Section.mandatory_key == NOTICE_SECTION_KEY)).scalar_one_or_none()
            if section is None:
                skipped.append(site)
                continue
            article = create_article(section=section, title=title, body_html=body_html, source=source)
            record("notice.receive", title, article_id=article.id, source=source)
            db.session.flush()  # while this site is active: the flush guard stamps the entry with it
        reached.append(site)
    db.session.flush()
    return reached, skipped
