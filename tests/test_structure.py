"""Structural guarantees a newcomer cannot forget by accident (as CKAN's test_coding_standards does)."""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

from core import MODULES
from core.extensions import db
from core.web.cache import PublicContent
from tenants.scoping import CROSSINGS, TenantScoped

ROOT = Path(__file__).resolve().parent.parent
APP_PACKAGES = ("core", "tenants", "themes", "jobs")

#: Tables with a tenant_id that are the platform's registry, not a site's data.
PLATFORM_TABLES_WITH_TENANT_ID = {
    "tenant_domains",  # the host registry
    "user_sessions",  # the host a login belongs to (NULL: the platform host)
    "site_content_versions",  # each site's content version, which every worker reads for its page cache
}
#: What public pages may read besides PublicContent: the host registry, and the content versions of the page cache.
PAGE_REGISTRY_TABLES = {"tenants", "tenant_domains", "site_groups", "platform_settings", "registry_versions",
                        "site_content_versions"}
#: The only places that enter a tenant for a whole request (not a `with` block): the host resolution.
ENTER_TENANT_ALLOWED = {"tenants/hosts.py", "tenants/scoping.py"}


def app_sources():
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or "/node_modules/" in rel:
                continue
            yield rel, path.read_text("utf-8")


def test_every_tenant_table_uses_the_mixin(app):
    for mapper in db.Model.registry.mappers:
        columns = {c.name for c in mapper.local_table.columns}
        if "tenant_id" in columns and mapper.local_table.name not in PLATFORM_TABLES_WITH_TENANT_ID:
            assert issubclass(mapper.class_, TenantScoped), mapper.class_


def test_every_endpoint_has_a_rule(app):
    """Every route was registered with core.web.route: its hosts and its permission are declared."""
    from core.web.routes import RULES

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(RULES) == set()


#: The forms anyone may post: the sign-in, and the public's online applications (each rate-limited, CSRF-checked).
PUBLIC_FORMS = ("auth.login", "auth.verify", "services_applications.apply", "services_applications.track",
                "interaction_consultations.public_detail",
                "disclosure_applications.apply", "disclosure_applications.track",
                "disclosure_applications.send_clarification",
                "services_applications.resubmit_application", "services_applications.feedback",
                "interaction_letters.write", "interaction_letters.query", "interaction_letters.query_info",
                "interaction_letters.query_rating")


def test_open_routes_are_only_public_pages_and_the_sign_in(app):
    """A route open to anyone (permission None) is a GET page, or one of the sign-in pages."""
    from core.web.routes import RULES

    for rule in app.url_map.iter_rules():
        declared = RULES[rule.endpoint]
        if declared.permission is None:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"} or rule.endpoint in PUBLIC_FORMS, rule.endpoint
            assert not rule.rule.startswith("/platform"), rule.endpoint


def _crossing_calls(tree: ast.AST):
    """(function node or None, line, what) for every tenant crossing in a module."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in ("activate_tenant", "enter_tenant"):
                what = name
            for keyword in node.keywords:
                # Anything but a literal False counts: a variable may be True at run time.
                if keyword.arg == "all_tenants" and not (isinstance(keyword.value, ast.Constant)
                                                         and keyword.value.value is False):
                    what = "all_tenants"
        if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "all_tenants"
                                              for k in node.keys):
            what = "all_tenants (in a dict of options)"
        if what:
            owner = parents.get(node)
            while owner is not None and not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                owner = parents.get(owner)
            # A nested helper counts as its enclosing declared function.
            outer = owner
            while outer is not None:
                if _declares_crossing(outer):
                    owner = outer
                    break
                outer = parents.get(outer)
            yield owner, node.lineno, what


def _declares_crossing(node) -> bool:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if getattr(target, "id", getattr(target, "attr", "")) == "crosses_tenants":
            return True
    return False


def test_crossing_tenants_is_declared_where_it_happens():
    """activate_tenant, enter_tenant and all_tenants=True only inside a function marked @crosses_tenants."""
    offenders = []
    for rel, text in app_sources():
        if rel == "tenants/scoping.py":
            continue
        for owner, line, what in _crossing_calls(ast.parse(text)):
            if owner is None or not _declares_crossing(owner):
                offenders.append(f"{rel}:{line} {what}")
            if what == "enter_tenant" and rel not in ENTER_TENANT_ALLOWED:
                offenders.append(f"{rel}:{line} enter_tenant outside the host resolution")
    assert offenders == []


def test_every_declared_crossing_says_why(app):
    assert CROSSINGS, "the declarations load with the modules"
    assert all(len(why) > 20 for why in CROSSINGS.values()), CROSSINGS


#: The only functions of the interaction module that cross sites: forwarding a letter (it writes the copy inside
#: the receiving site), the writer's query following a forwarded letter (it reads the copies, nothing else), and
#: the bureau's figures: the city's statistics and the letters in trouble on every site (counts only, read only).
INTERACTION_CROSSINGS = {"core.interaction.letters.forward_letter", "core.interaction.queries_letters.follow_forwarded",
                         "core.interaction.stats.city_report", "core.interaction.stats.city_alerts",
                         # the city's calendar changed: every site's open letters' due dates are counted again
                         "core.interaction.queries_letters.open_deadlines"}


def test_letters_cross_sites_only_to_forward_to_follow_for_the_bureaus_figures_and_the_calendar(app):
    assert {name for name in CROSSINGS if name.startswith("core.interaction.")} == INTERACTION_CROSSINGS


def _decorator_names(node: ast.FunctionDef) -> set[str]:
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


def operation_files() -> dict[str, str]:
    """Every file of a module (MODULES) that defines an @audited function, by dotted name: its operations.py and
    the other files that hold operations (core/interaction/letters.py, core/services/guides.py, …)."""
    found = {}
    for name in MODULES:
        package = ROOT / name.replace(".", "/")
        for path in sorted(package.rglob("*.py")) if package.is_dir() else ():
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            tree = ast.parse(path.read_text("utf-8"))
            if any(isinstance(node, ast.FunctionDef) and "audited" in _decorator_names(node) for node in tree.body):
                found[rel[:-3].replace("/", ".")] = rel
    return found


def test_every_operation_is_audited():
    """Every public function of a file holding operations is @audited (if it writes, it records) or declared
    @read_only (it writes nothing, held at run time): whatever the file is called."""
    files = operation_files()
    # The selection finds the operations kept outside operations.py (a test that looks nowhere passes).
    assert {"core.interaction.letters", "core.interaction.consultations", "core.services.applications",
            "core.services.guides", "core.services.catalogue", "core.services.guide_fields",
            "core.disclosure.applications", "core.evaluation.yearly", "core.sections.operations"} <= set(files)
    missing = []
    for dotted in files:
        module = importlib.import_module(dotted)
        for attr, fn in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if not (getattr(fn, "__audited__", False) or getattr(fn, "__read_only__", False)):
                missing.append(f"{module.__name__}.{attr}")
    assert missing == []


def _imports_the_audit_log(text: str) -> bool:
    return any(isinstance(node, ast.ImportFrom) and node.module == "core.audit.log"
               and any(alias.name == "record" for alias in node.names) for node in ast.walk(ast.parse(text)))


def test_views_answer_through_operations_not_the_audit_log():
    """Views, CLIs and jobs never write audit entries themselves: the operation they call does. Only the audit log
    and the files holding operations use `record`."""
    allowed = set(operation_files().values()) | {"core/audit/log.py"}
    offenders = [rel for rel, text in app_sources()
                 if rel not in allowed and (re.search(r"\brecord\(", text) or _imports_the_audit_log(text))]
    assert offenders == []


def test_models_that_public_pages_read_are_marked(app, two_sites, create_article_in, client_for, count_queries):
    """Render the public pages and the portal; every table they read is PublicContent or the host registry."""
    rsj = two_sites[0]
    article_id = create_article_in(rsj, "news", "一条新闻")
    registry_tables = PAGE_REGISTRY_TABLES
    marked = {m.local_table.name for m in db.Model.registry.mappers if issubclass(m.class_, PublicContent)}
    read: set[str] = set()
    tables = {m.local_table.name for m in db.Model.registry.mappers} | registry_tables
    for host, path in (("rsj.localhost", "/"), ("rsj.localhost", "/sections/news/"),
                       ("rsj.localhost", "/sections/policies/"), ("rsj.localhost", "/sections/forms/"),
                       ("rsj.localhost", f"/articles/{article_id}"), ("rsj.localhost", "/sitemap"),
                       ("localhost", "/")):
        with count_queries() as counter:
            assert client_for(host).get(path).status_code == 200, path
        for statement in counter.statements:
            read |= {t for t in tables if re.search(rf'\b(FROM|JOIN)\s+"?{t}"?\b', statement)}
    assert read - marked - registry_tables == set()


def test_every_module_is_one_package_with_an_init_app():
    for name in MODULES:
        module = importlib.import_module(name)
        assert callable(getattr(module, "init_app", None)), name


def test_no_raw_sql_on_tenant_tables_in_app_code():
    tenant_tables = {m.local_table.name for m in db.Model.registry.mappers if issubclass(m.class_, TenantScoped)}
    offenders = []
    for rel, text in app_sources():
        for raw in re.findall(r"text\(\s*[\"'](.*?)[\"']", text, re.S):
            if any(re.search(rf"\b{t}\b", raw) for t in tenant_tables):
                offenders.append(rel)
    assert offenders == []


def test_readme_documents_every_setting():
    from core.config import SETTINGS

    readme = (ROOT / "README.md").read_text("utf-8")
    assert [key for key in SETTINGS if f"`{key}`" not in readme] == []
