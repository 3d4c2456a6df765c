"""An item list's links (core.content.links.article_url) are the addresses url_for gives, built once a request."""
from __future__ import annotations

import pytest
from flask import url_for

from core.content.links import article_url


@pytest.mark.parametrize("script_root", ["", "/gov"])
def test_a_lists_links_are_url_fors_under_any_path_prefix(app, two_sites, script_root):
    with app.test_request_context("/", base_url=f"http://rsj.localhost{script_root}/"):
        for article_id in (1, 7, 42, 123456):
            assert article_url(article_id) == url_for("content.article", article_id=article_id)
        assert article_url(42) == f"{script_root}/articles/42"


def test_the_lists_link_each_item_to_its_own_page(two_sites, client_for):
    _rsj, _czj, articles = two_sites
    client = client_for("rsj.localhost")
    news, notice = articles["rsj"]
    assert f'<a href="/articles/{news}">' in client.get("/sections/news/").get_data(as_text=True)
    assert f'<a href="/articles/{notice}">' in client.get("/sections/notices/").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert f'<a href="/articles/{news}">' in home and f'<a href="/articles/{notice}">' in home


def test_outside_a_request_it_is_url_fors_own_answer(app, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", "rsj.localhost")
    with app.app_context():
        assert article_url(5) == url_for("content.article", article_id=5)


def test_only_an_int_is_an_article_id(app):
    with app.test_request_context("/", base_url="http://rsj.localhost/"), pytest.raises(TypeError):
        article_url("5")
