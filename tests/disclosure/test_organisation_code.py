"""The site's organisation code (统一社会信用代码): checked against GB 32100's check character in the settings."""
from __future__ import annotations

from core.content.models import Article
from core.demo.disclosure import organisation_code
from core.extensions import db
from core.sites.codes import is_credit_code
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token

SETTINGS = {"sponsor_zh": "廊坊市人事局", "sponsor_en": "Langfang Personnel Bureau", "accent": "red",
            "banner": "skyline"}


def _post(client, code: str):
    page = client.get("/admin/settings").get_data(as_text=True)
    return client.post("/admin/settings", data={**SETTINGS, "organisation_code": code, "csrf_token": csrf_token(page)})


def test_a_code_whose_check_character_does_not_match_is_refused_under_its_field(app, two_sites, signed_in):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "rsj.admin", site=rsj, roles=["site_admin"])
    good = organisation_code("rsj")
    wrong = good[:-1] + next(c for c in "0123456789ABC" if c != good[-1])
    for bad in (wrong, good[:-1], "11131000000000000Ｘ", good[:-1] + "I"):
        response = _post(client, bad)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'id="organisation_code-errors"' in html, bad
        assert "GB 32100" in html
    assert _post(client, good.lower()).status_code == 302  # typed in small letters: the same code
    with app.app_context():
        assert db.session.get(Tenant, rsj.id).organisation_code == good


def test_the_demo_codes_are_valid_and_distinct():
    codes = {organisation_code(slug) for slug in ("rsj", "czj", "jtj", "gaj", "mzj")}
    assert len(codes) == 5 and all(is_credit_code(c) and c.startswith("11131000") for c in codes)


def test_a_code_another_site_has_is_refused_with_that_site_s_name(app, two_sites, signed_in):
    rsj, czj, _ = two_sites
    with app.app_context():
        db.session.get(Tenant, czj.id).organisation_code = organisation_code("czj")
        db.session.commit()
    client, _ = signed_in("rsj.localhost", "rsj.admin", site=rsj, roles=["site_admin"])
    response = _post(client, organisation_code("czj").lower())
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="organisation_code-errors"' in html and "廊坊市财政局" in html
    with app.app_context():
        assert not db.session.get(Tenant, rsj.id).organisation_code


def test_a_site_without_a_code_numbers_with_a_prefix_no_code_looks_like_and_is_warned(app, two_sites, lists,
                                                                                        publish_filed, signed_in):
    rsj = two_sites[0]
    with app.app_context():
        tenant = db.session.get(Tenant, rsj.id)
        tenant.organisation_code, tenant.site_code = "", "1310000001"
        db.session.commit()
    article_id = publish_filed(rsj, "未设代码时发布的信息")
    with app.app_context(), activate_tenant(rsj.id):
        number = db.session.get(Article, article_id).index_number
    assert number.startswith("rsj-/") and not is_credit_code(number.split("/")[0])
    client, _ = signed_in("rsj.localhost", "rsj.admin", site=rsj, roles=["site_admin"])
    assert "rsj-" in client.get("/admin/disclosure/").get_data(as_text=True)
    assert _post(client, organisation_code("rsj")).status_code == 302
    html = client.get("/admin/disclosure/").get_data(as_text=True)
    assert "1 items were numbered before" in html or "1 条信息在本站" in html  # still warned: the numbers stay
