"""The demo city's training material: three published materials with real (small) files, a draft, two
good-practice examples, the distribution done, and some of the staff having confirmed reading.

The materials are made as the bureau makes them (`core.training.operations`: files checked and written,
the platform's audit log); the acknowledgements are written directly, as the loader writes articles: this is a
data set, not people's actions. The files are generated here: a one-page PDF in Chinese (the PDF's standard
Chinese font, STSong-Light, which every reader has, so nothing is embedded) and a plain-text summary.
Everything is drawn from a seeded random generator, so every load gives the same city.
"""
from __future__ import annotations

import random
import zlib
from datetime import date, datetime, time, timedelta

from sqlalchemy import desc, func, select, update

from core.auth.models import User
from core.content.files import Upload
from core.content.models import Article
from core.demo.content import DOCX_CONTENT_TYPE, make_docx
from core.extensions import db
from core.inbox.models import InboxMessage
from core.sections.models import Section
from core.training.models import GoodPractice, TrainingAcknowledgement, TrainingMaterial
from core.timeutil import now as clock
from core.training.operations import (add_good_practice, create_material, distribute, publish_material,
                                      send_reminders)
from core.training.queries import audience_people, message_key
from tenants.models import SiteGroup, Tenant
from tenants.scoping import activate_tenant, crosses_tenants

#: (title, description, days until due, days since published, roles (None: every role), group key (None: every
#: site), share of the audience that has read it, the PDF's lines, a second file's name (.txt or .docx) and lines
#: or None).
MATERIALS = (
    ("《政府网站与政务新媒体检查指标》解读",
     "逐条解读国务院办公厅《政府网站与政务新媒体检查指标》：单项否决指标（站点无法访问、安全问题、内容更新、"
     "互动回应）与扣分指标（发布解读、办事服务、互动交流、功能设计）的检查方法和常见失分点。",
     14, 6, None, None, 0.62,
     ("《政府网站与政务新媒体检查指标》解读", "",
      "一、单项否决指标",
      "1. 站点无法访问：首页连续无法访问超过 15 分钟即否决。",
      "2. 安全、泄密事故等严重问题：出现严重表述错误、泄露国家秘密。",
      "3. 内容更新：首页栏目超过 2 周未更新；动态、要闻类栏目超过 2 周未更新。",
      "4. 互动回应差：对网民留言超过 3 个月未回应。", "",
      "二、扣分指标",
      "1. 发布解读：政策文件须配发解读，解读与文件相互关联。",
      "2. 办事服务：办事指南要素齐全、准确，表格可下载。",
      "3. 互动交流：留言受理反馈及时，意见征集结果公开。",
      "4. 功能设计：站内搜索可用，页面无错链、断链。", "",
      "三、自查建议",
      "每月对照本指标自查一次，发现问题及时整改，整改情况报信息产业局。"),
     ("检查指标要点.txt",
      ("检查指标要点（供各部门自查使用）", "",
       "单项否决：站点无法访问、严重安全问题、栏目长期不更新、留言超过 3 个月未回应。",
       "扣分项：政策未配解读、办事指南要素缺失、错链断链、搜索不可用。",
       "自查频次：每月一次，整改结果报信息产业局。"))),
    ("网络安全培训",
     "面向各站点管理员：账号与口令管理、双因素登录、识别钓鱼邮件、发现网页篡改和暗链后的处置流程。",
     3, 11, ("site_admin",), None, 0.45,
     ("网络安全培训", "",
      "一、账号与口令",
      "口令不少于 12 位，不与其他系统共用；离职、调岗人员的账号当天停用。",
      "站点管理员须开启两步登录。", "",
      "二、钓鱼邮件",
      "不点击来历不明的链接和附件；要求提供口令的邮件一律是骗局。", "",
      "三、网页篡改与暗链",
      "发现页面内容被改动或出现不明外部链接，立即撤下相关信息，",
      "保留证据，并在 1 小时内报告信息产业局。"),
     None),
    ("信息发布审核规范",
     "信息采集、编辑、审核、发布各环节的职责与审核要点：先审后发、三审三校、涉密信息不上网、个人信息脱敏。",
     30, 2, ("collector", "editor", "reviewer", "publisher"), "general", 0.2,
     ("信息发布审核规范", "",
      "一、先审后发",
      "所有信息经审核员审核、发布员发布后方可上网，任何人不得审核自己撰写的稿件。", "",
      "二、审核要点",
      "1. 政治性：表述准确，无严重表述错误。",
      "2. 保密性：涉密信息一律不上网。",
      "3. 准确性：数据、日期、文号与原件一致。",
      "4. 个人信息：身份证号、手机号等一律脱敏。", "",
      "三、更正与撤回",
      "已发布信息有误的，及时更正并保留修订记录；需撤回的由发布员操作。"),
     ("审核要点对照表.docx",
      ("一、政治性：表述准确，无严重表述错误。", "二、保密性：涉密信息一律不上网。",
       "三、准确性：数据、日期、文号与原件一致。", "四、个人信息：身份证号、手机号等一律脱敏。"))),
)
DRAFT = ("政务新媒体运维培训", "政务微博、微信公众号的账号管理、内容发布和互动回应要求（编写中）。", 45)
#: (site slug, item section or None for the whole site, what to learn from it)
EXAMPLES = (
    ("rsj", "news", "工作动态更新及时、每条信息注明发布日期和来源，图文并茂，可作为各部门动态栏目的样板。"),
    ("czj", None, "政府信息公开专栏分类清晰，13 类公开内容齐全，年度报告按时发布，值得各部门对照完善。"),
)


# --- a small PDF in Chinese ----------------------------------------------------------------------

def _width(text: str) -> float:
    """The width of a line in em: a Chinese character 1, a Latin one half."""
    return sum(0.5 if ord(c) < 0x80 else 1.0 for c in text)


def _wrap(text: str, em: float) -> list[str]:
    lines, line = [], ""
    for char in text:
        if _width(line + char) > em:
            lines.append(line)
            line = ""
        line += char
    return lines + [line]


def training_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page A4 PDF of `lines` (the first as the heading), in the PDF's standard Chinese font STSong-Light."""
    size, heading, top, left, em = 12, 18, 780, 64, 38.0
    parts = ["BT", f"/F1 {heading} Tf", f"{left} {top} Td", f"{heading + 10} TL"]
    for index, text in enumerate(lines):
        for piece in (_wrap(text, em) if text else [""]):
            parts.append(f"<{piece.encode('utf-16-be').hex()}> Tj T*")
        if index == 0:
            parts += [f"/F1 {size} Tf", f"{size + 8} TL"]
    parts.append("ET")
    stream = zlib.compress("\n".join(parts).encode("ascii"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- the materials, the examples, the readers -----------------------------------------------------

def _group_id(key: str | None) -> int | None:
    return db.session.execute(select(SiteGroup.id).where(SiteGroup.key == key)).scalar_one_or_none() if key else None


def _materials(actor: User, today: date, now: datetime) -> list[tuple[TrainingMaterial, float]]:
    made = []
    for title, description, due_days, published_days, roles, group, share, pdf_lines, text in MATERIALS:
        uploads = [Upload(f"{title.replace('《', '').replace('》', '')}.pdf", training_pdf(pdf_lines),
                          "application/pdf")]
        if text is not None and text[0].endswith(".docx"):
            uploads.append(Upload(text[0], make_docx(text[0].rsplit(".", 1)[0], list(text[1])), DOCX_CONTENT_TYPE))
        elif text is not None:
            uploads.append(Upload(text[0], ("\n".join(text[1]) + "\n").encode("utf-8"), "text/plain"))
        group_id = _group_id(group)
        material = create_material(actor=actor, title=title, description=description,
                                   due_on=today + timedelta(days=due_days), all_roles=roles is None,
                                   roles=list(roles or ()), site_scope="group" if group_id else "all",
                                   group_id=group_id, uploads=uploads, today=today)
        publish_material(material, actor=actor, today=today)
        material.published_at = datetime.combine(today - timedelta(days=published_days), time(9, 30))
        material.created_at = material.updated_at = material.published_at - timedelta(hours=2)
        made.append((material, share))
    title, description, due_days = DRAFT
    create_material(actor=actor, title=title, description=description, due_on=today + timedelta(days=due_days),
                    uploads=[Upload(f"{title}（初稿）.pdf", training_pdf((title, "", description)), "application/pdf")],
                    today=today)
    return made


def _acknowledge_some(material: TrainingMaterial, share: float, now: datetime, rng: random.Random) -> int:
    """Some of the audience have read it: `share` of them, at moments since it was published."""
    people = sorted(audience_people(material))
    readers = rng.sample(people, round(len(people) * share))
    span = max(60, int((now - material.published_at).total_seconds() // 60))
    for user_id in readers:
        moment = material.published_at + timedelta(minutes=rng.randint(30, span))
        db.session.add(TrainingAcknowledgement(material_id=material.id, user_id=user_id,
                                               acknowledged_at=min(moment, now)))
    return len(readers)


@crosses_tenants("the demo marks a published item of a site as a good-practice example: it finds one on that site")
def _newest_item(slug: str, section_key: str) -> int | None:
    """The newest published item of a demo site's section (by its mandatory key), or None."""
    site_id = db.session.execute(select(Tenant.id).where(Tenant.slug == slug)).scalar_one_or_none()
    if site_id is None:
        return None
    with activate_tenant(site_id):
        return db.session.execute(
            select(Article.id).join(Section, Section.id == Article.section_id)
            .where(Section.mandatory_key == section_key, Article.status == "published",
                   Article.published_at <= clock())
            .order_by(desc(Article.published_at)).limit(1)).scalar_one_or_none()


def _examples(actor: User) -> int:
    count = 0
    for slug, section_key, note in EXAMPLES:
        site_id = db.session.execute(select(Tenant.id).where(Tenant.slug == slug)).scalar_one_or_none()
        if site_id is None:
            continue
        item = _newest_item(slug, section_key) if section_key else None
        add_good_practice(actor=actor, site_id=site_id, item=str(item) if item else "", note=note)
        count += 1
    return count


def fill_training(*, today: date, now: datetime, rng: random.Random) -> dict[str, int]:
    """Give the demo city its training material (once), distribute it, and have some people read it.

    Idempotent: materials and examples are made only when there are none; the distribution reaches whoever
    does not have a material yet (new demo accounts included).

    :returns: counts for the operator: materials and examples made, acknowledgements, messages delivered,
        reminders sent (the one due soon, when today is within its reminder days).
    """
    actor = db.session.execute(select(User).where(User.username == "platform.admin")).scalar_one_or_none()
    totals = {"training_materials": 0, "training_examples": 0, "training_acknowledgements": 0}
    made = []
    if not db.session.scalar(select(func.count()).select_from(TrainingMaterial)):
        made = _materials(actor, today, now)
        db.session.flush()
        for material, share in made:
            totals["training_acknowledgements"] += _acknowledge_some(material, share, now, rng)
        totals["training_materials"] = len(made) + 1
    if not db.session.scalar(select(func.count()).select_from(GoodPractice)):
        totals["training_examples"] = _examples(actor)
    db.session.commit()
    totals["training_delivered"] = distribute(now)["people"]
    for material, _share in made:
        _delivered_when_published(material, now, rng)
    totals["training_reminders"] = send_reminders(now)["people"]
    db.session.commit()
    return totals


def _delivered_when_published(material: TrainingMaterial, now: datetime, rng: random.Random) -> None:
    """Date the material's inbox messages as the job delivered them (ten minutes after it was published), and
    open them as people did: everyone who confirmed reading opened the message first; of the others, about half
    have opened it. One UPDATE per group (the messages were written by the real distribution a moment ago)."""
    key = message_key(material.id)
    delivered = material.published_at + timedelta(minutes=10)
    db.session.execute(update(InboxMessage).where(InboxMessage.key == key).values(created_at=delivered))
    confirmed = (select(TrainingAcknowledgement.acknowledged_at)
                 .where(TrainingAcknowledgement.material_id == material.id,
                        TrainingAcknowledgement.user_id == InboxMessage.user_id).scalar_subquery())
    db.session.execute(update(InboxMessage).where(InboxMessage.key == key, confirmed.is_not(None))
                       .values(read_at=confirmed).execution_options(synchronize_session=False))
    others = sorted(db.session.execute(select(InboxMessage.user_id).where(
        InboxMessage.key == key, InboxMessage.read_at.is_(None))).scalars())
    opened = rng.sample(others, len(others) // 2)
    span = max(20, int((now - delivered).total_seconds() // 60))
    moment = min(now, delivered + timedelta(minutes=rng.randint(15, span)))
    db.session.execute(update(InboxMessage).where(InboxMessage.key == key, InboxMessage.user_id.in_(opened or [0]))
                       .values(read_at=moment).execution_options(synchronize_session=False))
