"""Bodies from old department sites: block containers become paragraphs, and the author hears what was removed."""
from __future__ import annotations

import pytest

from core.content.sanitize import blocks_to_paragraphs, clean_body, clean_html

OLD_SITE_PAGE = """<div class="TRS_Editor">
  <div style="text-indent:2em">为进一步做好高校毕业生就业工作，现将有关事项通知如下。</div>
  <div style="text-indent:2em">一、招聘对象<div>全日制普通高校毕业生。</div></div>
  <div><script>alert(1)</script>联系电话：0316-2222222</div>
</div>"""


@pytest.mark.parametrize("html, paragraphs", [
    ("<div>第一段</div><div>第二段</div>", "<p>第一段</p><p>第二段</p>"),
    ("<section>甲</section><article>乙</article><center>丙</center>", "<p>甲</p><p>乙</p><p>丙</p>"),
    ('<div class="x"><p>已有段落</p>散文</div>', "<p>已有段落</p><p>散文</p>"),
    ("<p>未闭合的段落<div>块</div>", "<p>未闭合的段落</p><p>块</p>"),
    ("<div><ul><li>条目</li></ul>之后</div>", "<ul><li>条目</li></ul><p>之后</p>"),
    ("<div><b>加粗</b> 的文字</div>", "<p><b>加粗</b> 的文字</p>"),
    ("纯文本<br>下一行<div>块</div>", "<p>纯文本<br>下一行</p><p>块</p>"),
    ("<div>&nbsp;</div><div>有字</div>", "<p>有字</p>"),
])
def test_blocks_of_an_old_site_become_paragraphs(html, paragraphs):
    assert clean_html(html) == paragraphs


def test_inside_a_list_item_or_a_cell_blocks_become_line_breaks():
    assert clean_html("<ul><li><div>一</div><div>二</div></li></ul>") == "<ul><li>一<br>二</li></ul>"
    assert clean_html("<table><tr><td><div>1</div><div>2</div></td></tr></table>") \
        == "<table><tbody><tr><td>1<br>2</td></tr></tbody></table>"


def test_headings_outside_the_outline_move_to_the_nearest_kept_level():
    assert blocks_to_paragraphs('<h1 class="t">标题</h1><h6>小标题</h6>') == "<h2>标题</h2><h4>小标题</h4>"


def test_cleaning_reports_removals_but_not_the_blocks_it_reformatted():
    body = clean_body(OLD_SITE_PAGE)
    assert body.html == ("<p>为进一步做好高校毕业生就业工作，现将有关事项通知如下。</p><p>一、招聘对象</p>"
                         "<p>全日制普通高校毕业生。</p><p>联系电话：0316-2222222</p>")
    assert body.removed == ["<script>", "class", "style"]  # the blocks themselves were reformatted, not removed


def test_text_typed_without_the_editor_keeps_its_lines():
    assert clean_body("第一行\n\n第二行 <3").html == "<p>第一行</p><p>第二行 &lt;3</p>"


def test_the_shell_import_stores_paragraphs_and_says_what_it_removed(app, two_sites, runner, tmp_path):
    from sqlalchemy import select

    from core.content.models import Article
    from core.extensions import db
    from tenants.scoping import activate_tenant

    page = tmp_path / "old.html"
    page.write_text(OLD_SITE_PAGE.replace("<div><script>", '<div onclick="x()"><script>'), "utf-8")
    result = runner.invoke(args=["articles", "create", "rsj", "--section", "news", "--title", "关于招聘的通知",
                                 "--body-file", str(page)])
    assert result.exit_code == 0, result.output
    assert "<script>, class, onclick, style" in result.output
    with app.app_context(), activate_tenant(two_sites[0].id):
        body = db.session.execute(select(Article.body_html).where(Article.title == "关于招聘的通知")).scalar_one()
    assert body.count("<p>") == 4 and "一、招聘对象</p><p>全日制" in body


def test_the_shell_names_the_encoding_of_a_file_it_cannot_read(app, two_sites, runner, tmp_path):
    page = tmp_path / "gbk.html"
    page.write_bytes("<div>通知正文</div>".encode("gb18030"))
    refused = runner.invoke(args=["articles", "create", "rsj", "--section", "news", "--title", "通知",
                                  "--body-file", str(page)])
    assert refused.exit_code != 0 and "gb18030" in refused.output
    done = runner.invoke(args=["articles", "create", "rsj", "--section", "news", "--title", "通知",
                               "--body-file", str(page), "--encoding", "gb18030"])
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("summary, body, repeats", [
    ("3月5日，市人社局召开全体干部大会。", "<p>3月5日，市人社局召开全体干部大会。会议传达了……</p>", True),
    ("3月5日，市人社局召开全体干部大会，部署全年…", "<p>3月5日，市人社局召开全体干部大会，部署全年工作。</p>", True),
    ("会议部署了全年工作。", "<p>3月5日，市人社局召开全体干部大会。</p><p>会议部署了全年工作。</p>", False),
    ("A &amp; B", "<p>A &amp; B met.</p>", False),
    ("A & B", "<p>A &amp; B met.</p>", True),
    # The body opens with its title, or a title and a subtitle, set as headings: the paragraph after them counts.
    ("3月5日，市人社局召开全体干部大会。", "<h2>全体干部大会召开</h2><p>3月5日，市人社局召开全体干部大会。会议……</p>", True),
    ("3月5日，市人社局召开全体干部大会。", "<h2>大会召开</h2><h3>部署全年工作</h3><p>3月5日，市人社局召开全体干部大会。</p>",
     True),
    # Its first paragraph, after a picture or a table.
    ("会议传达了全市工作会议精神。", "<p><img src=\"/a.png\" alt=\"会场\"></p><p>会议传达了全市工作会议精神。</p>", True),
    ("会议传达了全市工作会议精神。", "<table><tr><td>议程</td></tr></table><p>会议传达了全市工作会议精神。</p>", True),
    # Spacing does not count, nor an ellipsis typed as three dots.
    ("3月5日， 市人社局召开 全体干部大会。", "<p>3月5日，市人社局召开全体干部大会。</p>", True),
    ("The bureau met on 5 March...", "<p>The bureau met on 5 March to plan the year.</p>", True),
    # Words further down are not the opening: the summary is shown.
    ("会议部署了全年工作。", "<h2>全体干部大会召开</h2><p>3月5日召开。</p><p>会议部署了全年工作。</p>", False),
    ("全体干部大会召开", "<h2>大会</h2><p>3月5日，全体干部大会召开。</p>", False),
])
def test_a_summary_that_opens_the_body_is_recognised(summary, body, repeats):
    from core.content.sanitize import summary_opens_body

    assert summary_opens_body(summary, body) is repeats


def test_an_article_page_does_not_say_its_first_sentence_twice(two_sites, client_for, create_article_in):
    lead = "3月5日，市人社局召开全体干部大会。"
    same = create_article_in(two_sites[0], "news", "全体干部大会召开", summary=lead,
                             body_html=f"<p>{lead}会议传达了全市工作会议精神。</p>")
    other = create_article_in(two_sites[0], "news", "工作部署", summary="部署全年重点工作。",
                              body_html=f"<p>{lead}</p>")
    client = client_for("rsj.localhost")
    page = client.get(f"/articles/{same}").get_data(as_text=True)
    assert page.split("</head>")[1].count(lead) == 1 and f'<meta name="description" content="{lead}">' in page
    assert 'class="summary"' in client.get(f"/articles/{other}").get_data(as_text=True)
    headed = create_article_in(two_sites[0], "news", "全体干部大会", summary=lead,
                               body_html=f"<h2>全体干部大会召开</h2><p>{lead}会议传达了全市工作会议精神。</p>")
    page = client.get(f"/articles/{headed}").get_data(as_text=True)
    assert page.split("</head>")[1].count(lead) == 1 and 'class="summary"' not in page
