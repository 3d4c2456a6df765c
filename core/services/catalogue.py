"""The item catalogue (事项目录): the committee's list, imported by the bureau; additions and removals on request.

The guideline: service items are published exactly as the staffing committee
(市编委) assigned them, "without adding or removing any". So the bureau loads
the committee's list from a file (CSV or Excel, from the template it
downloads here), a department edits only the guides of its items, and a
department that needs an item added or removed asks the bureau, which
approves or refuses.

An import is all or nothing: every line is checked first, and a file with any
problem is refused with each problem and its line number, writing nothing.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.log import record
from core.auth.models import User
from core.auth.permissions import can
from core.extensions import db
from core.operations import OperationError, OperationForbidden, audited, read_only
from core.services.guide import KIND_LABELS
from core.services.guides import MAX_TEXT
from core.services.models import ITEM_KINDS, CatalogueRequest, ServiceItem
from core.text import column_problems, text_problem
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants

#: The largest catalogue file taken, and the most lines in it.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINES = 5000
#: The most problems listed when a file is refused (the rest are counted).
MAX_PROBLEMS_SHOWN = 100
#: The longest statutory time limit an import may give, in working days (as a guide may).
MAX_DAYS = 1250


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool
    #: What the template's instructions say about it (Chinese, English).
    help_zh: str
    help_en: str
    aliases: tuple[str, ...] = ()


#: The columns of the committee's list, in the template's order.
COLUMNS = (
    Column("site", "部门", "Site", True, "站点代码（如 rsj）或部门全称（如 廊坊市人力资源和社会保障局）",
           "The site's code (e.g. rsj) or the department's full Chinese name", ("站点", "站点代码", "实施主体")),
    Column("code", "事项编码", "Item code", True, "编委确定的事项编码，同一部门内不重复",
           "The committee's code of the item, unique within the department", ("编码", "code")),
    Column("name", "事项名称", "Item name", True, "编委确定的事项名称", "The item's name as the committee assigned it",
           ("名称", "name")),
    Column("kind", "事项类型", "Kind", True, "行政许可 或 公共服务", "行政许可 (licensing) or 公共服务 (public service)",
           ("类型", "kind")),
    Column("theme", "主题分类", "Theme", False, "可空，如 就业创业、社会保障", "Optional, e.g. 就业创业, 社会保障",
           ("主题", "theme")),
    Column("legal_basis", "设定依据", "Legal basis", False, "可空；填写时更新指南的设定依据",
           "Optional; when given, it replaces the guide's legal basis", ("依据",)),
    Column("statutory_days", "法定办结时限", "Statutory time limit", False, "可空；工作日数，如 20",
           "Optional; in working days, e.g. 20", ("法定时限",)),
)
#: The words a kind may be written with in a file.
KIND_WORDS = {
    "行政许可": "licensing", "行政许可事项": "licensing", "许可": "licensing", "licensing": "licensing",
    "administrative licensing": "licensing",
    "公共服务": "public_service", "公共服务事项": "public_service", "行政服务": "public_service",
    "public service": "public_service", "public_service": "public_service",
}
_PARENTHESES = re.compile(r"[(（][^)）]*[)）]")


class CatalogueError(OperationError):
    """A catalogue change refused, with the reason."""


class CatalogueForbidden(CatalogueError, OperationForbidden):
    """The actor's roles here do not allow it."""


class CatalogueFileError(CatalogueError):
    """A catalogue file refused: `lines` lists each problem, with its line number where it has one."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        summary = gettext("The file was not imported: nothing has been changed. Correct these problems and "
                          "import it again.")
        super().__init__({"file": summary})


@dataclass
class CatalogueRow:
    """One line of the committee's list, checked."""

    line: int
    site_id: int
    site_slug: str
    code: str
    name: str
    kind: str
    theme: str = ""
    legal_basis: str = ""
    statutory_days: int | None = None


@dataclass
class SiteImport:
    """What an import did to one site's catalogue."""

    slug: str
    name: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class ImportResult:
    sites: list[SiteImport] = field(default_factory=list)

    def total(self, what: str) -> int:
        return sum(getattr(site, what) for site in self.sites)


# --- reading a file ----------------------------------------------------------------------------

def _header_key(text: str) -> str:
    return re.sub(r"[\s*＊:：]", "", _PARENTHESES.sub("", text)).lower()


_HEADERS = {_header_key(name): column.key for column in COLUMNS for name in (column.zh, column.en, *column.aliases)}


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person typed: 20.0 as 20, a date as 2026-05-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


#: The most a workbook may hold once unpacked: a small .xlsx can unpack to gigabytes (a "zip bomb").
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _unpacked_size(data: bytes) -> int:
    """The sum of the unpacked sizes of a ZIP package's parts, as its directory declares them, in bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return sum(info.file_size for info in package.infolist())


def _read_xlsx(data: bytes) -> list[tuple[int, int, list[str]]]:
    from openpyxl import load_workbook  # only the bureau's import needs it

    try:
        too_big = _unpacked_size(data) > MAX_UNPACKED_BYTES
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise CatalogueFileError([gettext("The file could not be read as an Excel workbook (.xlsx): save it again "
                                          "from Excel or WPS, or as CSV.")]) from error
    if too_big:
        raise CatalogueFileError([gettext("The workbook holds more than %(n)s MB once unpacked: a list of items is "
                                          "far smaller. Save it again with only the list, or as CSV.",
                                          n=MAX_UNPACKED_BYTES // 1048576)])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as error:
        raise CatalogueFileError([gettext("The file could not be read as an Excel workbook (.xlsx): save it again "
                                          "from Excel or WPS, or as CSV.")]) from error
    try:
        sheet = book.worksheets[0]
        rows = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((line, line, [_cell_text(v) for v in values]))
            if len(rows) > MAX_LINES + 1:
                break
        return rows
    finally:
        book.close()


def _read_csv(data: bytes) -> list[tuple[int, int, list[str]]]:
    # Excel and WPS in China save CSV as GB18030 (GBK); other tools as UTF-8, often with a BOM.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any byte sequence, so this is unreachable; kept for clarity
        raise CatalogueFileError([gettext("The file's characters could not be read: save it as CSV (UTF-8).")])
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        line = 1  # where the next record starts: a quoted cell may hold line breaks, so a record spans lines
        for row in reader:
            rows.append((line, reader.line_num, [cell.strip() for cell in row]))
            line = reader.line_num + 1
        return rows
    except csv.Error as error:
        raise CatalogueFileError([gettext("The file could not be read as CSV: %(reason)s", reason=str(error))]) \
            from error


@read_only
def read_table(filename: str, data: bytes) -> list[tuple[int, int, list[str]]]:
    """The file's rows of cells, as text (the first sheet of a workbook), each with its first and last line.

    Line numbers are the file's own, as Excel or a text editor shows them: a CSV record whose quoted cell
    runs over several lines starts where its first line is.

    :raises CatalogueFileError: for a type other than .csv or .xlsx, a file too large, or one that cannot be read.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("csv", "xlsx"):
        hint = gettext(" Save an .xls workbook as .xlsx first.") if extension == "xls" else ""
        raise CatalogueFileError([gettext("Import a CSV file or an Excel workbook (.xlsx).") + hint])
    if len(data) > MAX_FILE_BYTES:
        raise CatalogueFileError([gettext("The file is larger than %(n)s MB.", n=MAX_FILE_BYTES // 1048576)])
    return _read_xlsx(data) if extension == "xlsx" else _read_csv(data)


def _sites() -> dict[str, Tenant]:
    """Sites by code and by Chinese name (the platform's registry; every site can be named)."""
    found = {}
    for site in db.session.execute(select(Tenant)).scalars():
        found[site.slug.lower()] = site
        found[site.name_zh] = site
    return found


def _line_problem(line: int, message: str) -> str:
    return gettext("Line %(line)s: %(problem)s", line=line, problem=message)


def _check_text(values: dict[str, str], line: int, problems: list[str]) -> None:
    for key, value in values.items():
        column = ServiceItem.__table__.c[key]
        length = getattr(column.type, "length", None)
        problem = text_problem(value, multiline=key == "legal_basis", max_length=length or MAX_TEXT)
        if problem:
            label = next(c for c in COLUMNS if c.key == key)
            problems.append(_line_problem(line, gettext("%(column)s: %(problem)s", column=_column_name(label),
                                                        problem=problem)))


def _joined_lines(values: dict[str, str], short: bool) -> bool:
    """Whether a record that runs over several lines looks like lines joined by an unclosed quotation mark.

    A quoted cell may hold a line break (which a one-line column then refuses as such); lines swallowed by a
    quote that never closes leave the record short of cells, or a one-line cell holding a separator after a
    line break.
    """
    broken = [value for key, value in values.items() if key != "legal_basis" and "\n" in value]
    return bool(broken) and (short or any("," in value.split("\n", 1)[1] for value in broken))


def _column_name(column: Column) -> str:
    from core.i18n import is_english

    return column.en if is_english() else column.zh


@read_only
def parse_catalogue(filename: str, data: bytes) -> list[CatalogueRow]:
    """Read and check the committee's list; every line must be right.

    Line numbers are the file's own (the header is line 1), as Excel shows them.

    :raises CatalogueFileError: with every problem found (each with its line), when there is any.
    """
    lines = read_table(filename, data)
    table = [cells for _first, _last, cells in lines]
    if not table or not any(cell for cell in table[0]):
        raise CatalogueFileError([gettext("The file is empty: its first line must name the columns, as in the "
                                          "template.")])
    header = [_HEADERS.get(_header_key(cell)) for cell in table[0]]
    problems: list[str] = []
    seen_keys = [key for key in header if key]
    repeated = sorted({key for key in seen_keys if seen_keys.count(key) > 1})
    for key in repeated:
        problems.append(_line_problem(1, gettext("the column “%(name)s” appears twice.",
                                                 name=_column_name(next(c for c in COLUMNS if c.key == key)))))
    lacking = [c for c in COLUMNS if c.required and c.key not in seen_keys]
    if lacking:
        problems.append(_line_problem(1, gettext(
            "the columns %(names)s are missing; the first line must name the columns, as in the template.",
            names="、".join(f"“{_column_name(c)}”" for c in lacking))))
    if problems:
        raise CatalogueFileError(problems)
    if len(table) > MAX_LINES + 1:
        raise CatalogueFileError([gettext("The file has more than %(n)s lines: split it.", n=MAX_LINES)])
    sites, rows, first_seen = _sites(), [], {}
    for index, last, cells in lines[1:]:
        values = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(header) if key}
        if not any(values.values()):
            continue  # a blank line
        if last > index and _joined_lines(values, len(cells) < len(header)):
            problems.append(_line_problem(index, gettext(
                "a quotation mark (\") opens here and is not closed where the cell ends, so lines %(first)s to "
                "%(last)s were read as one item: close it, or remove it.", first=index, last=last)))
            continue
        row = _check_row(index, values, sites, problems)
        if row is None:
            continue
        key = (row.site_id, row.code)
        if key in first_seen:
            problems.append(_line_problem(index, gettext("the item code %(code)s of %(site)s is already on line "
                                                         "%(line)s.", code=row.code, site=row.site_slug,
                                                         line=first_seen[key])))
            continue
        first_seen[key] = index
        rows.append(row)
    if problems:
        raise CatalogueFileError(problems)
    if not rows:
        raise CatalogueFileError([gettext("The file lists no items: fill in one line per item under the "
                                          "column names.")])
    return rows


def _check_row(line: int, values: dict[str, str], sites: dict[str, Tenant], problems: list[str]) -> \
        CatalogueRow | None:
    before = len(problems)
    for column in COLUMNS:
        if column.required and not values.get(column.key, "").strip():
            problems.append(_line_problem(line, gettext("“%(name)s” is empty.", name=_column_name(column))))
    site_text = values.get("site", "").strip()
    site = sites.get(site_text.lower()) or sites.get(site_text)
    if site_text and site is None:
        problems.append(_line_problem(line, gettext("there is no site “%(site)s”: give the site's code (e.g. rsj) "
                                                    "or the department's full name.", site=site_text)))
    kind_text = values.get("kind", "").strip()
    kind = KIND_WORDS.get(kind_text.lower())
    if kind_text and kind is None:
        problems.append(_line_problem(line, gettext("the kind “%(kind)s” is neither 行政许可 nor 公共服务.",
                                                    kind=kind_text)))
    days_text = values.get("statutory_days", "").strip()
    days = None
    if days_text:
        if re.fullmatch(r"[0-9]{1,4}", days_text) and int(days_text) <= MAX_DAYS:
            days = int(days_text)
        else:
            problems.append(_line_problem(line, gettext("the statutory time limit “%(value)s” is not a whole number "
                                                        "of working days (0 to %(max)s).", value=days_text,
                                                        max=MAX_DAYS)))
    texts = {key: values.get(key, "").strip() for key in ("code", "name", "theme", "legal_basis")}
    _check_text(texts, line, problems)
    if len(problems) > before:
        return None
    return CatalogueRow(line=line, site_id=site.id, site_slug=site.slug, code=texts["code"], name=texts["name"],
                        kind=kind, theme=texts["theme"], legal_basis=texts["legal_basis"], statutory_days=days)


# --- writing an import -------------------------------------------------------------------------

def _apply_row(item: ServiceItem, row: CatalogueRow) -> bool:
    """Bring an item in step with its line; True when anything changed."""
    wanted = {"name": row.name, "kind": row.kind}
    if row.theme:
        wanted["theme"] = row.theme
    if row.legal_basis:
        wanted["legal_basis"] = row.legal_basis
    if row.statutory_days is not None:
        wanted["statutory_days"] = row.statutory_days
    if item.catalogue_status == "removed":
        wanted["catalogue_status"] = "active"
    changed = False
    for key, value in wanted.items():
        if getattr(item, key) != value:
            setattr(item, key, value)
            changed = True
    if item.promised_days is not None and item.statutory_days is not None and item.promised_days > item.statutory_days:
        item.promised_days = item.statutory_days  # the law's limit is the longest the department may promise
    return changed


@audited
@crosses_tenants("the committee's list names items of many sites: each site's catalogue is written inside it")
def import_catalogue(filename: str, data: bytes, *, complete_list: bool = False) -> ImportResult:
    """Load the committee's list: add the items it names, bring the others in step (by site and item code).

    With `complete_list`, the file is the whole list of the sites it names:
    their items it does not name are removed from their catalogues (and from
    their public sites). Each site's log records what changed there; the
    platform's log records the import.

    :raises CatalogueFileError: when any line is wrong (nothing is written).
    """
    rows = parse_catalogue(filename, data)
    by_site: dict[int, list[CatalogueRow]] = {}
    for row in rows:
        by_site.setdefault(row.site_id, []).append(row)
    result = ImportResult()
    sites = {s.id: s for s in db.session.execute(select(Tenant).where(Tenant.id.in_(by_site))).scalars()}
    for site_id in sorted(by_site, key=lambda i: sites[i].slug):
        site = sites[site_id]
        done = SiteImport(site.slug, site.name_zh)
        with activate_tenant(site_id):
            existing = {item.code: item for item in db.session.execute(select(ServiceItem)).scalars()}
            named = set()
            for row in by_site[site_id]:
                named.add(row.code)
                item = existing.get(row.code)
                if item is None:
                    item = ServiceItem(code=row.code, name=row.name, kind=row.kind, theme=row.theme,
                                       legal_basis=row.legal_basis, statutory_days=row.statutory_days,
                                       position=len(existing) + done.added)
                    db.session.add(item)
                    done.added += 1
                elif _apply_row(item, row):
                    done.updated += 1
                else:
                    done.unchanged += 1
            if complete_list:
                for code, item in existing.items():
                    if code not in named and item.catalogue_status != "removed":
                        item.catalogue_status = "removed"
                        done.removed += 1
            record("service.import", filename[:200], file=filename, added=done.added, updated=done.updated,
                   removed=done.removed, complete_list=complete_list)
            db.session.flush()  # while the site is active: its rows and its entry are stamped with it
        result.sites.append(done)
    record("service.import", filename[:200], platform=True, file=filename, sites=[s.slug for s in result.sites],
           added=result.total("added"), updated=result.total("updated"), removed=result.total("removed"),
           complete_list=complete_list)
    db.session.flush()
    return result


# --- the template ------------------------------------------------------------------------------

def _template_headers(english: bool) -> list[str]:
    return [c.en if english else c.zh for c in COLUMNS]


@read_only
def template_csv(english: bool = False) -> bytes:
    """The template as CSV: the column names only, UTF-8 with a BOM (so Excel reads the Chinese)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(_template_headers(english))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@read_only
def template_xlsx(english: bool = False) -> bytes:
    """The template as an Excel workbook: the list's sheet with its column names, and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Catalogue" if english else "事项目录"
    sheet.append(_template_headers(english))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (28, 22, 40, 12, 16, 50, 16)):
        sheet.column_dimensions[letter].width = width
    kinds = DataValidation(type="list", formula1='"行政许可,公共服务"', allow_blank=False)
    kinds.error = "行政许可 / 公共服务"
    sheet.add_data_validation(kinds)
    kinds.add(f"D2:D{MAX_LINES + 1}")
    notes = book.create_sheet("Instructions" if english else "填写说明")
    notes.append(["Column", "Required", "What to enter"] if english else ["列", "必填", "填写说明"])
    for column in COLUMNS:
        notes.append([column.en if english else column.zh,
                      ("yes" if column.required else "no") if english else ("是" if column.required else "否"),
                      column.help_en if english else column.help_zh])
    notes.append([])
    notes.append(["Example" if english else "示例", "",
                  "rsj | 130100-XK-001 | 人力资源服务许可 | 行政许可 | 就业创业 | 《人力资源市场暂行条例》第十八条 | 20"])
    notes.append(["", "", ("Each line is one item; the first line of the first sheet names the columns. A file with "
                           "any wrong line is refused with the line numbers, and nothing is changed.") if english else
                  "每行一个事项；第一个工作表的第一行为列名。任何一行有误，整个文件不导入，并列出出错的行号。"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- requests to add or remove an item ---------------------------------------------------------

def _request_target(found: CatalogueRequest) -> str:
    return f"catalogue_request:{found.id}"


def _check_requester(actor: User) -> None:
    if actor is None or not can(actor, "content.edit"):
        raise CatalogueForbidden(_l("Your roles here do not include keeping the service guides."))


@read_only
def pending_addition(code: str) -> CatalogueRequest | None:
    """The active site's pending request to add an item with this code, if any."""
    for found in db.session.execute(select(CatalogueRequest).where(CatalogueRequest.action == "add",
                                                                   CatalogueRequest.status == "pending")).scalars():
        if request_payload(found).get("code") == code:
            return found
    return None


@read_only
def request_payload(found: CatalogueRequest) -> dict:
    try:
        data = json.loads(found.payload or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@audited
def request_addition(*, actor: User, code: str, name: str, kind: str, reason: str) -> CatalogueRequest:
    """Ask the bureau to add an item to the active site's catalogue.

    :raises CatalogueError: per field: no code, name or reason, an unknown kind, a code already in the
        catalogue or already asked for.
    """
    _check_requester(actor)
    values = {"code": (code or "").strip(), "name": (name or "").strip()}
    reason = (reason or "").strip()
    problems = column_problems(ServiceItem, values)
    problems.update({f: m for f, m in column_problems(CatalogueRequest, {"reason": reason},
                                                      multiline=("reason",)).items()})
    if not values["code"]:
        problems["code"] = str(_l("Give the committee's code of the item."))
    if not values["name"]:
        problems["name"] = str(_l("Give the item's name, as the committee assigned it."))
    if kind not in ITEM_KINDS:
        problems["kind"] = str(_l("Choose the kind of item."))
    if not reason:
        problems["reason"] = str(_l("Say why the item should be added (e.g. the committee's document)."))
    if not problems.get("code") and values["code"]:
        existing = db.session.execute(select(ServiceItem).where(ServiceItem.code == values["code"])
                                      ).scalar_one_or_none()
        if existing is not None and existing.catalogue_status != "removed":
            problems["code"] = str(_l("The item %(code)s is in the catalogue already: %(name)s.",
                                      code=values["code"], name=existing.name))
        elif pending_addition(values["code"]) is not None:
            problems["code"] = str(_l("An addition of %(code)s is already waiting for the bureau's decision.",
                                      code=values["code"]))
    if problems:
        raise CatalogueError(problems)
    found = CatalogueRequest(action="add", payload=json.dumps({**values, "kind": kind}, ensure_ascii=False),
                             reason=reason, requested_by_id=actor.id)
    db.session.add(found)
    db.session.flush()
    record("service.request_add", _request_target(found), code=values["code"], name=values["name"], reason=reason)
    db.session.flush()
    return found


@audited
def request_removal(item: ServiceItem, *, actor: User, reason: str) -> CatalogueRequest:
    """Ask the bureau to remove an item from the active site's catalogue; it stays public until approved.

    :raises CatalogueError: under "reason" when none is given; for an item whose removal is already asked or
        done.
    """
    _check_requester(actor)
    reason = (reason or "").strip()
    if item.catalogue_status != "active":
        raise CatalogueError(_l("The removal of this item has already been asked for or done."))
    problems = column_problems(CatalogueRequest, {"reason": reason}, multiline=("reason",))
    if not reason:
        problems["reason"] = str(_l("Say why the item should be removed (e.g. the committee's document)."))
    if problems:
        raise CatalogueError(problems)
    item.catalogue_status = "removal_requested"
    found = CatalogueRequest(action="remove", item_id=item.id, reason=reason, requested_by_id=actor.id,
                             payload=json.dumps({"code": item.code, "name": item.name, "kind": item.kind},
                                                ensure_ascii=False))
    db.session.add(found)
    db.session.flush()
    record("service.request_remove", _request_target(found), code=item.code, name=item.name, reason=reason)
    db.session.flush()
    return found


def _site_slug(found: CatalogueRequest) -> str:
    site = db.session.get(Tenant, found.tenant_id)
    return site.slug if site is not None else ""


def _check_pending(found: CatalogueRequest) -> None:
    if found.status != "pending":
        raise CatalogueError(_l("This request has been decided already."))


@audited
@crosses_tenants("the bureau decides a site's catalogue request, writing in that site's catalogue")
def approve_request(found: CatalogueRequest, *, actor: User) -> ServiceItem | None:
    """The bureau approves: the item is added to the site's catalogue (its guide to be written), or removed.

    Returns the item added or removed. :raises CatalogueError: for a request decided already.
    """
    _check_pending(found)
    payload = request_payload(found)
    with activate_tenant(found.tenant_id):
        if found.action == "add":
            item = db.session.execute(select(ServiceItem).where(ServiceItem.code == payload.get("code", ""))
                                      ).scalar_one_or_none()
            if item is None:
                count = len(db.session.execute(select(ServiceItem.id)).all())
                item = ServiceItem(code=payload["code"], name=payload["name"], kind=payload["kind"], position=count)
                db.session.add(item)
            else:
                item.name, item.kind, item.catalogue_status = payload["name"], payload["kind"], "active"
        else:
            item = db.session.execute(select(ServiceItem).where(ServiceItem.id == found.item_id)).scalar_one_or_none()
            if item is not None:
                item.catalogue_status = "removed"
        found.status, found.decided_by_id, found.decided_at = "approved", actor.id, now()
        record("service.request_approve", _request_target(found), request=found.action, code=payload.get("code"),
               name=payload.get("name"))
        db.session.flush()
    record("service.request_approve", _request_target(found), platform=True, request=found.action,
           code=payload.get("code"), name=payload.get("name"), site=_site_slug(found))
    db.session.flush()
    return item


@audited
@crosses_tenants("the bureau decides a site's catalogue request, writing in that site's catalogue")
def refuse_request(found: CatalogueRequest, *, actor: User, answer: str) -> None:
    """The bureau refuses, saying why; an item asked to be removed stays in the catalogue.

    :raises CatalogueError: under "answer" when it says nothing; for a request decided already.
    """
    _check_pending(found)
    answer = (answer or "").strip()
    problems = column_problems(CatalogueRequest, {"answer": answer}, multiline=("answer",))
    if not answer:
        problems["answer"] = str(_l("Say why the request is refused: the department reads it."))
    if problems:
        raise CatalogueError(problems)
    payload = request_payload(found)
    with activate_tenant(found.tenant_id):
        if found.action == "remove":
            item = db.session.execute(select(ServiceItem).where(ServiceItem.id == found.item_id)).scalar_one_or_none()
            if item is not None and item.catalogue_status == "removal_requested":
                item.catalogue_status = "active"
        found.status, found.answer, found.decided_by_id, found.decided_at = "refused", answer, actor.id, now()
        record("service.request_refuse", _request_target(found), request=found.action, code=payload.get("code"),
               name=payload.get("name"), answer=answer)
        db.session.flush()
    record("service.request_refuse", _request_target(found), platform=True, request=found.action,
           code=payload.get("code"), name=payload.get("name"), site=_site_slug(found), answer=answer)
    db.session.flush()


@read_only
def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))
