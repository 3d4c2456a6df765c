"""The revision compare, as an editor reads it: the form's names, the body as text, what changed marked
within the line (character by character in Chinese), the files added and removed, everything escaped."""
from __future__ import annotations

import io
import re

from core.publishing.compare import body_lines, compare, inline_diff
from tests.fixtures.accounts import csrf_token

from tests.publishing.test_pages import new_article, shown


def test_the_body_is_read_as_text_one_paragraph_a_line():
    html = ('<h2>一、招聘范围</h2><p>面向<strong>全市</strong>招聘。<br>第二行。</p><ul><li><p>本科</p></li></ul>'
            '<p>详见<a href="https://www.gov.cn/">政策文件</a>。</p><table><tr><th>岗位</th><td>2</td></tr></table>'
            '<p><img src="/x.png" alt="国徽"></p><p>&lt;不是标签&gt; &amp; 符号</p>')
    assert body_lines(html) == ["一、招聘范围", "面向全市招聘。", "第二行。", "本科",
                                "详见政策文件 (https://www.gov.cn/)。", "岗位 | 2", "[image: 国徽]", "<不是标签> & 符号"]


def test_a_changed_line_is_marked_character_by_character_in_chinese_and_word_by_word_in_english(app):
    with app.test_request_context():
        chinese = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", str(inline_diff("报名截止12月5日", "报名截止12月9日")))
        english = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", str(inline_diff("closes on Friday",
                                                                                           "closes on Monday")))
    assert chinese == "报名截止12月<del>5</del><ins>9</ins>日"
    assert english == "closes on <del>Friday</del><ins>Monday</ins>"


def test_what_an_author_wrote_is_escaped_in_the_compare(app):
    with app.test_request_context():
        result = compare({"title": "通知", "attachments": []},
                         {"title": '通知<script>alert(1)</script>', "attachments": []})
    html = "".join(str(line.html) for line in result.fields[0].lines)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_compare_page_names_fields_shows_text_and_files(app, two_sites, signed_in, news_section):
    client, _ = signed_in("rsj.localhost", "rsj.cmp", site=two_sites[0], roles=["collector"])
    location = new_article(client, news_section, title="关于报名的通知", summary="第一行摘要",
                           body_html="<p>报名时间为12月1日。</p><p>地点不变。</p>",
                           attachment=(io.BytesIO(b"%PDF a"), "旧表格.pdf")).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    old_file = re.search(r'name="remove_attachments" value="([^"]+)"', page).group(1)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
    saved = client.post(location, data={
        "title": "关于报名的通知", "summary": "第一行摘要", "body_html": "<p>报名时间为12月3日。</p><p>地点不变。</p>",
        "source": "人事科", "version": version, "csrf_token": csrf_token(page), "remove_attachments": old_file,
        "attachment": (io.BytesIO(b"%PDF b"), "新表格.pdf")}, content_type="multipart/form-data")
    assert saved.status_code == 302
    html = client.get(f"{location}/revisions?a=1&b=2").get_data(as_text=True)
    diff = shown(html)
    assert '<h3 class="diff-field">正文</h3>' in diff and '<h3 class="diff-field">来源</h3>' in diff
    assert '<h3 class="diff-field">标题</h3>' not in diff  # unchanged fields are not listed
    assert "报名时间为12月<del>1</del><ins>3</ins>日。" in diff
    assert "<del>" not in diff.split("地点不变")[0].rsplit("</p>", 1)[-1]  # the unchanged paragraph is plain
    assert "<ins>新增：新表格.pdf</ins>" in diff and "<del>删除：旧表格.pdf</del>" in diff
    assert "body_html" not in diff and "@@" not in diff and "&lt;p&gt;" not in diff
    assert 'class="visually-hidden">删除：</span>1</del>' in html  # screen readers hear what each mark is
