"""Error pages: on a staff page (a site's /admin/, the console) every error is drawn in the admin layout, with a way
back into the admin; on a public page, in the site's own layout, with the way home."""
from __future__ import annotations

import io

import pytest

from core import create_app
from core.extensions import db, limiter
from tests.fixtures.accounts import csrf_token, post_form

ADMIN_LAYOUT = 'class="admin-header"'
CONSOLE = "admin.localhost"
#: Where "back into the admin" leads on each kind of host.
ADMIN_HOME = {"rsj.localhost": 'href="/admin/"', CONSOLE: 'href="/platform/"'}


def _in_the_admin(response, status: int, host: str, words: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert ADMIN_LAYOUT in html, html[:600]
    assert words in html
    assert "返回管理首页" in html and ADMIN_HOME[host] in html  # the way back into the admin
    assert "返回首页" not in html and 'href="/">' not in html  # never the public home


@pytest.fixture
def site_admin(city, signed_in):
    client, _ = signed_in("rsj.localhost", "li.admin", site=city.rsj, roles=["site_admin"])
    return client


@pytest.fixture
def clients(site_admin, admin):
    return {"rsj.localhost": site_admin, CONSOLE: admin}


# --- 400 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("host, path", [("rsj.localhost", "/admin/settings"), (CONSOLE, "/platform/mourning")])
def test_an_expired_form_is_told_in_the_admin(clients, host, path):
    response = clients[host].post(path, data={"csrf_token": "expired"})
    _in_the_admin(response, 400, host, "表单已过期")


@pytest.mark.parametrize("host, path", [("rsj.localhost", "/admin/users?q=%01"), (CONSOLE, "/platform/users?q=%01")])
def test_an_unreadable_address_is_told_in_the_admin(clients, host, path):
    _in_the_admin(clients[host].get(path), 400, host, "无法识别此网址")


def test_a_request_a_page_cannot_use_is_told_in_the_admin(city, admin):
    page = admin.get(f"/platform/sites/{city.rsj.id}").get_data(as_text=True)
    # The mourning form with neither button pressed: a bad request, not a change.
    response = admin.post(f"/platform/sites/{city.rsj.id}/mourning", data={"csrf_token": csrf_token(page)})
    _in_the_admin(response, 400, CONSOLE, "无法处理此请求")
    assert "Bad Request" not in response.get_data(as_text=True)


# --- 403, 404 -------------------------------------------------------------------------------------

def test_a_refusal_is_told_in_the_admin(city, signed_in, evaluator):
    editor, _ = signed_in("rsj.localhost", "wang.collector", site=city.rsj, roles=["collector"])
    _in_the_admin(editor.get("/admin/users/new"), 403, "rsj.localhost", "无权访问")
    token = csrf_token(evaluator.get("/platform/mourning").get_data(as_text=True))
    _in_the_admin(evaluator.post("/platform/mourning", data={"csrf_token": token, "start": "y"}), 403, CONSOLE,
                  "无权访问")


@pytest.mark.parametrize("host, path", [("rsj.localhost", "/admin/users/987654"), ("rsj.localhost", "/admin/nosuch"),
                                        (CONSOLE, "/platform/sites/987654"), (CONSOLE, "/platform/nosuch")])
def test_a_missing_page_is_told_in_the_admin(clients, host, path):
    _in_the_admin(clients[host].get(path), 404, host, "页面不存在")


def test_a_missing_admin_page_is_told_in_the_admin_to_a_visitor_not_signed_in(city, client_for):
    _in_the_admin(client_for("rsj.localhost").get("/admin/nosuch"), 404, "rsj.localhost", "页面不存在")
    _in_the_admin(client_for(CONSOLE).get("/platform/nosuch"), 404, CONSOLE, "页面不存在")


def test_a_missing_public_page_keeps_the_sites_layout_and_its_way_home(city, client_for):
    response = client_for("rsj.localhost").get("/nosuch")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and ADMIN_LAYOUT not in html and "返回首页" in html


# --- 413 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("host, path", [("rsj.localhost", "/admin/settings"), (CONSOLE, "/platform/sites/new")])
def test_a_file_too_large_is_told_in_the_admin(app, clients, monkeypatch, host, path):
    client = clients[host]
    token = csrf_token(client.get(path).get_data(as_text=True))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = client.post(path, data={"csrf_token": token, "logo": (io.BytesIO(b"x" * 10000), "logo.png")},
                           content_type="multipart/form-data")
    _in_the_admin(response, 413, host, "上传的文件过大")


# --- 429 ------------------------------------------------------------------------------------------

def test_too_many_sign_ins_are_told_in_the_admin(app, city):
    # Flask-Limiter keeps its switch and storage on the one extension object: a second app turns it on here.
    limited = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER",
                                                          "ARGON2_TIME_COST", "ARGON2_MEMORY_KIB",
                                                          "ARGON2_PARALLELISM")},
                          "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                          "LOGIN_RATE_LIMIT": "1 per minute"})
    try:
        for host in ("rsj.localhost", CONSOLE):
            client = limited.test_client()
            answers = []
            for _ in range(2):
                page = client.get("/admin/login", base_url=f"http://{host}")
                answers.append(client.post("/admin/login", base_url=f"http://{host}",
                                           data={"username": "nobody.here", "password": "Not-The-One-1",
                                                 "csrf_token": csrf_token(page.get_data(as_text=True))}))
            assert answers[0].status_code == 200
            _in_the_admin(answers[1], 429, host, "尝试次数过多")
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


# --- 500 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("host, endpoint, path", [("rsj.localhost", "admin.home", "/admin/"),
                                                  (CONSOLE, "sites.platform_index", "/platform/")])
def test_a_failure_is_told_in_the_admin(app, clients, monkeypatch, host, endpoint, path):
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answered as in production, not raised
    monkeypatch.setitem(app.view_functions, endpoint, broken)
    _in_the_admin(clients[host].get(path), 500, host, "系统出错了")


def test_every_admin_error_page_is_in_english_too(clients):
    client = clients["rsj.localhost"]
    client.set_language("en")
    html = client.post("/admin/settings", data={"csrf_token": "expired"}).get_data(as_text=True)
    assert "This form has expired" in html and "Back to the administration home" in html
    assert "Page not found" in client.get("/admin/nosuch").get_data(as_text=True)


# --- 503: the database cannot be reached ---------------------------------------------------------------------------

def _database_gone(*_args, **_kwargs):
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection unexpectedly"))


@pytest.mark.parametrize("host, endpoint, path", [("rsj.localhost", "admin.home", "/admin/"),
                                                  (CONSOLE, "sites.platform_index", "/platform/")])
def test_a_database_outage_is_told_in_the_admin_as_unsaved_and_worth_trying_again(app, clients, monkeypatch, host,
                                                                                 endpoint, path):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, endpoint, _database_gone)
    response = clients[host].get(path)
    _in_the_admin(response, 503, host, "上一步可能没有保存")
    assert response.headers["Retry-After"] == "30"


def test_a_database_outage_on_a_public_page_or_the_api_is_a_503_to_come_back_to(app, city, client_for, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "public.home", _database_gone)
    monkeypatch.setitem(app.view_functions, "api.articles_list", _database_gone)
    client = client_for("rsj.localhost")
    page = client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "网站暂时无法访问" in page.get_data(as_text=True) and "没有收到回执" in page.get_data(as_text=True)
    assert "private" in page.headers["Cache-Control"]  # no shared cache keeps the outage
    answer = client.get("/api/v1/articles")
    assert answer.status_code == 503 and answer.is_json and answer.get_json()["code"] == 503
    assert answer.headers["Retry-After"] == "30"


def test_a_database_outage_before_the_host_is_known_is_still_a_503(app, city, client_for, monkeypatch):
    """The outage met while the host map itself is read (a worker's first request after a restart): the page
    cannot be themed, and says so plainly, still a 503 to come back to."""
    from tenants import registry as registry_module

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(registry_module, "read_version", _database_gone)
    app.extensions["govsites.hosts"].invalidate()
    for path in ("/", "/api/v1/articles"):
        answer = client_for("rsj.localhost").get(path)
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
        assert "网站暂时无法访问" in answer.get_data(as_text=True)


@pytest.mark.parametrize("cause", ["no such column: articles.nope", "deadlock"])
def test_a_statement_of_ours_that_fails_is_a_500_not_an_outage(app, city, client_for, monkeypatch, cause):
    """A missing column (SQLite) or a deadlock (PostgreSQL) is no outage to wait out: the 500 page, logged."""
    import sqlite3

    import psycopg.errors
    from sqlalchemy.exc import OperationalError

    from core.errors import unreachable

    orig = sqlite3.OperationalError(cause) if cause.startswith("no such") else psycopg.errors.DeadlockDetected(cause)

    def broken(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, orig)

    assert not unreachable(OperationalError("SELECT 1", {}, orig))
    assert unreachable(OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked")))
    assert unreachable(OperationalError("SELECT 1", {}, psycopg.errors.AdminShutdown("terminating connection")))
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "public.home", broken)
    page = client_for("rsj.localhost").get("/")
    assert page.status_code == 500 and "Retry-After" not in page.headers


def test_an_outage_page_that_cannot_be_drawn_still_says_when_to_come_back(app, city, client_for, monkeypatch):
    import themes

    def no_theme(*_args, **_kwargs):
        raise RuntimeError("the layout reads the database too")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "public.home", _database_gone)
    monkeypatch.setattr(themes, "render_page", no_theme)
    page = client_for("rsj.localhost").get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "网站暂时无法访问" in page.get_data(as_text=True)
