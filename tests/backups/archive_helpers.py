"""Sites worth moving, and how a test looks at one: its public pages, its files, its admin's lists, its rows.

`fill_extras` gives a site what the demo city does not: a child section, an
item with attachments, revisions naming them and a pending correction, links
in its text to its own pages, a logo and duty assignments. `crawl` walks a
site's public pages from its home page; `carry` rewrites a page of the site
as it was before a move with the ids the import gave (so that the two can be
compared as text).
"""
from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from core.auth.models import User
from core.content.files import Upload, attachment_entries
from core.content.models import Article, ArticleRevision
from core.content.operations import create_article
from core.duties.operations import assign_duty
from core.extensions import db
from core.publishing.queries import snapshot
from core.sections.models import Section
from core.sections.operations import add_section
from core.sites.operations import update_site_settings
from core.timeutil import now
from tenants.models import Tenant
from tenants.provisioning import upload_folder
from tenants.scoping import activate_tenant

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def logo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (29, 79, 145)).save(out, "PNG")
    return out.getvalue()


@dataclass
class Extras:
    article_id: int
    linked_id: int
    child_section: str


def fill_extras(app, site_id: int, admin_id: int) -> Extras:
    """Give the site (committed) a child section, an item with files, revisions and links, a logo, duties."""
    with app.app_context(), activate_tenant(site_id):
        parent = db.session.execute(select(Section).where(Section.slug == "news")).scalar_one()
        child = add_section(name_zh="局属单位动态", name_en="Affiliates' news", slug="affiliates",
                            kind="article_list", parent_id=parent.id)
        grandchild = add_section(name_zh="直属单位", name_en="Directly affiliated", slug="direct",
                                 kind="article_list", parent_id=child.id)
        linked = create_article(section=grandchild, title="直属单位召开安全生产会议", body_html="<p>会议要求。</p>",
                                published_at=now() - timedelta(days=2))
        article = create_article(
            section=child, title="关于做好2026年度职称评审工作的通知", published_at=now() - timedelta(days=1),
            attachments=[Upload("评审申报表.pdf", PDF + b"form"), Upload("评审条件.pdf", PDF + b"rules")])
        db.session.flush()
        first, second = article.attachments
        article.body_html = (f'<p>详见<a href="/articles/{linked.id}">会议通知</a>和'
                             f'<a href="/attachments/{first.id}/{first.filename}">申报表</a>，'
                             f'另见<a href="http://rsj.localhost/articles/{linked.id}">原文</a>。</p>')
        db.session.flush()
        data = snapshot(article)
        revisions = [ArticleRevision(article_id=article.id, number=n, saved_by_id=admin_id, saved_by_name="管理员",
                                     note=note, data=json.dumps(body, ensure_ascii=False))
                     for n, note, body in ((1, "创建", {**data, "attachments": attachment_entries(article)[:1]}),
                                           (2, "发布", data),
                                           (3, "更正", {**data, "title": data["title"] + "（更正）"}))]
        db.session.add_all(revisions)
        article.change_status, article.change_base_revision, article.pending_revision = "editing", 2, 3
        assign_duty("publishing", admin_id, None)
        tenant = db.session.get(Tenant, site_id)
        ids = Extras(article.id, linked.id, child.slug)
        db.session.commit()
    with app.app_context():
        update_site_settings(db.session.get(Tenant, site_id), logo=("logo.png", logo_png()))
        db.session.commit()
    del tenant
    return ids


# --- what a site looks like ------------------------------------------------------------------------

_HREF = re.compile(r'(?:href|src)="(/[^"#]*)"')
_SKIP = ("/admin", "/lang", "/elder-mode", "/_themes", "/_vendor", "/interaction/write", "/services/track", "/interaction/query",
         "/disclosure/apply", "/disclosure/track", "/search")


def crawl(client, limit: int = 2000) -> dict[str, bytes]:
    """Every public page and file of the site reachable from its home page: path -> bytes (follows links).

    A link the site's own text breaks (the demo plants a few for the security checks) is kept as "not found", so
    that the comparison holds it broken on both sides; anything else but a page is a failure.
    """
    seen: dict[str, bytes] = {}
    todo = ["/"]
    while todo and len(seen) < limit:
        path = todo.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        if response.status_code == 404:
            seen[path] = b"<not found>"
            continue
        assert response.status_code == 200, (path, response.status_code)
        seen[path] = response.get_data()
        response.close()  # a file sent from disk is open until then
        if response.mimetype == "text/html":
            for found in _HREF.findall(response.get_data(as_text=True)):
                found = found.replace("&amp;", "&")
                if found not in seen and not found.startswith(_SKIP) and "/apply" not in found:
                    todo.append(found)
    return seen


#: Every id a URL of a site's pages carries, and the table it names (public and admin pages).
URL_IDS = {"article_id": "articles", "attachment_id": "attachments", "item_id": "service_items",
           "form_id": "service_forms", "published_id": "interaction_published_letters",
           "consultation_id": "consultations", "file_id": None, "letter_id": "interaction_letters",
           "application_id": "service_applications", "disclosure_application_id": "disclosure_applications",
           "section_id": "sections", "report_id": "disclosure_reports", "page_id": "sections"}


class Carrier:
    """Rewrites a page as it was before the move with the ids the import gave (`ImportResult.ids`)."""

    def __init__(self, app, ids: dict[str, dict[int, int]], old_site: int, new_site: int):
        self.adapter = app.url_map.bind("localhost")
        self.ids, self.old_site, self.new_site = ids, old_site, new_site

    def path(self, path: str) -> str:
        from urllib.parse import unquote

        path, hash_, fragment = path.partition("#")
        bare, _, query = path.partition("?")
        if query.startswith("next=/"):  # the language switch names the page it returns to
            query = "next=" + self.path(query[5:])
        for name, table in (("category", "disclosure_categories"), ("subject", "disclosure_subjects")):
            query = re.sub(rf"(?<![\w]){name}=(\d+)",
                           lambda m: f"{name}={self.ids.get(table, {}).get(int(m.group(1)), m.group(1))}", query)
        try:
            rule, args = self.adapter.match(unquote(bare), method="GET", return_rule=True)
        except Exception:
            return path + hash_ + fragment
        segments = bare.split("/")
        for index, piece in enumerate(rule.rule.split("/")):
            found = re.fullmatch(r"<int:(\w+)>", piece)
            if found and found.group(1) in URL_IDS and URL_IDS[found.group(1)]:
                table = URL_IDS[found.group(1)]
                segments[index] = str(self.ids.get(table, {}).get(int(segments[index]), segments[index]))
            elif found and found.group(1) == "file_id":
                for table in ("disclosure_application_files", "service_application_files"):
                    if int(segments[index]) in self.ids.get(table, {}):
                        segments[index] = str(self.ids[table][int(segments[index])])
                        break
        return "/".join(segments) + (f"?{query}" if query else "") + hash_ + fragment

    def page(self, html: str) -> str:
        html = re.sub(r'((?:href|src|action)=")(/[^"]*)"', lambda m: f'{m.group(1)}{self.path(m.group(2))}"', html)
        # Absolute addresses of the site's own pages: in links and as text (a guide says where it was printed from).
        html = re.sub(r'(https?://rsj\.localhost)(/[^\s"<]*)', lambda m: m.group(1) + self.path(m.group(2)), html)
        # The home page's blocks are named after their sections' ids (id="block-12", aria-labelledby="block-12").
        sections = self.ids.get("sections", {})
        return re.sub(r'"block-(\d+)"', lambda m: f'"block-{sections.get(int(m.group(1)), m.group(1))}"', html)


_VOLATILE = (re.compile(r'name="csrf_token" type="hidden" value="[^"]*"'),
             re.compile(r'name="submission" type="hidden" value="[^"]*"'),
             re.compile(r'nonce="[^"]*"'))


def steady(html: str) -> str:
    """A page without what changes from one request to the next (form tokens)."""
    for pattern in _VOLATILE:
        html = pattern.sub("", html)
    return html


def visible_text(html: str) -> str:
    """What a person reads on a page (no markup, no links' targets), spaces collapsed."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def is_page(body: bytes) -> bool:
    """An HTML page or an XML document (a feed): text whose addresses and ids the carrier maps."""
    start = body.lstrip()[:15].lower()
    return start == b"<!doctype html>" or start.startswith(b"<?xml")


def assert_same_pages(before: dict, after: dict[str, bytes], carrier: "Carrier") -> None:
    """The same pages at the carried paths; each the same HTML (ids carried, tokens aside) or the same bytes."""
    import difflib

    expected = {carrier.path(p) for p in before}
    assert sorted(after) == sorted(expected), (sorted(set(after) - expected)[:10], sorted(expected - set(after))[:10])
    different = []
    for path, then in before.items():
        now = after[carrier.path(path)]
        if isinstance(then, bytes):
            if now != then:
                different.append(f"{path}: other bytes")
        elif steady(now.decode("utf-8")) != carrier.page(then):
            diff = difflib.unified_diff(carrier.page(then).splitlines(), steady(now.decode()).splitlines(), n=0,
                                        lineterm="")
            different.append(f"{path}:\n" + "\n".join(line[:200] for line in list(diff)[2:8]))
    assert not different, "\n".join(different[:5])


def folder_files(app, site_id: int) -> dict[str, bytes]:
    """The site's upload folder: path under it -> bytes."""
    with app.app_context():
        folder = upload_folder(site_id)
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def digest(files: dict[str, bytes]) -> list[str]:
    """The files' contents, whatever they are called: sorted SHA-256s."""
    return sorted(hashlib.sha256(data).hexdigest() for data in files.values())


def site_rows(app, site_id: int) -> dict[str, list]:
    """Every row of the site in every table with a tenant_id, as stored (for "untouched" comparisons)."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            if "tenant_id" in table.c:
                rows = db.session.execute(select(table).where(table.c.tenant_id == site_id)).all()
                tables[table.name] = sorted((tuple(map(repr, row)) for row in rows))
        tables["tenants"] = [tuple(map(repr, row)) for row in db.session.execute(
            select(Tenant.__table__).where(Tenant.id == site_id))]
        db.session.remove()
    return tables


def count_everything(app) -> dict[str, int]:
    """Rows in every table (what a refused import must leave as it was)."""
    with app.app_context():
        found = {t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
                 for t in db.metadata.sorted_tables if t.name != "registry_versions"}
        db.session.remove()
    return found


def every_file(app) -> list[str]:
    with app.app_context():
        root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def user_id(app, username: str) -> int:
    with app.app_context():
        found = db.session.execute(select(User.id).where(User.username == username)).scalar_one()
        db.session.remove()
    return found


def article_titles(app, site_id: int) -> list[str]:
    with app.app_context(), activate_tenant(site_id):
        found = sorted(db.session.execute(select(Article.title)).scalars())
        db.session.remove()
    return found


# --- archives made by hand (the import's refusals) -------------------------------------------------

#: The passphrase the tests' archives are sealed with.
PASSPHRASE = "blue moon over the old locust tree"


def export_archive(app, tmp_path, slug: str = "rsj") -> Path:
    """The site's archive, written to tmp_path/<slug>.site.zip (committed, recorded), sealed with PASSPHRASE."""
    from core.backups.archive_sites import export_site
    from tenants.provisioning import get_tenant

    path = tmp_path / f"{slug}.site.zip"
    with app.app_context():
        export_site(get_tenant(slug), path, passphrase=PASSPHRASE)
        db.session.commit()
        db.session.remove()
    return path


def rewrite_archive(source, target, *, manifest=None, member=None):
    """A copy of an archive with its manifest changed (`manifest(dict)`), or one part's bytes (`member`: name,
    function of the bytes)."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data)), ensure_ascii=False).encode("utf-8")
            if member and info.filename == member[0]:
                data = member[1](data)
            new.writestr(info.filename, data)
    return target


def refused_problems(app, archive, **options) -> dict[str, str]:
    """The problems of a refused import (in English), after checking that nothing was written. The archive's
    passphrase is PASSPHRASE unless `options` give another."""
    import pytest

    from core.backups.archive_import import ArchiveRefused, import_site

    options.setdefault("passphrase", PASSPHRASE)
    before, files = count_everything(app), every_file(app)
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        with pytest.raises(ArchiveRefused) as refused:
            import_site(archive, **options)
        db.session.rollback()
        db.session.remove()
        problems = {name: str(problem) for name, problem in refused.value.problems.items()}
    assert count_everything(app) == before and every_file(app) == files  # nothing written
    return problems
