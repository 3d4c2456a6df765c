"""The audit trail from the console: the platform's own, or any one site's."""
from __future__ import annotations

from core.audit.models import AuditEntry
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form


def _add_site_entries(app, site, action: str, n: int) -> None:
    with app.app_context(), activate_tenant(site.id):
        for i in range(n):
            db.session.add(AuditEntry(action=action, target=f"{site.slug}-{i}", username="someone", detail="", ip=""))
        db.session.commit()


def test_the_platforms_own_entries(app, city, admin):
    page = f"/platform/sites/{city.rsj.id}"
    post_form(admin, f"{page}/mourning", {"start": "1"}, form_path=page)
    html = admin.get("/platform/audit").get_data(as_text=True)
    assert "切换站点哀悼模式" in html and "哀悼模式：</span>开启" in html and "登录成功" in html
    assert ">site.mourning<" not in html and "&#34;on&#34;" not in html  # no code, no JSON
    filtered = admin.get("/platform/audit?action=sites").get_data(as_text=True)
    assert 'data-action="site.mourning"' in filtered and 'data-action="login.success"' not in filtered
    by_code = admin.get("/platform/audit?action=site.").get_data(as_text=True)  # an older link, by code
    assert 'data-action="site.mourning"' in by_code and 'data-action="login.success"' not in by_code


def test_one_sites_entries_and_no_other(app, city, admin):
    _add_site_entries(app, city.rsj, "article.publish", 2)
    _add_site_entries(app, city.czj, "article.delete", 2)
    html = admin.get(f"/platform/audit?site={city.rsj.id}").get_data(as_text=True)
    assert 'data-action="article.publish"' in html and "发布稿件" in html and "rsj-1" in html
    assert 'data-action="article.delete"' not in html and 'data-action="login.success"' not in html
    other = admin.get(f"/platform/audit?site={city.czj.id}&action=article.d").get_data(as_text=True)
    assert 'data-action="article.delete"' in other and 'data-action="article.publish"' not in other
    assert "稿件：其他操作" in other  # a code the platform does not name still reads as words


def test_the_pager_keeps_the_site(app, city, admin):
    _add_site_entries(app, city.rsj, "article.publish", 60)
    html = admin.get(f"/platform/audit?site={city.rsj.id}").get_data(as_text=True)
    assert f"/platform/audit?page=2&amp;site={city.rsj.id}" in html or \
        f"/platform/audit?site={city.rsj.id}&amp;page=2" in html
    second = admin.get(f"/platform/audit?site={city.rsj.id}&page=2").get_data(as_text=True)
    assert "rsj-0" in second and "rsj-59" not in second


def test_a_bad_site_or_page_is_not_found(city, admin):
    assert admin.get("/platform/audit?site=9999").status_code == 404
    assert admin.get("/platform/audit?site=abc").status_code == 404
    assert admin.get("/platform/audit?page=0").status_code == 404
