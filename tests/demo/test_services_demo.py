"""The demo city's online services: real items with complete guides, forms to download, and months of applications."""
from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
import re
import zipfile
from collections import Counter
from datetime import timedelta

from PIL import Image
from sqlalchemy import delete, select

from core.auth.models import User
from core.content.files import upload_dir
from core.demo.services import fill_services, load_data, site_items
from core.extensions import db
from core.privacy.checks import id_number_problem, is_mobile
from core.services.guide import missing_elements
from core.services.applications import FILES_SUBFOLDER
from core.services.fields import file_problem, parse_fields
from core.services.models import (APPLICATION_STATES, Application, ApplicationEvent, ApplicationFile, Feedback,
                                  ServiceForm, ServiceItem, ServiceMaterial, ServiceStep)
from core.timeutil import now
from core.workdays.queries import working_calendar
from tenants.catalog import load_catalog
from tenants.models import Tenant
from tenants.scoping import activate_tenant

WINDOW = {s["slug"] for s in load_catalog()["sites"] if s["is_window_department"]}


def _all(query):
    return list(db.session.execute(query.execution_options(all_tenants=True)).scalars())


def _fingerprint(tenant_id: int) -> list:
    with activate_tenant(tenant_id):
        items = [(i.code, i.name, i.online_level, i.published_guide is not None, len(i.materials), len(i.steps),
                  [f.title for f in i.forms]) for i in db.session.execute(select(ServiceItem).order_by(ServiceItem.id))
                 .scalars()]
        applications = [(a.tracking_code, a.status, a.submitted_at, a.completed_at, a.due_on, a.applicant_name,
                         a.id_number, a.phone) for a in db.session.execute(select(Application)
                                                                          .order_by(Application.id)).scalars()]
        codes = dict(db.session.execute(select(Application.id, Application.tracking_code)).all())
        files = [(codes[f.application_id], f.field_key, f.filename, f.size, f.superseded, f.uploaded_at)
                 for f in db.session.execute(select(ApplicationFile).order_by(ApplicationFile.id)).scalars()]
    return [items, applications, files]


def test_the_demo_city_gets_real_items_forms_and_applications_in_every_state(app, runner, admin):
    result = runner.invoke(args=["demo", "load", "--news-per-site", "3"])
    assert result.exit_code == 0, result.output
    assert "212 service items and" in result.output
    today = now().date()
    with app.app_context():
        tenants = {t.slug: t for t in _all(select(Tenant))}
        items = _all(select(ServiceItem))
        tenants_by_id = {t.id: t.slug for t in tenants.values()}
        by_site = Counter(tenants_by_id[i.tenant_id] for i in items)
        # Every window department has its own items (several), licensing ones among them, most online.
        for slug in WINDOW:
            own = [i for i in items if tenants_by_id[i.tenant_id] == slug]
            assert len(own) >= 4, slug
            assert any(i.kind == "licensing" for i in own), slug
            assert sum(i.online_level == "online" for i in own) >= 2, slug
        # Every site lists at least its disclosure request, with the form to download.
        assert set(by_site) == set(tenants)
        # Real names and guides: every published guide has all ten elements, cites its law, states its fee.
        published = [i for i in items if i.published_guide is not None]
        assert len(published) == len(items) - 2  # two guides are still being written
        assert all(missing_elements(i) == [] for i in published)
        assert all(missing_elements(i) for i in items if i.published_guide is None)
        assert all(re.search(r"《[^》]{4,}》", i.legal_basis) for i in items)
        assert sum(i.fee_standard == "不收费" for i in items) > len(items) * 0.8
        assert all(i.promised_days is not None and i.promised_days <= (i.statutory_days or 999) for i in items)
        names = {i.name for i in items}
        assert {"劳务派遣经营许可", "失业保险金申领", "食品经营许可", "有限责任公司设立登记", "取水许可",
                "建筑工程施工许可证核发", "住房公积金提取", "政府信息公开申请"} <= names
        # Forms: real .docx files on disk, offered with the material they are for.
        forms = _all(select(ServiceForm))
        assert len(forms) > 150
        sample = forms[::37]
        for form in sample:
            path = upload_dir(form.tenant_id) / form.stored_name
            assert zipfile.ZipFile(path).read("word/document.xml").decode().count(form.title) >= 1
        linked = [m for m in _all(select(ServiceMaterial)) if m.blank_form_id]
        assert len(linked) > 150
        # Every non-window department at least offers its forms to download.
        for slug, tenant in tenants.items():
            if slug not in WINDOW:
                assert any(f.tenant_id == tenant.id for f in forms), slug

        applications = _all(select(Application))
        states = Counter(a.status for a in applications)
        assert set(states) == set(APPLICATION_STATES)
        assert states["completed"] > len(applications) * 0.7 and states["submitted"] >= 3 and states["returned"] >= 3
        start = today - timedelta(days=184)
        assert all(start <= a.submitted_at.date() < today for a in applications)
        months = Counter(a.submitted_at.strftime("%Y-%m") for a in applications)
        assert len(months) >= 6
        # Personal data that looks real and passes the forms' checks; tracking codes unique and unguessable.
        assert all(id_number_problem(a.id_number, today=today) is None and is_mobile(a.phone) for a in applications)
        assert len({a.tracking_code for a in applications}) == len(applications)
        # The due date is the promised limit in working days from submission, moved on by the days in correction.
        calendar = working_calendar(start - timedelta(days=10), today + timedelta(days=200))
        promised = {(i.tenant_id, i.id): i.promised_days for i in items}
        events = {}
        for e in _all(select(ApplicationEvent).order_by(ApplicationEvent.at, ApplicationEvent.id)):
            events.setdefault((e.tenant_id, e.application_id), []).append(e)
        late = completed = 0
        for a in applications:
            steps = events[(a.tenant_id, a.id)]
            assert steps[0].to_status == "submitted" and steps[0].from_status is None
            assert steps[-1].to_status == a.status and [s.at for s in steps] == sorted(s.at for s in steps)
            paused = sum(calendar.between(r.at.date(), back.at.date())
                         for r, back in zip(steps, steps[1:]) if r.to_status == "returned")
            expected = calendar.add(a.submitted_at.date(), promised[(a.tenant_id, a.item_id)])
            assert a.due_on == calendar.add(expected, paused), a.tracking_code
            if a.status == "completed":
                completed += 1
                late += a.completed_at.date() > a.due_on
        assert 0.03 < late / completed < 0.2  # mostly on time, not always
        _check_uploaded_materials(applications, items, events)
        ratings = _all(select(Feedback))
        assert len(ratings) > completed * 0.6
        assert Counter(f.rating for f in ratings).most_common(1)[0][0] == 5
        poor = [f for f in ratings if f.rating <= 2]
        assert poor and all(f.problems for f in poor)
        assert any(f.follow_up_answer for f in poor) and any(not f.follow_up_answer for f in poor)
        # The sites taking applications online have a service officer, who took the steps.
        officers = {u.username for u in _all(select(User).where(User.username.like("%.serviceofficer")))}
        assert {f"{slug}.serviceofficer" for slug in WINDOW} <= officers
        assert "sjj.serviceofficer" not in officers

    # The bureau's coverage flags the window departments with a licensing item not online.
    admin.set_language("en")
    coverage = list(csv.DictReader(io.StringIO(admin.get("/platform/services/coverage.csv").get_data()
                                               .decode("utf-8")[1:])))
    assert {r["Address name"] for r in coverage if r["Flagged"] == "Yes"} == {"kfq", "gaj", "ajj"}
    city = admin.get("/platform/services/stats").get_data(as_text=True)
    assert "No figures in this period" not in city

    # Loading again writes nothing; a site's services drawn again from its seed are the same.
    again = runner.invoke(args=["demo", "load", "--news-per-site", "3"])
    assert "0 service items and 0 applications" in again.output
    with app.app_context():
        rsj = tenants["rsj"]
        before = _fingerprint(rsj.id)
        with activate_tenant(rsj.id):
            for model in (Feedback, ApplicationEvent, ApplicationFile, Application, ServiceStep, ServiceMaterial,
                          ServiceForm, ServiceItem):
                db.session.execute(delete(model))
            site = next(s for s in load_catalog()["sites"] if s["slug"] == "rsj")
            fill_services(site, today=today, rng=random.Random(f"{app.config['DEMO_SEED']}:rsj:services"),
                          officer_id=db.session.execute(select(User.id).where(User.username == "rsj.serviceofficer"))
                          .scalar_one())
            db.session.commit()
        assert _fingerprint(rsj.id) == before


def _check_uploaded_materials(applications, items, events) -> None:
    """Every application, in every state, has the scans its applicant uploaded, as the public form keeps them."""
    specs = {(i.tenant_id, i.id): {s.key: s for s in parse_fields(i.application_fields)} for i in items}
    files = defaultdict(list)
    for f in _all(select(ApplicationFile).order_by(ApplicationFile.uploaded_at, ApplicationFile.id)):
        files[(f.tenant_id, f.application_id)].append(f)
    assert set(files) == {(a.tenant_id, a.id) for a in applications}
    checked: dict[str, bytes] = {}
    for a in applications:
        sent = files[(a.tenant_id, a.id)]
        fields = specs[(a.tenant_id, a.item_id)]
        required = {k for k, spec in fields.items() if spec.type == "file" and spec.required}
        assert required <= {f.field_key for f in sent if not f.superseded}, a.tracking_code
        for f in sent:
            # On disk under the site's folder for applicants' materials, of the declared type, as the form checks it.
            data = (upload_dir(f.tenant_id) / FILES_SUBFOLDER / f.stored_name).read_bytes()
            assert len(data) == f.size and file_problem(fields[f.field_key], f.filename, data) is None, f.filename
            assert f.content_type == ("application/pdf" if f.filename.endswith(".pdf") else "image/jpeg")
            checked.setdefault(f.filename.rsplit(".", 1)[-1], data)
        steps = events[(a.tenant_id, a.id)]
        assert sent[0].uploaded_at == a.submitted_at
        back = [s.at for s in steps if s.from_status == "returned" and s.to_status == "submitted"]
        if not back:
            assert not any(f.superseded for f in sent) and {f.uploaded_at for f in sent} == {a.submitted_at}
            continue
        # Sent back corrected: the material asked about is sent again; the file it replaces is kept, superseded.
        again = [f for f in sent if f.uploaded_at == back[0]]
        assert len(again) == 1 and not again[0].superseded, a.tracking_code
        old = [f for f in sent if f.superseded]
        assert all(f.field_key == again[0].field_key and f.uploaded_at == a.submitted_at for f in old)
    resubmitted = [sent for sent in files.values() if any(f.superseded for f in sent)]
    assert len(resubmitted) >= 5
    # The files open: a one-page PDF, a JPEG photo.
    assert checked["pdf"].startswith(b"%PDF-") and checked["pdf"].rstrip().endswith(b"%%EOF")
    assert b"/Count 1" in checked["pdf"]
    with Image.open(io.BytesIO(checked["jpg"])) as image:
        image.verify()
    # Named as applicants name them: by the material, and the ID card's photo by its sides.
    names = Counter(f.filename for sent in files.values() for f in sent)
    assert names["身份证正反面.jpg"] > 20 and any(n.startswith("IMG_") for n in names)


def test_the_data_file_names_a_real_department_for_each_entry():
    catalog = {s["slug"]: s for s in load_catalog()["sites"]}
    data = load_data()
    assert set(data["sites"]) <= set(catalog)
    assert {s for s in WINDOW} <= set(data["sites"])
    for slug, place in data["sites"].items():
        for item in place.get("items", []):
            assert item["online"] in ("online", "download", "in_person"), item["name"]
            assert item.get("kind", "licensing") in ("licensing", "public_service"), item["name"]
            for name, form, count, note in item["materials"]:
                assert form in ("原件", "复印件", "原件及复印件") and count >= 1, name
    county = next(s for s in catalog.values() if s["kind"] == "county")
    assert [i["name"] for i in site_items(county)] == ["农村村民宅基地审批", "政府信息公开申请"]
