"""Structural guarantees a newcomer cannot forget by accident."""
from __future__ import annotations

import re
from pathlib import Path

from core.extensions import db
from tenants.scoping import TenantScoped

ROOT = Path(__file__).resolve().parent.parent
#: Packages whose code may cross tenants: tenancy itself, the portal, jobs, platform and demo code.
CROSSING_ALLOWED = ("tenants/", "core/portal/", "core/platform/", "core/demo/", "jobs/")
#: Every public endpoint, and how it is guarded. A new endpoint fails this test until it is listed.
KNOWN_ENDPOINTS = {
    "public.home": "site host (portal host dispatched to the portal home)",
    "public.section": "site host",
    "public.article": "site host; tenant-scoped query",
    "public.attachment": "site host; tenant-scoped query and published article",
    "public.sitemap": "site host",
    "public.logo": "site host; only the site's own logo file",
    "i18n.switch_language": "any known host; only sets a cookie",
    "themes.theme_file": "any known host; static theme files",
    "themes.vendor_file": "any known host; only the allow-listed built editor files (themes/vendor/build)",
}


#: Tables with a tenant_id that are the platform's registry, not a site's data.
PLATFORM_TABLES_WITH_TENANT_ID = {
    "tenant_domains",  # the host registry
    "user_sessions",  # the host a login belongs to (NULL: the platform host)
}


def test_every_tenant_table_uses_the_mixin(app):
    for mapper in db.Model.registry.mappers:
        columns = {c.name for c in mapper.local_table.columns}
        if "tenant_id" in columns and mapper.local_table.name not in PLATFORM_TABLES_WITH_TENANT_ID:
            assert issubclass(mapper.class_, TenantScoped), mapper.class_


def test_every_endpoint_is_known_and_guarded(app):
    """Public endpoints are listed above; every other one is registered with the guard."""
    from core.auth.guard import RULES

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unguarded = endpoints - set(RULES)
    assert unguarded == set(KNOWN_ENDPOINTS), unguarded ^ set(KNOWN_ENDPOINTS)
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/admin", "/platform")):
            assert rule.endpoint in RULES, rule.rule


def test_crossing_tenants_happens_only_in_platform_code():
    offenders = []
    for path in ROOT.glob("**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/")):
            continue
        if re.search(r"all_tenants\s*=\s*True", path.read_text("utf-8")) and not rel.startswith(CROSSING_ALLOWED):
            offenders.append(rel)
    assert offenders == []


def test_no_raw_sql_on_tenant_tables_in_app_code():
    tenant_tables = {m.local_table.name for m in db.Model.registry.mappers if issubclass(m.class_, TenantScoped)}
    offenders = []
    for path in ROOT.glob("**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/", "core/migrations/")):
            continue
        for raw in re.findall(r"text\(\s*[\"'](.*?)[\"']", path.read_text("utf-8"), re.S):
            if any(re.search(rf"\b{t}\b", raw) for t in tenant_tables):
                offenders.append(rel)
    assert offenders == []


def test_readme_documents_every_setting():
    from core.config import SETTINGS

    readme = (ROOT / "README.md").read_text("utf-8")
    assert [key for key in SETTINGS if f"`{key}`" not in readme] == []
