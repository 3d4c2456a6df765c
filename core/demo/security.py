"""A few realistic security problems in the demo city, so the security pages have something true to show.

What inspections of government websites keep finding: a notice that misnames
the State Council's General Office (严重表述错误) and links to a section that
was renamed and to a WeChat article; a hidden gambling link (暗链) slipped into
an old item outside the editor; an attachment that is not what its name says
and one whose file was lost; a colleague who left months ago and still has an
account; a burst of password guesses from one address. Planted once (a
platform setting remembers it), in a few sites, and found by the daily check
`flask demo load` runs at its end.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.auth.models import User
from core.content.files import Upload, store_upload
from core.content.models import Article, Attachment
from core.content.sanitize import clean_html
from core.extensions import db
from core.sections.models import Section
from tenants.models import Tenant
from tenants.provisioning import get_setting, set_setting
from tenants.scoping import activate_tenant, crosses_tenants

PLANTED = "demo_security_planted"
#: The address the demo's password guesses come from (a documentation range, RFC 5737).
GUESSER = "203.0.113.45"

NOTICE_TITLE = "关于转发《国务院办公室关于进一步做好高校毕业生等青年就业创业工作的通知》的通知"
NOTICE_BODY = (
    "<p>各县（市、区）人力资源和社会保障局，市直各有关单位：</p>"
    "<p>现将《国务院办公室关于进一步做好高校毕业生等青年就业创业工作的通知》转发给你们，请结合实际认真贯彻落实。"
    "往年招聘信息见<a href=\"/sections/zhaopin-2019/\">2019年招聘专栏</a>，政策解读见"
    "<a href=\"https://mp.weixin.qq.com/s/Lf3kJ9qXwZ2\">“廊坊人社”微信公众号文章</a>。</p>"
    "<p>附件：<a href=\"/articles/999999\">高校毕业生就业见习单位名单</a></p>"
)
HIDDEN_TITLE = "市财政局召开2025年党风廉政建设工作会议"
#: Written straight into the database, as an intruder would: the editor's sanitiser never saw it.
HIDDEN_BODY = (
    "<p>近日，市财政局召开2025年党风廉政建设工作会议，总结上一年度工作，部署本年度重点任务。</p>"
    "<p>会议强调，要坚持严的基调，持续加强财政资金监管，确保每一笔资金都用在刀刃上。</p>"
    "<div style=\"display:none\"><a href=\"http://www.bocai88.example/\">网上赌场</a>"
    "<a href=\"http://www.bocai88.example/baijiale\">百家乐</a></div>"
)
ATTACHMENT_TITLE = "廊坊市教育局2025年公开招聘教师公告"
ATTACHMENT_BODY = ("<p>根据工作需要，经市人力资源和社会保障局批准，市教育局2025年公开招聘中小学教师120名。"
                   "岗位及报名要求见附件。</p>")
#: A page saved from a browser and named .pdf by mistake: not a PDF at all.
NOT_A_PDF = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>招聘岗位表</title></head><body>…</body></html>"


def _site(slug: str) -> Tenant | None:
    return db.session.execute(select(Tenant).where(Tenant.slug == slug)).scalar_one_or_none()


def _user(username: str) -> User | None:
    return db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def _section(key: str) -> Section | None:
    return db.session.execute(select(Section).where(Section.mandatory_key == key)).scalar_one_or_none()


def _article(section: Section, title: str, body: str, published_at: datetime) -> Article:
    """An item written and published on `published_at`: dated as it was written, so the evaluation sees no
    back-dating in it (a publication date earlier than the item's writing, without a reason, is a forged date)."""
    article = Article(section_id=section.id, title=title, summary="", body_html=body, source="办公室",
                      status="published", published_at=published_at, created_at=published_at)
    db.session.add(article)
    db.session.flush()
    return article


@crosses_tenants("the demo city plants a few realistic security problems in four of its sites, once")
def plant_security_problems(*, now: datetime) -> int:
    """Plant the problems once (a platform setting remembers it); return how many things were planted."""
    if get_setting(PLANTED):
        return 0
    planted = 0
    rsj, czj, jyj, gaj = (_site(slug) for slug in ("rsj", "czj", "jyj", "gaj"))
    if rsj is not None:
        with activate_tenant(rsj.id):
            news = _section("news")
            if news is not None:
                # Typed in the editor two days ago (so cleaned), with a wrong name and links astray.
                _article(news, NOTICE_TITLE, clean_html(NOTICE_BODY), now - timedelta(days=2))
                planted += 1
    if czj is not None:
        with activate_tenant(czj.id):
            news = _section("news")
            if news is not None:
                _article(news, HIDDEN_TITLE, HIDDEN_BODY, now - timedelta(days=40))
                planted += 1
    if jyj is not None:
        with activate_tenant(jyj.id):
            notices = _section("notices")
            if notices is not None:
                article = _article(notices, ATTACHMENT_TITLE, ATTACHMENT_BODY, now - timedelta(days=10))
                store_upload(article, Upload("招聘岗位表.pdf", NOT_A_PDF.encode("utf-8")))
                # A file lost when the site moved servers: its row is there, its file is not.
                db.session.add(Attachment(article_id=article.id, filename="报名登记表.doc",
                                          stored_name="5f0c3a9e2b7d4c1e8a6f0b3d2c1e9a7b.doc",
                                          content_type="application/msword", size=48640))
                db.session.flush()  # while the site is active: its rows are stamped with it
                planted += 2
    for username, days in (("rsj.collector", 120), ("czj.editor", 200)):  # left months ago, still there
        user = _user(username)
        if user is not None:
            user.last_login_at = now - timedelta(days=days)
            planted += 1
    newcomer = _user("gaj.reviewer")  # created six weeks ago, never signed in
    if newcomer is not None:
        newcomer.created_at = now - timedelta(days=45)
        planted += 1
    if gaj is not None:  # someone guessing passwords on the police bureau's sign-in, three hours ago
        start = now - timedelta(hours=3)
        admin = _user("gaj.siteadmin")
        for n, name in enumerate(["admin", "gaj.siteadmin", "test", "root"] * 3 + ["gaj.siteadmin"] * 3):
            known = admin if admin is not None and name == admin.username else None
            reason = "wrong password" if known is not None else "no such account here"
            db.session.add(AuditEntry(tenant_id=gaj.id, at=start + timedelta(minutes=2 * n), username=name[:64],
                                      user_id=known.id if known is not None else None, action="login.failure",
                                      target=name, ip=GUESSER, detail=f'{{"reason": "{reason}"}}'))
        planted += 1
    set_setting(PLANTED, "1")
    return planted
