"""Every public form under hostile input (hypothesis): never a 5xx; a refused submission leaves no row and no file
behind; an accepted one is stored exactly once.

The forms are the routes open to anyone (`permission=None` in core.web.routes.RULES) that take a POST — the letter
form, online applications with their uploads, disclosure applications, consultation opinions, the tracking and
query forms with the follow-ups they lead to (adding information, rating, correcting, clarifying), the sign-in and
its second step — and the password change a signed-in account is sent to. `test_every_public_form_is_covered`
fails when a new public POST route has no entry in `TARGETS`.

Each example starts from a valid submission and changes a few fields: dropped, sent twice (`a=1&a=2`, either
first), replaced by invalid UTF-8 bytes, NUL and other controls, full-width or right-to-left text, text past the
field's limit, or text where a number, a date, an id or a choice belongs; files are left out, empty, past the
limit, of the wrong type by extension or by content, two where one is asked, or named to climb out of the folder.
Before and after each request the rows of every table and the files under the upload folder are counted
(tests/hostile/hostile.py).

Hypothesis profiles: ``fast`` (the default: 30 derandomised examples per form, so CI repeats itself) and ``long``
(``HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/hostile``: 500 random examples per form).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import pyotp
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import delete, update

from core.auth.models import User
from core.extensions import db
from core.web.routes import RULES
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import PASSWORD, csrf_token
from tests.hostile.hostile import PDF, PROFILE, File, file_parts, multipart, mutations, snapshot, urlencoded
from tests.interaction.consultation_helpers import make_consultation
from tests.services.application_helpers import make_item

#: The limits the forms run under here, so that "past the limit" stays cheap: a disclosure file may be 1 MiB
#: (min of its own 10 MiB and MAX_ATTACHMENT_BYTES), a request 7 MiB (a letter's attachment may be 5 MiB).
ATTACHMENT_BYTES = 1024 * 1024
CONTENT_LENGTH = 7 * 1024 * 1024
MOMENT = datetime(2026, 3, 2, 10, 0)  # a Monday; the consultation below is open all March

@dataclass
class Target:
    """One public form: where it posts, a valid submission, its files, how an acceptance shows, what it stores."""

    path: str
    valid: dict[str, str]
    accepted: Callable  # response -> bool
    adds: dict[str, int | range]  # rows one accepted submission adds, per table: exactly, or within a range
    files: dict[str, dict] = field(default_factory=dict)  # file field -> file_parts() options
    limits: dict[str, int] = field(default_factory=dict)
    client: Callable | None = None  # () -> a client whose session is ready to post (a fresh one per example)
    token_from: str | None = None  # the page whose CSRF token the post carries (default: the form's own)
    after_accepted: Callable | None = None  # put the world back so the next example can be accepted again
    before_each: Callable | None = None
    refusal_adds: dict[str, str] = field(default_factory=dict)  # table -> why a refusal may add to it
    file_table: str | None = None  # the table with one row per stored file (None: the row itself names its file)


def _redirect_to(path: str):
    return lambda r: r.status_code == 302 and r.headers["Location"].split("?")[0].split("#")[0].endswith(path)


def _fresh_key(pairs):
    return [(k, secrets.token_urlsafe(24).encode() if v == b"@fresh" else v) for k, v in pairs]


# --- the world each form needs --------------------------------------------------------------------------------------

class World:
    """A site with what its public forms need, a clock at MOMENT, and officers to move items through their steps."""

    def __init__(self, app, site, client_for, signed_in, create_account, clock):
        self.app, self.site, self.client_for, self.signed_in, self.create_account = (
            app, site, client_for, signed_in, create_account)
        clock.at = MOMENT
        from core.workdays.operations import load_year

        with app.app_context():
            load_year(2026)
            db.session.commit()

    def citizen(self):
        return self.client_for(self.site.host)

    def officer(self, role: str):
        client, _account = self.signed_in(self.site.host, f"{role}.{secrets.token_hex(3)}", site=self.site,
                                          roles=[role])
        return client

    def rewind(self, model, where, **values):
        """Put a row back as it was (a test's own rewind: the application has no step that undoes a rating)."""
        with self.app.app_context(), activate_tenant(self.site.id):
            db.session.execute(update(model).where(where).values(**values))
            db.session.commit()
            db.session.remove()

    def remove(self, model, where):
        with self.app.app_context(), activate_tenant(self.site.id):
            db.session.execute(delete(model).where(where))
            db.session.commit()
            db.session.remove()


def _step(client, path: str, key: str, **fields):
    html = client.get(path).get_data(as_text=True)
    token = re.search(rf'id="{key}-csrf_token" name="{key}-csrf_token" type="hidden" value="([^"]+)"', html)
    data = {"step": key, f"{key}-csrf_token": token.group(1) if token else csrf_token(html)}
    data.update({f"{key}-{name}": value for name, value in fields.items()})
    response = client.post(path, data=data)
    assert response.status_code == 302, (key, response.get_data(as_text=True)[:400])


LETTER = {"subject": "关于灵活就业人员社保补缴的咨询", "body": "本人2025年有三个月未缴社保，请问能否补缴？",
          "writer_name": "王小明", "phone": "13812345678", "email": "wangxm@example.com", "may_publish": "yes",
          "declaration": "y", "submission": "@fresh"}
APPLICATION = {"applicant_name": "王小明", "id_number": "11010519491231002X", "phone": "13812345678",
               "email": "wang@example.com", "f_employer": "廊坊市第一中学", "f_years": "12", "f_started": "2014-07-01",
               "f_level": "中级", "f_agent_id": "", "declaration": "y", "submission": "@fresh"}
DISCLOSURE = {"applicant_kind": "person", "applicant_name": "王小明", "id_number": "11010519491231002X",
              "phone": "13812345678", "email": "wang@example.com", "address": "廊坊市广阳区新华路12号",
              "postcode": "065000", "description": "广阳区万庄新城二期地块国有土地上房屋征收补偿方案",
              "document_number": "", "purpose": "", "form": "electronic", "delivery": "online", "declaration": "y",
              "submission": "@fresh"}


def _write_letter(world) -> tuple[object, str, int]:
    """A citizen writes a letter through the form; returns the citizen, the query code and the letter's id."""
    from core.interaction.models import Letter

    citizen = world.citizen()
    html = citizen.get("/interaction/write/consultation").get_data(as_text=True)
    data = {**LETTER, "submission": secrets.token_urlsafe(24), "csrf_token": csrf_token(html)}
    assert citizen.post("/interaction/write/consultation", data=data).status_code == 302
    code = re.search(r'class="svc-code">([A-Z0-9-]+)<', citizen.get("/interaction/receipt").get_data(as_text=True))[1]
    with world.app.app_context(), activate_tenant(world.site.id):
        letter_id = db.session.query(Letter.id).order_by(Letter.id.desc()).first()[0]
        db.session.remove()
    return citizen, code, letter_id


def _find(client, path: str, code: str) -> None:
    """Look an item up by its code and phone, so that the session holds it (the follow-up forms' precondition)."""
    html = client.get(path).get_data(as_text=True)
    response = client.post(path, data={"code": code, "phone": "13812345678", "csrf_token": csrf_token(html)})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def _apply(world, item_id: int) -> tuple[object, str, int]:
    from core.services.models import Application

    citizen = world.citizen()
    path = f"/services/items/{item_id}/apply"
    html = citizen.get(path).get_data(as_text=True)
    body, kind = multipart([(k, (secrets.token_urlsafe(24) if v == "@fresh" else v).encode())
                            for k, v in {**APPLICATION, "csrf_token": csrf_token(html)}.items()],
                           [File("f_diploma", "学历证书.pdf".encode(), PDF, "application/pdf")])
    assert citizen.post(path, data=body, content_type=kind).status_code == 302
    code = re.search(r'class="svc-code">([A-Z0-9-]+)<', citizen.get("/services/receipt").get_data(as_text=True))[1]
    with world.app.app_context(), activate_tenant(world.site.id):
        application_id = db.session.query(Application.id).order_by(Application.id.desc()).first()[0]
        db.session.remove()
    return citizen, code, application_id


def _disclose(world) -> tuple[object, str, int]:
    from core.disclosure.models_applications import DisclosureApplication

    citizen = world.citizen()
    html = citizen.get("/disclosure/apply").get_data(as_text=True)
    data = {**DISCLOSURE, "submission": secrets.token_urlsafe(24), "csrf_token": csrf_token(html)}
    assert citizen.post("/disclosure/apply", data=data).status_code == 302
    code = re.search(r'class="svc-code">([A-Z0-9-]+)<', citizen.get("/disclosure/receipt").get_data(as_text=True))[1]
    with world.app.app_context(), activate_tenant(world.site.id):
        application_id = db.session.query(DisclosureApplication.id).order_by(DisclosureApplication.id.desc()).first()[0]
        db.session.remove()
    return citizen, code, application_id


def letter_write(world) -> Target:
    return Target("/interaction/write/consultation", LETTER, _redirect_to("/interaction/receipt"),
                  # a letter like many before it from the same phone is held for review: a second event
                  {"interaction_letters": 1, "interaction_letter_events": range(1, 3), "audit_entries": 1},
                  files={"attachment": {"limit": 5 * 1024 * 1024}},
                  limits={"subject": 200, "body": 5000, "writer_name": 50})


def letter_query(world) -> Target:
    _citizen, code, _id = _write_letter(world)
    return Target("/interaction/query", {"code": code, "phone": "13812345678"},
                  _redirect_to("/interaction/query/letter"), {})


def letter_info(world) -> Target:
    from core.interaction.models import Letter

    citizen, code, letter_id = _write_letter(world)
    officer = world.officer("interaction_officer")
    ask = lambda: _step(officer, f"/admin/interaction/letters/{letter_id}", "request_info",  # noqa: E731
                        note="请补充您的参保地。")
    ask()
    _find(citizen, "/interaction/query", code)
    return Target("/interaction/query/info", {"text": "参保地为广阳区。"},
                  lambda r: r.status_code == 302 and _letter_status(world, Letter, letter_id) == "new",
                  {"interaction_letter_events": 1, "audit_entries": 1}, limits={"text": 2000},
                  client=lambda: citizen, token_from="/interaction/write/consultation", after_accepted=ask)


def _letter_status(world, model, letter_id):
    with world.app.app_context(), activate_tenant(world.site.id):
        found = db.session.get(model, letter_id)
        status = found.status if found.rating is None else f"rated:{found.rating}"
        db.session.remove()
        return status


def letter_rating(world) -> Target:
    from core.interaction.models import Letter

    citizen, code, letter_id = _write_letter(world)
    officer = world.officer("interaction_officer")
    _step(officer, f"/admin/interaction/letters/{letter_id}", "reply", reply="可以补缴。", office="办公室")
    _find(citizen, "/interaction/query", code)
    return Target("/interaction/query/rating", {"rating": "satisfied"},
                  lambda r: r.status_code == 302 and _letter_status(world, Letter, letter_id).startswith("rated:"),
                  {"interaction_letter_events": 1, "audit_entries": 1},
                  client=lambda: citizen, token_from="/interaction/write/consultation",
                  after_accepted=lambda: world.rewind(Letter, Letter.id == letter_id, rating=None, rated_at=None))


def consultation(world) -> Target:
    made = make_consultation(world.app, world.site, open_on=date(2026, 3, 1), close_on=date(2026, 3, 31))
    return Target(f"/consultations/{made.id}",
                  {"body": "建议将补贴申请时限由30日延长至60日。", "part": "第五条", "name": "王小明",
                   "phone": "13812345678"},
                  lambda r: r.status_code == 302 and r.headers["Location"].endswith("#take-part"),
                  {"consultation_opinions": 1, "audit_entries": 1},
                  limits={"body": 5000, "part": 100, "name": 50})


def service_apply(world) -> Target:
    item = make_item(world.app, world.site)
    return Target(f"/services/items/{item.id}/apply", APPLICATION, _redirect_to("/services/receipt"),
                  {"service_applications": 1, "service_application_events": 1, "audit_entries": 1},
                  files={"f_diploma": {"limit": 1024 * 1024}}, file_table="service_application_files",
                  limits={"applicant_name": 100, "f_employer": 100})


def service_track(world) -> Target:
    item = make_item(world.app, world.site)
    _citizen, code, _id = _apply(world, item.id)
    return Target("/services/track", {"code": code, "phone": "13812345678"}, _redirect_to("/services/track/status"),
                  {})


def _application_status(world, application_id):
    from core.services.models import Application

    with world.app.app_context(), activate_tenant(world.site.id):
        status = db.session.get(Application, application_id).status
        db.session.remove()
        return status


def service_resubmit(world) -> Target:
    item = make_item(world.app, world.site)
    citizen, code, application_id = _apply(world, item.id)
    officer = world.officer("service_officer")
    give_back = lambda: _step(officer, f"/admin/services/applications/{application_id}", "return",  # noqa: E731
                              note="请补充学历证书的认证报告。")
    give_back()
    _find(citizen, "/services/track", code)
    valid = {k: v for k, v in APPLICATION.items() if k.startswith("f_")} | {"note": "已补充认证报告。"}
    return Target("/services/track/resubmit", valid,
                  lambda r: r.status_code == 302 and _application_status(world, application_id) != "returned",
                  {"service_application_events": 1, "audit_entries": 1},
                  files={"f_diploma": {"limit": 1024 * 1024}}, file_table="service_application_files",
                  limits={"note": 500, "f_employer": 100},
                  client=lambda: citizen, token_from="/services/track/status", after_accepted=give_back)


def service_feedback(world) -> Target:
    from core.services.models import Feedback

    item = make_item(world.app, world.site)
    citizen, code, application_id = _apply(world, item.id)
    officer = world.officer("service_officer")
    path = f"/admin/services/applications/{application_id}"
    _step(officer, path, "accept")
    _step(officer, path, "approve")
    _step(officer, path, "complete", note="决定书已邮寄。")
    _find(citizen, "/services/track", code)
    return Target("/services/track/feedback", {"rating": "5", "comment": "办理很快。"},
                  lambda r: r.status_code == 302 and _has_feedback(world, Feedback),
                  {"service_feedback": 1, "audit_entries": 1}, limits={"comment": 1000},
                  client=lambda: citizen, token_from="/services/track/status",
                  after_accepted=lambda: world.remove(Feedback, Feedback.application_id == application_id))


def _has_feedback(world, model) -> bool:
    with world.app.app_context(), activate_tenant(world.site.id):
        found = db.session.query(model.id).first() is not None
        db.session.remove()
        return found


def disclosure_apply(world) -> Target:
    return Target("/disclosure/apply", DISCLOSURE, _redirect_to("/disclosure/receipt"),
                  {"disclosure_applications": 1, "disclosure_application_events": 1, "audit_entries": 1},
                  files={"files": {"limit": ATTACHMENT_BYTES, "valid": True, "many": True}},
                  file_table="disclosure_application_files",
                  limits={"applicant_name": 100, "description": 2000, "address": 200})


def disclosure_track(world) -> Target:
    _citizen, code, _id = _disclose(world)
    return Target("/disclosure/track", {"code": code, "phone": "13812345678"},
                  _redirect_to("/disclosure/track/status"), {})


def disclosure_clarify(world) -> Target:
    from core.disclosure.models_applications import DisclosureApplication

    officer = world.officer("disclosure_officer")
    citizen = world.citizen()
    waiting = {}

    def new_waiting():
        """Clarification is asked once per application: each acceptance needs a new application that waits."""
        _filer, code, application_id = _disclose(world)
        path = f"/admin/disclosure/applications/{application_id}"
        _step(officer, path, "register", received_on="2026-03-02")
        _step(officer, path, "clarify", note="请写明地块的具体名称。")
        _find(citizen, "/disclosure/track", code)
        waiting["id"] = application_id

    def status():
        with world.app.app_context(), activate_tenant(world.site.id):
            found = db.session.get(DisclosureApplication, waiting["id"]).status
            db.session.remove()
            return found

    new_waiting()
    return Target("/disclosure/track/clarify", {"text": "地块为万庄新城二期。"},
                  lambda r: r.status_code == 302 and status() != "clarifying",
                  {"disclosure_application_events": 1, "audit_entries": 1},
                  files={"files": {"limit": ATTACHMENT_BYTES, "many": True}}, limits={"text": 2000},
                  file_table="disclosure_application_files",
                  client=lambda: citizen, token_from="/disclosure/track/status", after_accepted=new_waiting)


def _unlock(world, user_id: int):
    return lambda: world.rewind(User, User.id == user_id, failed_logins=0, locked_until=None, is_locked=False,
                                totp_last_step=None)


def login(world) -> Target:
    account = world.create_account("wang.editor", site=world.site, roles=["editor"])
    return Target("/admin/login", {"username": account.username, "password": PASSWORD},
                  lambda r: r.status_code == 302 and "/admin/login" not in r.headers["Location"],
                  {"user_sessions": 1, "audit_entries": 1}, limits={"username": 64, "password": 200},
                  client=world.citizen, before_each=_unlock(world, account.id),
                  refusal_adds={"audit_entries": "a refused sign-in is recorded (who tried, from where)"})


def login_verify(world) -> Target:
    account = world.create_account("li.auditor", site=world.site, roles=["editor"], totp=True)

    def pending():
        client = world.citizen()
        html = client.get("/admin/login").get_data(as_text=True)
        response = client.post("/admin/login", data={"username": account.username, "password": PASSWORD,
                                                     "csrf_token": csrf_token(html)})
        assert response.headers["Location"].endswith("/admin/login/verify"), response.headers.get("Location")
        return client

    return Target("/admin/login/verify", {"code": "@totp:" + account.totp_secret},
                  lambda r: r.status_code == 302 and "/admin/login" not in r.headers["Location"],
                  {"user_sessions": 1, "audit_entries": range(1, 3)}, limits={"code": 8}, client=pending,
                  before_each=_unlock(world, account.id),
                  refusal_adds={"audit_entries": "a wrong second-step code is recorded"})


def password_change(world) -> Target:
    """The password change a signed-in account is sent to (there is no public reset form: an administrator resets
    a password, and the account must change it at its next sign-in)."""
    client, account = world.signed_in(world.site.host, "zhao.editor", site=world.site, roles=["editor"])
    new = "Battery-Staple-77"
    # The first (explicit) example changes the password; later ones carry a current password that is no longer
    # right, and are refused, as they must be.
    return Target("/admin/password", {"current": PASSWORD, "new": new, "confirm": new}, _redirect_to("/admin/account"),
                  {"password_history": 1, "audit_entries": 1}, limits={"current": 200, "new": 200, "confirm": 200},
                  client=lambda: client, before_each=_unlock(world, account.id))


#: endpoint -> how its form is set up; `test_every_public_form_is_covered` keeps it complete.
TARGETS: dict[str, Callable[[World], Target]] = {
    "interaction_letters.write": letter_write,
    "interaction_letters.query": letter_query,
    "interaction_letters.query_info": letter_info,
    "interaction_letters.query_rating": letter_rating,
    "interaction_consultations.public_detail": consultation,
    "services_applications.apply": service_apply,
    "services_applications.track": service_track,
    "services_applications.resubmit_application": service_resubmit,
    "services_applications.feedback": service_feedback,
    "disclosure_applications.apply": disclosure_apply,
    "disclosure_applications.track": disclosure_track,
    "disclosure_applications.send_clarification": disclosure_clarify,
    "auth.login": login,
    "auth.verify": login_verify,
}
#: Forms behind a sign-in that the brief counts with the public ones.
SIGNED_IN = {"auth.change_password": password_change}


def test_every_public_form_is_covered(app):
    """A new route open to anyone that takes a POST must get its hostile-input run here."""
    public_posts = {rule.endpoint for rule in app.url_map.iter_rules()
                    if "POST" in rule.methods and rule.endpoint in RULES and RULES[rule.endpoint].permission is None}
    assert public_posts == set(TARGETS), (sorted(public_posts - set(TARGETS)), sorted(set(TARGETS) - public_posts))
    assert all(endpoint in RULES for endpoint in SIGNED_IN)


@pytest.fixture
def world(app, create_site, client_for, signed_in, create_account, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_BYTES", ATTACHMENT_BYTES)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", CONTENT_LENGTH)
    site = create_site("rsj", name_zh="廊坊市人事局", name_en="Langfang Municipal Personnel Bureau")
    return World(app, site, client_for, signed_in, create_account, clock)


def _values(pairs):
    out = []
    for name, value in _fresh_key(pairs):
        if value.startswith(b"@totp:"):
            value = pyotp.TOTP(value[6:].decode()).now().encode()
        out.append((name, value))
    return out


def _stored_files(files: list[File], fields: dict[str, dict]) -> int:
    """How many files an accepted submission stores: each named part of a field that takes many; the first named
    part of a field that takes one (as Flask-WTF's FileField reads it: the parts after it are not looked at). A
    part without a name is "no file chosen", as a browser sends it."""
    count = 0
    for name, options in fields.items():
        named = [f for f in files if f.field == name and f.name]
        count += len(named) if options.get("many") else int(bool(named))
    return count


@pytest.mark.parametrize("endpoint", [*TARGETS, *SIGNED_IN])
def test_hostile_submissions(app, world, endpoint):
    """Never a 5xx; refused: nothing stored (no row in any table, no file); accepted: stored exactly once."""
    target = {**TARGETS, **SIGNED_IN}[endpoint](world)
    client_of = target.client or world.citizen
    fixed = world.citizen() if target.client is None else None
    outcomes = {"accepted": 0, "refused": 0}
    file_fields = {name: file_parts(name, limit=o["limit"], valid=o.get("valid", True), many=o.get("many", False))
                   for name, o in target.files.items()}
    files_strategy = st.fixed_dictionaries(file_fields).map(lambda d: [f for parts in d.values() for f in parts])
    good_files = [File(name, "申请材料.pdf".encode(), PDF, "application/pdf") for name in target.files]
    multipart_form = bool(target.files)

    @PROFILE
    @given(fields=mutations(target.valid, target.limits), files=files_strategy)
    @example(fields=[(k, v.encode()) for k, v in target.valid.items()], files=good_files)
    def check(fields, files):
        if target.before_each:
            target.before_each()
        client = fixed or client_of()
        page = client.get(target.token_from or target.path)
        html = page.get_data(as_text=True)
        assert "csrf_token" in html, ("the form's page offers no form", page.status_code, page.headers.get("Location"))
        pairs = _values([("csrf_token", csrf_token(html).encode()), *fields])
        before = snapshot(app)
        if multipart_form or files:
            body, kind = multipart(pairs, files)
        else:
            body, kind = urlencoded(pairs), "application/x-www-form-urlencoded"
        response = client.post(target.path, data=body, content_type=kind)
        after = snapshot(app)
        assert response.status_code < 500, response.get_data(as_text=True)[-2000:]
        changed = before.changes(after)
        if target.accepted(response):
            outcomes["accepted"] += 1
            sent = _stored_files(files, target.files)
            expected = {**target.adds, **({target.file_table: sent} if target.file_table and sent else {}),
                        **({"<files>": sent} if sent else {})}
            assert set(changed) == set(expected) and all(
                changed[t] in n if isinstance(n, range) else changed[t] == n for t, n in expected.items()), \
                (changed, files)
            if target.after_accepted:
                target.after_accepted()
        else:
            outcomes["refused"] += 1
            assert {t: n for t, n in changed.items() if t not in target.refusal_adds} == {}, \
                (response.status_code, changed, response.headers.get("Location"))

    if target.files:  # past the request's own limit (MAX_CONTENT_LENGTH): refused whole, before any form is read
        beyond = File(next(iter(target.files)), b"beyond.pdf", PDF + b"0" * CONTENT_LENGTH, "application/pdf")
        check = example(fields=[(k, v.encode()) for k, v in target.valid.items()], files=[beyond])(check)
    check()
    assert outcomes["accepted"] >= 1 and outcomes["refused"] >= 1, outcomes
