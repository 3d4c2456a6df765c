"""The demo city's applications for disclosure (依申请公开): a few on every site, in every state.

Each site gets one application waiting to be registered, three being handled
(one well within its limit, one due within days and, on about half of the
sites, one overdue), one waiting for the applicant's clarification, one that
was clarified (its clock started again) and extended, one never clarified
(closed as withdrawn when its day passed), and replies of several
types this year and last (the reply types rotate over the sites, so the city
shows every one), plus one received last December and answered in January (a
carry-over for the yearly report). Requests are the kind departments really
receive: a plot's compensation scheme, the year's budget execution, a
project's environmental approval.

Rows are written directly, as the loader does for articles and applications
for online services: this is a data set, not a user's action. Everything is
drawn from the site's seeded random generator and the working-day calendar,
so every load gives the same city.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from core.content.files import Upload, write_upload
from core.demo import content, scans
from core.demo.services import MOBILE_PREFIXES, _credit_code, _id_number
from core.disclosure.applications import FILES_SUBFOLDER, clarify_days
from core.disclosure.models_applications import (REPLY_TYPES, DisclosureApplication, DisclosureApplicationEvent,
                                                 DisclosureApplicationFile)
from core.disclosure.queries_applications import LIMIT_DAYS, TRACKING_ALPHABET, TRACKING_LENGTH, phone_lookup
from core.extensions import db
from core.workdays.counting import WorkingCalendar
from core.workdays.queries import working_calendar

#: (the information wanted, its document number if the applicant knew it, the purpose if given).
REQUESTS = (
    ("广阳区万庄新城二期地块国有土地上房屋征收补偿方案及评估报告", "", "本人房屋位于该征收范围内，了解补偿标准"),
    ("{dept}{last}年度部门预算执行情况及“三公”经费支出明细", "", ""),
    ("廊坊市临空经济区某物流园建设项目环境影响评价批复文件", "廊环审〔{last}〕37号", "了解项目对周边居民的影响"),
    ("{dept}{year}年度重点工作任务分解方案及上半年完成情况", "", ""),
    ("新华路（和平路至银河北路段）道路拓宽工程的立项批复和建设工程规划许可证", "", "本人居住在该路段沿线小区"),
    ("{dept}{last}年政府采购项目的中标结果公告及采购合同", "", "企业参与投标参考"),
    ("安次区某村集体土地征收的征地批复、征地公告及补偿安置方案", "", ""),
    ("{dept}{last}年度行政执法检查计划及检查结果汇总", "", ""),
    ("光明西道金泰花园小区配套幼儿园建设项目竣工验收备案材料", "", "小区业主委员会了解配套设施移交情况"),
    ("{dept}关于{last}年度民生实事项目资金分配的文件", "", ""),
)
#: Requests that are not for government information (a complaint, a request for advice).
NOT_REQUESTS = ("举报某小区物业公司违规收费，请求调查处理", "咨询本人档案转移及社保关系接续如何办理")
ORGANISATIONS = ("廊坊市安信物流有限公司", "河北正衡律师事务所", "廊坊市环境保护志愿者协会", "廊坊市城乡规划研究院",
                 "廊坊市恒远建设工程有限公司")
#: The organisation type of each of ORGANISATIONS.
ORGANISATION_KINDS = ("business", "legal_service", "public_interest", "research", "business")
ADDRESSES = ("廊坊市广阳区新华路{n}号", "廊坊市安次区永兴路{n}号院", "廊坊市经济技术开发区金光道{n}号")
REPLY_TEXTS = {
    "disclosed": "您申请公开的政府信息已制作电子版，请在本页面下载；纸质件已按您选择的方式寄送。",
    "partly_disclosed": "所申请信息中涉及第三方个人信息的部分已作区分处理，其余部分予以公开，详见附件。",
    "not_disclosed": "您申请公开的信息属于内部研究讨论过程中形成的材料，依法不予公开。",
    "not_exist": "经检索本机关档案及业务系统，未制作或获取您所申请的政府信息。",
    "not_held": "您申请的信息由其他机关制作并负责公开，请向该机关提出申请。",
    "repeat": "您于今年早些时候已就同一内容提出申请，本机关已作出答复，不再重复处理。",
    "not_disclosure_request": "您提出的事项属于投诉举报（咨询），不属于政府信息公开申请，"
                              "请通过12345政务服务便民热线反映。",
}
OTHER_BODIES = ("廊坊市自然资源和规划局（电话0316-2213456）", "廊坊市生态环境局（电话0316-2025678）")
CLARIFY_NOTE = ("您的申请内容不够明确，请补正：1. 所需信息涉及的具体地块名称或项目名称；2. 所需信息的形成时间（年份）。"
                "请在收到本告知之日起15个工作日内补正。")
CLARIFICATION = "所需信息为万庄新城二期（广阳区北旺乡段）地块{last}年作出的征收补偿方案。"
EXTENSION = "所申请信息涉及第三方权益，需书面征求第三方意见，经政府信息公开工作机构负责人同意，延长答复期限。"


def _back(calendar: WorkingCalendar, today: date, days: int) -> date:
    """The working day `days` working days before `today`."""
    day, left = today, days
    while left:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            left -= 1
    return day


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.choice((9, 10, 11, 14, 15, 16)), rng.randint(0, 59)))


class _Filler:
    """Writes one site's applications, one after another, from its generator."""

    def __init__(self, site: dict, *, today: date, rng: random.Random, officer_id: int | None):
        self.site, self.today, self.rng, self.officer_id = site, today, rng, officer_id
        self.calendar = working_calendar(date(today.year - 1, 1, 1), today + timedelta(days=120))
        self.count = 0

    def _request(self, n: int) -> tuple[str, str, str]:
        text, number, purpose = REQUESTS[n % len(REQUESTS)]
        values = {"dept": self.site["name_zh"], "year": self.today.year, "last": self.today.year - 1}
        return text.format(**values), number.format(**values), purpose.format(**values)

    def _applicant(self) -> dict:
        rng = self.rng
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"
        common = {"phone": phone, "phone_hash": phone_lookup(phone),
                  "address": rng.choice(ADDRESSES).format(n=rng.randint(1, 300)) if rng.random() < 0.4 else None,
                  "email": f"{rng.choice(('zhang', 'li', 'wang', 'liu'))}{rng.randint(100, 9999)}@163.com"
                  if rng.random() < 0.4 else None}
        if rng.random() < 0.3:
            index = rng.randrange(len(ORGANISATIONS))
            return {**common, "applicant_kind": "organisation", "applicant_name": ORGANISATIONS[index],
                    "organisation_type": ORGANISATION_KINDS[index], "credit_code": _credit_code(rng),
                    "legal_representative": content._person(rng), "contact_name": content._person(rng)}
        return {**common, "applicant_kind": "person", "applicant_name": content._person(rng),
                "id_number": _id_number(rng, self.today)}

    def _event(self, found, step, before, at, note="", officer=True):
        db.session.add(DisclosureApplicationEvent(application_id=found.id, at=at, step=step, from_status=before,
                                                  to_status=found.status, note=note,
                                                  actor_id=self.officer_id if officer else None))

    def _file(self, found, kind: str, filename: str, data: bytes) -> None:
        entry = write_upload(Upload(filename, data), subfolder=FILES_SUBFOLDER)
        db.session.add(DisclosureApplicationFile(application_id=found.id, kind=kind, filename=entry["filename"],
                                                 stored_name=entry["stored_name"], content_type=entry["content_type"],
                                                 size=entry["size"], uploaded_at=found.submitted_at))

    def application(self, *, sent: date, received: date | None, description: str | None = None,
                    clarify: tuple[date, date | None] | None = None, extend: tuple[date, int] | None = None,
                    reply: tuple[date, str] | None = None) -> DisclosureApplication:
        """One application sent on `sent`, registered on `received`, clarified, extended, answered as told."""
        rng = self.rng
        text, number, purpose = self._request(self.count)
        self.count += 1
        who = self._applicant()
        sent_at = _at(sent, rng)
        found = DisclosureApplication(
            tracking_code="".join(rng.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH)), **who,
            description=description or text, document_number=number, purpose=purpose or None,
            form=rng.choice(("electronic", "electronic", "paper")),
            delivery=rng.choice(("online", "online", "email", "post", "in_person")), status="submitted",
            submitted_at=sent_at, due_on=self.calendar.add(sent, LIMIT_DAYS), updated_at=sent_at)
        if found.delivery == "email" and not found.email:
            found.email = f"apply{rng.randint(100, 9999)}@163.com"
        if found.delivery == "post" and not found.address:
            found.address = rng.choice(ADDRESSES).format(n=rng.randint(1, 300))
        db.session.add(found)
        db.session.flush()
        self._event(found, "submit", None, sent_at, officer=False)
        if found.applicant_kind == "person" and rng.random() < 0.5:
            self._file(found, "applicant", "身份证正反面.jpg", scans.scan("id_card", "居民身份证", "jpg"))
        if received is None:
            return found
        moment = _at(received, rng) if received > sent else sent_at + timedelta(hours=2)
        found.status, found.registered_at = "registered", moment
        found.received_on = found.clock_from = received
        found.due_on = self.calendar.add(received, LIMIT_DAYS)
        self._event(found, "register", "submitted", moment)
        if clarify is not None:
            asked, answered = clarify
            found.status, found.clarify_note, found.clarify_asked_at = "clarifying", CLARIFY_NOTE, _at(asked, rng)
            found.clarify_due_on = self.calendar.add(asked, clarify_days())
            self._event(found, "clarify", "registered", found.clarify_asked_at, CLARIFY_NOTE)
            if answered is None and found.clarify_due_on < self.today:  # never came: closed as withdrawn
                found.status, found.answered_at = "withdrawn", _at(self.calendar.add(found.clarify_due_on, 1), rng)
                self._event(found, "lapse", "clarifying", found.answered_at, officer=False)
                found.updated_at = found.answered_at
                return found
            if answered is None:
                return found
            found.status, found.clarified_at = "registered", _at(answered, rng)
            found.clarification = CLARIFICATION.format(last=self.today.year - 1)
            found.clock_from, found.due_on = answered, self.calendar.add(answered, LIMIT_DAYS)
            self._event(found, "clarified", "clarifying", found.clarified_at, officer=False)
        if extend is not None:
            day, days = extend
            found.extended_days, found.extension_reason = days, EXTENSION
            found.due_on = self.calendar.add(found.due_on, days)
            self._event(found, "extend", "registered", _at(day, rng), EXTENSION)
        if reply is not None:
            day, reply_type = reply
            found.status, found.reply_type, found.answered_at = "answered", reply_type, _at(day, rng)
            found.reply_text = REPLY_TEXTS[reply_type]
            if reply_type == "not_disclosed":
                found.reply_ground = "process_info"
            elif reply_type == "partly_disclosed":
                found.reply_ground = "third_party"
            elif reply_type == "not_held":
                found.other_body = rng.choice(OTHER_BODIES)
            elif reply_type == "not_disclosure_request":
                found.description = rng.choice(NOT_REQUESTS)
            self._event(found, "answer", "registered", found.answered_at, found.reply_text)
            self._file(found, "reply", "政府信息公开申请答复书.pdf",
                       scans.scan("document", "政府信息公开申请答复书", "pdf"))
            if reply_type in ("disclosed", "partly_disclosed"):
                self._file(found, "reply", "申请公开的政府信息.pdf", scans.scan("document", "政府信息公开", "pdf"))
        found.updated_at = max(e for e in (found.answered_at, found.registered_at, found.clarified_at, sent_at) if e)
        return found


def fill_disclosure_applications(site: dict, *, index: int, today: date, rng: random.Random,
                                 officer_id: int | None = None) -> int:
    """Give the active site its applications for disclosure (see the module's docstring); return how many.

    `index` is the site's place in the catalog: the reply types rotate with it, so the city shows them all.
    """
    fill = _Filler(site, today=today, rng=rng, officer_id=officer_id)
    back = lambda days: _back(fill.calendar, today, days)  # noqa: E731
    fill.application(sent=back(1), received=None)
    fill.application(sent=back(6), received=back(5))
    fill.application(sent=back(18), received=back(17))
    if rng.random() < 0.5:
        fill.application(sent=back(24), received=back(23))  # overdue
    fill.application(sent=back(5), received=back(4), clarify=(back(2), None))
    fill.application(sent=back(32), received=back(31), clarify=(back(28), back(22)), extend=(back(3), 15))
    fill.application(sent=back(30), received=back(29), clarify=(back(27), None))  # not clarified: withdrawn
    types = [REPLY_TYPES[(index + n) % len(REPLY_TYPES)] for n in range(4)]
    for n, reply_type in enumerate(types):
        received = back(60 + 25 * n)
        days = rng.randint(8, 19) if n != 1 else LIMIT_DAYS + 2  # one answered late
        fill.application(sent=received, received=received, reply=(fill.calendar.add(received, days), reply_type))
    for n, reply_type in enumerate(("disclosed", REPLY_TYPES[(index + 4) % len(REPLY_TYPES)])):
        received = date(today.year - 1, 4 + 3 * n, 10 + index % 10)
        fill.application(sent=received, received=received, reply=(fill.calendar.add(received, 12), reply_type))
    # Received late last December, answered in January: carried over into this year's report.
    december = date(today.year - 1, 12, 22 + index % 5)
    answer_day = fill.calendar.add(december, 15)
    fill.application(sent=december, received=december,
                     reply=(answer_day, "disclosed") if answer_day < today else None)
    db.session.flush()
    return fill.count
