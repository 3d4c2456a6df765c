"""Input of the kinds users and attackers send: numbers from URLs, redirect targets, search wildcards, list starts."""
from __future__ import annotations

import pytest

from core.content.sanitize import clean_html
from core.i18n import safe_next


@pytest.mark.parametrize("path", [
    "/articles/9999999999999999999999999",  # beyond any integer column
    "/articles/3000000000",  # beyond PostgreSQL's INTEGER
    "/articles/²",  # a superscript two is a digit to str.isdigit, not to us
    "/articles/٣",  # an Arabic-Indic three
    "/sections/news/?page=%C2%B2",
    "/sections/news/?page=0",
    "/sections/news/?page=-1",
    "/sections/news/?page=99999999999",
    "/sections/news/?page=",
])
def test_numbers_that_are_not_plain_ids_are_not_found(two_sites, client_for, path):
    assert client_for("rsj.localhost").get(path).status_code == 404


@pytest.mark.parametrize("target", ["/%0D%0ASet-Cookie:x=1", "/\r\nSet-Cookie: x=1", "/\x00", "//evil.example/",
                                    "https://evil.example/", "/\\evil.example", "/" + "a" * 3000])
def test_a_redirect_target_that_a_header_cannot_carry_falls_back_home(client_for, two_sites, target):
    from urllib.parse import unquote

    assert safe_next(unquote(target)) == "/"
    response = client_for("rsj.localhost").get("/lang/en", query_string={"next": unquote(target)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_plain_local_target_is_kept():
    assert safe_next("/sections/news/?page=2") == "/sections/news/?page=2"


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_admin_search_takes_wildcards_literally(app, two_sites, create_article_in, signed_in, wildcard):
    rsj = two_sites[0]
    create_article_in(rsj, "news", "关于开展人才招聘的通知")
    client, _ = signed_in("rsj.localhost", "li.editor", site=rsj, roles=["editor"])
    html = client.get("/admin/articles/", query_string={"q": wildcard}).get_data(as_text=True)
    assert "关于开展人才招聘的通知" not in html
    html = client.get("/admin/articles/", query_string={"q": "人才"}).get_data(as_text=True)
    assert "关于开展人才招聘的通知" in html


def test_a_numbered_list_keeps_where_it_starts():
    assert clean_html('<ol start="4"><li>四</li></ol>') == '<ol start="4"><li>四</li></ol>'
