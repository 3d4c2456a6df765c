"""The demo city's letters (互动交流): months of letters to every site's mailboxes, in the states an office has them.

Each site gets letters over the last five months to its five mailboxes:
consultations about its own service items (from `data/services.toml`),
complaints, reports, suggestions and letters to the director, each carried
through the officers' steps with the working-day calendar (assigned, replied
in time or late, asked for more information, not accepted), stopped wherever
"today" finds it. Every site has letters held (one, as spam), new, assigned
(one of them past its limit), waiting for the writer, replied and not
accepted. Most replied letters whose writer agreed are published (masked, as
an officer would confirm them) and many are rated. Every fourth site
(`reviews_replies`) has a second officer review replies, and a reply waiting
for review. One site in three forwards a consultation to the next site
(`forward_some`), where the copy waits or is answered.

Rows are written directly, as the loader does for articles: this is a data
set, not a user's action. Everything is drawn from the site's seeded random
generator, so every load gives the same city.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from core.demo import content
from core.demo.services import MOBILE_PREFIXES, TRACKING_ALPHABET, TRACKING_LENGTH, site_items
from core.extensions import db
from core.interaction.letters import masked_version
from core.interaction.models import Letter, LetterEvent, LetterOptions, PublishedLetter
from core.interaction.queries_letters import phone_lookup, text_lookup
from core.workdays.counting import WorkingCalendar
from core.workdays.queries import working_calendar
from tenants.models import Tenant
from tenants.scoping import activate_tenant, crosses_tenants

#: Letters are spread over this many days before "today".
WINDOW_DAYS = 150
REPLY_DAYS = 5
#: How many letters of each kind a site gets (roughly; consultations are the most).
PER_KIND = {"consultation": 8, "supervision": 3, "report": 2, "suggestion": 3, "director": 2}
OFFICES = ("办公室", "政策法规科", "综合业务科", "行政审批科", "监督检查科", "局长办公室")

_PLACES = ("广阳区", "安次区", "经济技术开发区", "固安县", "永清县", "香河县", "大城县", "文安县", "大厂回族自治县")
_COMPLAINTS = (
    ("反映办事窗口工作人员服务态度问题",
     "{when}我到{hall}办理业务，窗口工作人员态度生硬，对我的询问不予解释，还让我“自己去网上看”。希望贵单位加强对窗口人员的教育管理。",
     ("您好！您反映的问题我局高度重视，经调取窗口监控和询问当事工作人员，情况基本属实。我局已对该工作人员进行批评教育，"
     "并在全体窗口人员中开展服务规范再培训。感谢您对我们工作的监督！")),
    ("反映业务办理时限过长的问题",
     "我于{when}提交了业务申请，至今已超过承诺时限，多次电话询问都说“正在审核”，没有明确答复。请督促尽快办理。",
     ("您好！经查，您的申请因需与相关部门核实信息导致办理时间延长，我局未及时告知，工作存在不足。目前您的申请已办结，"
     "结果已通过短信通知。我局将完善办理进度告知机制，避免类似情况再次发生。")),
    ("反映咨询电话长期无人接听",
     "最近一周多次拨打贵单位公布的咨询电话，工作时间内一直无人接听，耽误了办事。",
     ("您好！经核实，因办公电话线路故障，咨询电话于近期一度无法正常接通，现已修复。给您带来不便，深表歉意。"
     "今后我局将安排专人每日检查咨询电话畅通情况。")),
)
_REPORTS = (
    ("举报{place}某企业违规经营问题",
     "{place}某路段一家企业长期存在违规经营行为，周边群众反映强烈，请有关部门依法调查处理。"),
    ("举报{place}某单位违规收费",
     "{place}某单位在办理业务时额外收取所谓“加急费”，没有任何收费依据，也不开具票据，请予查处。"),
)
_REPORT_REPLY = ("您好！您的举报已收悉。我局已将相关线索移交执法机构依法核查，核查结果将按规定处理。"
                 "感谢您对我市依法行政工作的支持。")
_SUGGESTIONS = (
    ("关于进一步简化{topic}办理材料的建议",
     "建议对{topic}中可以通过部门共享获取的材料不再要求群众提供，实现“减材料、减跑动”。",
     ("您好！感谢您的宝贵建议。我局正在梳理{topic}的申请材料，对能够通过数据共享获取的证明材料，将逐步予以取消。"
     "您的建议已转相关科室研究落实。")),
    ("建议增加周末延时服务",
     "很多上班族工作日请假不方便，建议办事大厅在周末或工作日晚间提供延时服务。",
     ("您好！感谢您的建议。我局已在办事大厅推行“周六不打烊”服务，每周六上午9:00-12:00办理部分高频事项，"
     "具体事项清单已在本网站通知公告栏目公布。")),
    ("关于完善网站办事指南的建议",
     "网站上的部分办事指南材料说明不够具体，例如复印件是否需要签字没有写明，建议进一步细化。",
     ("您好！感谢您对我局网站建设的关注。我们已对照您提出的问题，对办事指南中的材料要求逐项补充说明，"
     "修订后的指南已在网站发布。")),
)
_DIRECTOR = (
    ("致局长：关于{topic}政策落实的几点意见",
     "局长您好！我是一名基层群众，对{topic}相关政策比较关注，希望在政策宣传和落实上更加贴近群众，多开展进社区宣讲活动。",
     ("您好！来信收悉，感谢您对我局工作的关心和支持。我局将结合“政策进社区”活动，组织业务骨干深入社区开展宣讲，"
     "及时回应群众关切。")),
    ("致局长：希望加强基层服务力量",
     "局长您好！县区服务站点人手不足，群众办事经常排长队，希望局里统筹调配，加强基层服务力量。",
     ("您好！您反映的情况我们已经掌握。我局正在推进业务下沉和人员统筹，近期将向服务量较大的站点增派工作人员，"
     "并推广网上办理，减少群众排队等候。")),
)
_CONSULT_BODIES = (
    "您好！请问办理{topic}需要准备哪些材料？能否在网上办理？大概多长时间能办好？",
    "我想咨询一下{topic}的办理条件，本人是外地户籍，在廊坊工作，是否可以在本地办理？",
    "请问{topic}的办理地点在哪里？周末是否可以办理？需要提前预约吗？",
)
_CONSULT_REPLY = ("您好！感谢您对我局工作的关注。关于您咨询的{topic}问题，答复如下：办理时请携带本人有效身份证件及办事指南所列材料，"
                  "可通过本网站“网上办事”栏目在线申请，也可到{hall}窗口办理；材料齐全的当场受理，在承诺时限内办结。"
                  "具体材料清单请查阅本网站“办事指南”栏目。如有疑问，请在工作日拨打咨询电话{phone}。")
_INFO_REQUESTS = ("请补充您办理业务的具体时间和窗口号，以便我们核查。", "请补充您的单位名称和所在区县。",
                  "请说明您所咨询事项的具体情形（如户籍、参保地），以便准确答复。")
_NOT_ACCEPTED = (("out_of_scope", "您反映的事项属于属地政府职责，请向所在区县人民政府或拨打12345政务服务便民热线反映。"),
                 ("duplicate", "您已就同一事项来信，我局已于前期答复，请凭原查询码查看。"))
_SPAM = ("低价代办各类证件", ("专业代办各类证件，快速出证，价格优惠，详情请访问 http://dbz.example.com http://dbz2.example.com "
         "http://dbz3.example.com http://dbz4.example.com 或加微信咨询。"))


def reviews_replies(position: int) -> bool:
    """Whether the site at `position` in the catalog has a second officer review replies: every fourth site (the
    third of each four), which gets a second interaction officer and a reply waiting for review."""
    return position % 4 == 2


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.choice((8, 9, 10, 11, 14, 15, 16, 20, 21)), rng.randint(0, 59)))


def _writer(rng: random.Random) -> tuple[str, str, str | None]:
    phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"
    email = f"{rng.choice(('zhang', 'li', 'wang', 'liu', 'chen'))}{rng.randint(100, 9999)}@" \
            f"{rng.choice(('163.com', 'qq.com', '126.com'))}" if rng.random() < 0.3 else None
    return content._person(rng), phone, email


@dataclass
class _Draft:
    kind: str
    subject: str
    body: str
    reply: str
    received: datetime
    events: list = field(default_factory=list)


def _drafts(site: dict, today: date, rng: random.Random, hall: str, phone: str) -> list[_Draft]:
    topics = [item["name"] for item in site_items(site)] or ["政府信息公开申请"]
    drafts = []
    for kind, count in PER_KIND.items():
        for _ in range(count):
            topic, place = rng.choice(topics), rng.choice(_PLACES)
            received = _at(today - timedelta(days=int(WINDOW_DAYS * (1 - rng.random() ** 0.7)) + 1), rng)
            when = f"{received.month}月{max(received.day - rng.randint(1, 5), 1)}日"
            if kind == "consultation":
                subject = f"关于{topic}的咨询"
                body = rng.choice(_CONSULT_BODIES).format(topic=topic)
                reply = _CONSULT_REPLY.format(topic=topic, hall=hall, phone=phone)
            elif kind == "supervision":
                subject, body, reply = rng.choice(_COMPLAINTS)
                body = body.format(when=when, hall=hall)
            elif kind == "report":
                subject, body = rng.choice(_REPORTS)
                subject, body, reply = subject.format(place=place), body.format(place=place), _REPORT_REPLY
            elif kind == "suggestion":
                subject, body, reply = (t.format(topic=topic) for t in rng.choice(_SUGGESTIONS))
            else:
                subject, body, reply = (t.format(topic=topic) for t in rng.choice(_DIRECTOR))
            drafts.append(_Draft(kind, subject, body, reply, received))
    return sorted(drafts, key=lambda d: d.received)


def fill_letters(site: dict, *, today: date, rng: random.Random, officer_id: int | None,
                 review: bool = False, late_share: float = 0.1, overdue_days: int | None = None) -> int:
    """Give the active site its letters; return how many were written.

    `late_share`: the share of replies sent after their limit (a less kept site answers more late: core.demo.quality);
    `overdue_days`: how many days ago the letter left past its limit came (None: halfway through the letters'
    months); two months make the evaluation's early warning, three its veto.
    """
    hall = f"{site['name_zh']}服务大厅"
    phone = site.get("phone") or "0316-2011234"
    if review:
        db.session.add(LetterOptions(review_replies=True))
    calendar = working_calendar(today - timedelta(days=WINDOW_DAYS + 20), today + timedelta(days=60))
    cutoff = datetime.combine(today, time(0, 0))
    drafts = _drafts(site, today, rng, hall, phone)
    # The newest letters are where a working office has them today: one just come, one assigned, one waiting for the
    # writer, one reply waiting for review (where replies are reviewed); one older letter was left past its limit.
    plans = {len(drafts) - 1: "new", len(drafts) - 2: "review" if review else "assigned", len(drafts) - 3: "info",
             len(drafts) - 4: "assigned", len(drafts) // 2: "overdue", len(drafts) // 3: "not_accepted"}
    for back, index in enumerate(range(len(drafts) - 1, len(drafts) - 5, -1)):
        drafts[index].received = _at(today - timedelta(days=back + 1), rng) if back else \
            datetime.combine(today - timedelta(days=1), time(21, rng.randint(0, 59)))
    spam = _Draft("consultation", _SPAM[0], _SPAM[1], "", _at(today - timedelta(days=rng.randint(1, 3)), rng))
    if overdue_days is not None:
        drafts[len(drafts) // 2].received = _at(today - timedelta(days=overdue_days), rng)
    made = []
    for index, draft in enumerate(drafts):
        made.append(_letter(draft, rng=rng, calendar=calendar, cutoff=cutoff, officer_id=officer_id,
                            plan=plans.get(index), late_share=late_share))
    made.append(_letter(spam, rng=rng, calendar=calendar, cutoff=cutoff, officer_id=officer_id, spam=True))
    db.session.add_all(letter for letter, _events in made)
    db.session.flush()
    for letter, events in made:
        for at, action, before, after, note, public, by_officer in events:
            db.session.add(LetterEvent(letter_id=letter.id, at=at, action=action, from_status=before, to_status=after,
                                       note=note, public=public, actor_id=officer_id if by_officer else None,
                                       actor_text="科室干部" if action == "draft" else ""))
        if letter.status == "replied" and letter.may_publish and letter.kind != "report" and rng.random() < 0.7:
            masked = masked_version(letter)
            db.session.add(PublishedLetter(letter_id=letter.id, kind=letter.kind, subject=masked["subject"],
                                           body=masked["body"], reply=masked["reply"],
                                           reply_office=letter.reply_office, received_on=letter.received_at.date(),
                                           replied_on=letter.replied_at.date(),
                                           published_at=letter.replied_at + timedelta(hours=2),
                                           published_by_id=officer_id))
    db.session.flush()
    return len(made)


def _letter(draft: _Draft, *, rng, calendar: WorkingCalendar, cutoff: datetime, officer_id, plan: str | None = None,
            spam: bool = False, late_share: float = 0.1) -> tuple[Letter, list]:
    """One letter carried through the officers' steps until "today" stops it, or `plan` does (kept "new",
    "assigned", "overdue": assigned and left, "info": waiting for the writer, "review": a reply waiting for
    review); (letter, its events)."""
    name, phone, email = _writer(rng)
    received = draft.received
    due = calendar.add(received.date(), REPLY_DAYS)
    events = [(received, "submit", None, "new", "", True, False)]
    letter = Letter(kind=draft.kind, query_code=_code(rng), subject=draft.subject, body=draft.body, writer_name=name,
                    phone=phone, phone_hash=phone_lookup(phone), email=email, text_hash=text_lookup(draft.subject,
                                                                                                    draft.body),
                    may_publish=draft.kind != "report" and rng.random() < 0.8, status="new", received_at=received,
                    first_received_at=received, reply_days=REPLY_DAYS, due_on=due, updated_at=received)
    if spam:
        letter.status, letter.hold_reason, letter.may_publish = "held", "links", False
        events[0] = (received, "submit", None, "held", "", True, False)
        events.append((received, "hold", None, "held", "", False, False))
        return letter, events

    def at_day(working_days: int) -> datetime:
        return datetime.combine(calendar.add(received.date(), working_days), time(rng.choice((9, 10, 14, 15, 16)),
                                                                                 rng.randint(0, 59)))

    if plan == "new":
        return letter, events
    assigned = max(at_day(rng.choice((0, 1))), received + timedelta(minutes=rng.randint(20, 90)))
    if assigned >= cutoff:
        assigned = received + timedelta(minutes=rng.randint(20, 90))
    letter.status, letter.assigned_to_id = "assigned", officer_id
    events.append((assigned, "assign", "new", "assigned", "", False, True))
    if plan in ("assigned", "overdue"):  # in hand; the older one left past its limit shows red in the queue
        return letter, events
    if plan == "info":
        asked = assigned + timedelta(minutes=rng.randint(30, 120))
        note = rng.choice(_INFO_REQUESTS)
        letter.status, letter.info_request, letter.paused_since = "info_requested", note, asked
        events.append((asked, "request_info", "assigned", "info_requested", note, True, True))
        return letter, events
    if plan == "review":
        drafted = assigned + timedelta(minutes=rng.randint(30, 120))
        letter.reply, letter.reply_office, letter.status = draft.reply, rng.choice(OFFICES), "reviewing"
        events.append((drafted, "draft", "assigned", "reviewing", "", False, False))
        return letter, events
    fate = 0.0 if plan == "not_accepted" else rng.random()
    if fate < 0.08:
        reason, note = rng.choice(_NOT_ACCEPTED)
        moment = max(at_day(1), assigned + timedelta(minutes=30))
        if moment >= cutoff:
            moment = assigned + timedelta(minutes=30)
        if moment < cutoff:
            letter.status, letter.not_accepted_reason, letter.not_accepted_note, letter.closed_at = \
                "not_accepted", reason, note, moment
            events.append((moment, "not_accept", "assigned", "not_accepted", note, True, True))
        return letter, events
    start = received.date()
    if fate < 0.2:
        asked = max(at_day(1), assigned + timedelta(minutes=30))
        if asked >= cutoff:
            return letter, events
        note = rng.choice(_INFO_REQUESTS)
        letter.status, letter.info_request, letter.paused_since = "info_requested", note, asked
        events.append((asked, "request_info", "assigned", "info_requested", note, True, True))
        answered = asked + timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 5))
        if answered >= cutoff:
            return letter, events
        paused = calendar.between(asked.date(), answered.date())
        letter.due_on, letter.paused_days, letter.paused_since = calendar.add(letter.due_on, paused), paused, None
        letter.status = "assigned"
        events.append((answered, "add_info", "info_requested", "assigned", "已补充，具体情况如上。", True, False))
        start = answered.date()
    late = rng.random() < late_share
    left = max(calendar.between(start, letter.due_on), 1)
    days = left + rng.randint(1, 4) if late else rng.randint(1, left)
    replied = datetime.combine(calendar.add(start, days), time(rng.choice((9, 10, 11, 15, 16)), rng.randint(0, 59)))
    if replied >= cutoff:
        return letter, events
    letter.reply, letter.reply_office = draft.reply, rng.choice(OFFICES)
    letter.status, letter.replied_at, letter.closed_at, letter.replied_by_id = "replied", replied, replied, officer_id
    letter.updated_at = replied
    events.append((replied, "reply", "assigned", "replied", "", True, True))
    rated = replied + timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 8))
    if rated < cutoff and rng.random() < 0.55:
        letter.rating = rng.choices(("satisfied", "basically_satisfied", "dissatisfied"),
                                    weights=(3, 6, 4) if late else (70, 22, 8))[0]
        letter.rated_at = rated
        events.append((rated, "rate", "replied", "replied", "", True, False))
    return letter, events


@crosses_tenants("the demo forwards a few letters from one site to another, writing each copy inside its site")
def forward_some(tenant_ids: list[int], *, today: date, rng: random.Random) -> int:
    """Forward one consultation from each of some sites to the next site; return how many were forwarded.

    The copy on the receiving site waits there, or has been answered, as the
    day it was forwarded allows.
    """
    calendar = working_calendar(today - timedelta(days=WINDOW_DAYS + 20), today + timedelta(days=60))
    forwarded = 0
    pairs = list(zip(tenant_ids, tenant_ids[1:] + tenant_ids[:1]))
    for source_id, target_id in pairs[::3]:
        source, target = db.session.get(Tenant, source_id), db.session.get(Tenant, target_id)
        with activate_tenant(source_id):
            letter = db.session.execute(select(Letter).where(Letter.status == "assigned", Letter.kind == "consultation")
                                        .order_by(Letter.received_at)).scalars().first()
            if letter is None:
                continue
            moment = max(letter.received_at + timedelta(hours=3),
                         datetime.combine(calendar.add(letter.received_at.date(), 1), time(10, 0)))
            if moment.date() >= today:
                continue
            events = [(e.at, e.action, e.from_status, e.to_status, e.note, e.public) for e in db.session.execute(
                select(LetterEvent).where(LetterEvent.letter_id == letter.id).order_by(LetterEvent.at)).scalars()]
            values = {k: getattr(letter, k) for k in ("kind", "query_code", "subject", "body", "writer_name", "phone",
                                                     "phone_hash", "email", "text_hash", "may_publish")}
            received, source_letter_id = letter.received_at, letter.id
        with activate_tenant(target_id):
            due = calendar.add(moment.date(), REPLY_DAYS)
            copy = Letter(**values, status="new", received_at=moment, first_received_at=received, reply_days=REPLY_DAYS,
                          due_on=due, forwarded_from_id=source_id, forwarded_from_letter_id=source_letter_id,
                          updated_at=moment)
            replied = datetime.combine(calendar.add(moment.date(), rng.randint(1, 4)), time(15, rng.randint(0, 59)))
            if replied.date() < today:
                copy.status, copy.replied_at, copy.closed_at = "replied", replied, replied
                copy.reply = "您好！您的来信由" + source.name_zh + "转来。经研究，答复如下：该事项由我局负责办理，" \
                             "请携带有效身份证件到我局服务大厅窗口办理，工作人员将为您提供一次性告知服务。"
                copy.reply_office = "办公室"
            db.session.add(copy)
            db.session.flush()
            for at, action, before, after, note, public in events:
                db.session.add(LetterEvent(letter_id=copy.id, at=at, action=action, from_status=before,
                                           to_status=after, note=note, public=public, actor_text=source.name_zh))
            db.session.add(LetterEvent(letter_id=copy.id, at=moment, action="forwarded_in", to_status="new",
                                       note=f"转自{source.name_zh}", public=True, actor_text=source.name_zh))
            if copy.status == "replied":
                db.session.add(LetterEvent(letter_id=copy.id, at=replied, action="reply", from_status="new",
                                           to_status="replied", public=True, actor_text="办公室"))
            db.session.flush()
            copy_id = copy.id
        with activate_tenant(source_id):
            letter = db.session.execute(select(Letter).where(Letter.id == source_letter_id)).scalar_one()
            letter.status, letter.closed_at, letter.updated_at = "forwarded", moment, moment
            letter.forwarded_to_id, letter.forwarded_letter_id = target_id, copy_id
            db.session.add(LetterEvent(letter_id=letter.id, at=moment, action="forward", from_status="assigned",
                                       to_status="forwarded", note=f"转至{target.name_zh}", public=True,
                                       actor_id=letter.assigned_to_id))
            db.session.flush()
        forwarded += 1
    return forwarded
