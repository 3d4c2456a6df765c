"""Policy interpretation (政策解读): an item linked to the policy it explains; both pages show it; the bureau sees
which municipal policies lack one."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.content.models import Article
from core.disclosure.interpretations import InterpretationError, link_interpretation
from core.disclosure.models import PolicyInterpretation
from core.extensions import db
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token
from tests.fixtures.console import site_actions


@pytest.fixture
def policy_and_reading(two_sites, lists, publish_filed, create_article_in):
    rsj = two_sites[0]
    policy = publish_filed(rsj, "廊坊市就业补贴管理办法", section="policies", policy_level="municipal",
                           document_number="廊政〔2026〕8号")
    reading = create_article_in(rsj, "news", "图解：就业补贴怎么领")
    return policy, reading


def test_an_editor_links_them_and_both_public_pages_show_it(app, two_sites, policy_and_reading, signed_in,
                                                              client_for):
    rsj = two_sites[0]
    policy, reading = policy_and_reading
    client, _ = signed_in("rsj.localhost", "rsj.editor", site=rsj, roles=["editor"])
    page = client.get("/admin/disclosure/interpretations").get_data(as_text=True)
    assert "廊坊市就业补贴管理办法" in page
    response = client.post("/admin/disclosure/interpretations", data={
        "interpretation_id": str(reading), "policy_id": str(policy), "kind": "graphic", "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert site_actions(app, rsj.id)[-1] == "interpretation.link"
    public = client_for("rsj.localhost")
    policy_page = public.get(f"/articles/{policy}").get_data(as_text=True)
    links = re.search(r'<section class="disc-links".*?</section>', policy_page, re.S).group(0)
    assert "政策解读" in links and "图解" in links and f'href="/articles/{reading}"' in links
    reading_page = public.get(f"/articles/{reading}").get_data(as_text=True)
    links = re.search(r'<section class="disc-links".*?</section>', reading_page, re.S).group(0)
    assert "解读的政策" in links and f'href="/articles/{policy}"' in links and "廊政〔2026〕8号" in links
    # Linked twice: refused under the field.
    again = client.post("/admin/disclosure/interpretations", data={
        "interpretation_id": str(reading), "policy_id": str(policy), "kind": "text",
        "csrf_token": csrf_token(client.get("/admin/disclosure/interpretations").get_data(as_text=True))})
    assert again.status_code == 200 and 'id="policy_id-errors"' in again.get_data(as_text=True)
    # Removed: neither page shows it.
    with app.app_context(), activate_tenant(rsj.id):
        link_id = db.session.execute(select(PolicyInterpretation.id)).scalar_one()
    page = client.get("/admin/disclosure/interpretations").get_data(as_text=True)
    assert client.post(f"/admin/disclosure/interpretations/{link_id}/delete",
                       data={"csrf_token": csrf_token(page)}).status_code == 302
    assert "disc-links" not in public.get(f"/articles/{policy}").get_data(as_text=True)


def test_an_unpublished_interpretation_is_not_shown_and_does_not_count(app, two_sites, policy_and_reading,
                                                                       client_for, city, admin):
    rsj = two_sites[0]
    policy, reading = policy_and_reading
    with app.app_context(), activate_tenant(rsj.id):
        link_interpretation(db.session.get(Article, reading), db.session.get(Article, policy), kind="text")
        db.session.get(Article, reading).status = "withdrawn"
        db.session.commit()
    assert "disc-links" not in client_for("rsj.localhost").get(f"/articles/{policy}").get_data(as_text=True)
    html = admin.get("/platform/disclosure/interpretations").get_data(as_text=True)
    row = re.search(r'<tr>\s*<th scope="row"><a href="http://rsj.localhost/admin/disclosure/">廊坊市人事局</a></th>'
                    r'(.*?)</tr>', html, re.S).group(1)
    assert "<td>1</td>" in row and "廊坊市就业补贴管理办法" in row
    assert "廊坊市财政局" not in html  # no municipal policy there


def test_only_a_policy_is_interpreted_and_only_on_its_own_site(app, two_sites, policy_and_reading,
                                                               create_article_in, signed_in):
    rsj, czj, _ = two_sites
    policy, reading = policy_and_reading
    other_news = create_article_in(rsj, "news", "又一条新闻")
    with app.app_context(), activate_tenant(rsj.id):
        with pytest.raises(InterpretationError) as refused:
            link_interpretation(db.session.get(Article, reading), db.session.get(Article, other_news), kind="text")
        assert set(refused.value.problems) == {"policy_id"}
        with pytest.raises(InterpretationError) as refused:
            link_interpretation(db.session.get(Article, reading), db.session.get(Article, policy), kind="poster")
        assert set(refused.value.problems) == {"kind"}
        db.session.rollback()
    client, _ = signed_in("czj.localhost", "czj.editor", site=czj, roles=["editor"])
    page = client.get("/admin/disclosure/interpretations").get_data(as_text=True)
    assert "廊坊市就业补贴管理办法" not in page  # another site's policy is not offered
    response = client.post("/admin/disclosure/interpretations", data={
        "interpretation_id": str(reading), "policy_id": str(policy), "kind": "text", "csrf_token": csrf_token(page)})
    assert response.status_code == 200 and 'id="policy_id-errors"' in response.get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(PolicyInterpretation.id)).first() is None


def test_the_site_page_lists_its_municipal_policies_without_one(app, two_sites, policy_and_reading, signed_in):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "rsj.admin", site=rsj, roles=["site_admin"])
    html = client.get("/admin/disclosure/").get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="lacking-title">.*?</section>', html, re.S).group(0)
    assert "廊坊市就业补贴管理办法" in section


def test_an_interpretation_scheduled_for_later_does_not_count_yet(app, two_sites, policy_and_reading):
    from datetime import timedelta

    from core.disclosure.queries_catalogue import policies_lacking_interpretation
    from core.timeutil import now

    rsj = two_sites[0]
    policy, reading = policy_and_reading
    with app.app_context(), activate_tenant(rsj.id):
        link_interpretation(db.session.get(Article, reading), db.session.get(Article, policy), kind="text")
        item = db.session.get(Article, reading)
        item.status, item.published_at, item.publish_at = "scheduled", None, now() + timedelta(days=3)
        db.session.commit()
        assert [a.id for a in policies_lacking_interpretation()] == [policy]
        item.publish_at = now() - timedelta(minutes=1)  # its time has come: the public sees it
        db.session.commit()
        assert policies_lacking_interpretation() == []


def test_the_link_form_reaches_any_policy_by_search(app, two_sites, lists, publish_filed, policy_and_reading,
                                                    signed_in, monkeypatch):
    import core.disclosure.views_column as views_column

    rsj = two_sites[0]
    policy, reading = policy_and_reading
    publish_filed(rsj, "较新的政策", section="policies", policy_level="municipal")
    monkeypatch.setattr(views_column, "CHOICES", 1)  # only the newest is offered without a search
    client, _ = signed_in("rsj.localhost", "rsj.editor", site=rsj, roles=["editor"])
    page = client.get("/admin/disclosure/interpretations").get_data(as_text=True)
    policies = page[page.index('id="policy_id"'):]
    policies = policies[:policies.index("</select>")]
    assert "廊坊市就业补贴管理办法" not in policies
    found = client.get("/admin/disclosure/interpretations?find_policy=廊政〔2026〕8号").get_data(as_text=True)
    policies = found[found.index('id="policy_id"'):]
    assert "廊坊市就业补贴管理办法" in policies[:policies.index("</select>")]
    response = client.post("/admin/disclosure/interpretations?find_policy=廊政〔2026〕8号", data={
        "interpretation_id": str(reading), "policy_id": str(policy), "kind": "text", "csrf_token": csrf_token(found)})
    assert response.status_code == 302
