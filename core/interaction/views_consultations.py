"""Public consultations (意见征集): the public reads drafts and sends opinions; the department runs the whole cycle.

Public pages (a site's host, open to anyone): the list of consultations, one
consultation with its draft, its window and, while the window is open, the
opinion form (rate-limited per address, CSRF-checked); once the summary is
published, the summary with its counts. Opinions themselves are never shown
publicly, only how many there are; the senders' names and mobile numbers
appear on no public page.

Admin pages (`consultations.view` to read): editors draft (`content.edit`),
publishers publish and withdraw (`content.publish`), interaction officers read
the opinions, decide on each, export them and publish the feedback summary
(`interaction.handle`). Names and mobile numbers are shown in full to the
site's interaction officers only, masked to anyone else.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import (Blueprint, Response, abort, current_app, flash, get_flashed_messages, redirect, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user

from core.content.files import STORED_NAME, Upload, add_file_referrer, download_type, upload_dir
from core.extensions import db, limiter
from core.forms import ActionForm, submitted
from core.interaction.consultations import (DECISION_LABELS, DOCUMENT_EXTENSIONS, PHASE_LABELS, create_consultation,
                                            decide_opinion, editable, note_export, publish_consultation,
                                            publish_summary, submit_opinion, update_consultation,
                                            withdraw_consultation)
from core.interaction.forms_consultations import (ConsultationForm, DecisionForm, OpinionForm, SummaryForm,
                                                  WithdrawForm)
from core.interaction.models_consultations import DECISIONS, Consultation
from core.interaction.queries_consultations import (PHASES, admin_consultations, all_opinions, awaiting_summary,
                                                    consultation_lists, days_left, decision_counts,
                                                    may_see_personal_data, next_window_change, opinion_of,
                                                    opinions_query, phase, public_consultation, received_count,
                                                    referenced_documents, undecided_count, user_names)
from core.sections.queries import request_sections
from core.web import add_menu_item, add_panel, cached_page, get_or_404, page_number, route
from core.web.actions import attempt
from core.web.limits import address_key
from core.web.cache import add_next_change
from themes import render_page

bp = Blueprint("interaction_consultations", __name__, template_folder="templates")
ADMIN = "/admin/consultations"
PER_PAGE = 30
VIEW = "consultations.view"


def _comment_limit() -> str:
    return current_app.config["CONSULTATION_COMMENT_RATE_LIMIT"]


_address_key = address_key("consult")


def _interaction_section():
    """The site's interaction section (互动交流), for the navigation and the breadcrumb."""
    return next((s for s in request_sections() if s.kind == "interaction"), None)


# --- public pages ------------------------------------------------------------------------------

@route(bp, "/consultations/", permission=None)
@cached_page
def public_list():
    """Every published consultation: those taking opinions (or about to) first, then the closed ones."""
    return render_page("interaction/consultations.html", lists=consultation_lists(), section=_interaction_section())


def _public_page(consultation: Consultation, form: OpinionForm, status: int = 200):
    state = phase(consultation)
    return render_page("interaction/consultation.html", consultation=consultation, phase=state,
                       form=form if state == "open" else None, opinions=received_count(consultation.id),
                       counts=decision_counts(consultation.id) if state == "concluded" else None,
                       section=_interaction_section(), phase_labels=PHASE_LABELS,
                       decision_labels=DECISION_LABELS, days_left=days_left(consultation),
                       messages=get_flashed_messages(with_categories=True)), status


@route(bp, "/consultations/<int:consultation_id>", permission=None, methods=("GET", "POST"))
@limiter.limit(_comment_limit, methods=["POST"], key_func=_address_key)
def public_detail(consultation_id: int):
    """A consultation: its draft and window, the opinion form while open, the summary once published."""
    consultation = public_consultation(consultation_id)
    if consultation is None:
        abort(404)
    form = OpinionForm()
    if request.method == "POST":
        if phase(consultation) != "open":
            # The form is not offered outside the window; a post that comes anyway is refused, and says why.
            flash(_("This consultation is not taking opinions now."), "error")
            return redirect(url_for("interaction_consultations.public_detail", consultation_id=consultation.id))
        if form.validate_on_submit():
            done, _refusal = attempt(submit_opinion, consultation, body=form.body.data or "",
                                     part=form.part.data or "", name=form.name.data or "",
                                     phone=form.phone.data or "", form=form)
            if done:
                db.session.commit()
                flash(_("Thank you: your opinion has been received. The office reads every opinion and "
                        "publishes how it used them here after the consultation closes."), "success")
                return redirect(url_for("interaction_consultations.public_detail", consultation_id=consultation.id)
                                + "#take-part")
        return _public_page(consultation, form, 200)
    return _public_page(consultation, form)


@route(bp, "/consultations/<int:consultation_id>/document", permission=None)
def public_document(consultation_id: int):
    """The draft as a document, as an attachment under its own name."""
    consultation = public_consultation(consultation_id)
    if consultation is None or not consultation.document_stored_name:
        abort(404)
    return _send(consultation)


def _send(consultation: Consultation) -> Response:
    """The draft document as an attachment: its type from the stored name's extension, never the upload's claim."""
    stored, filename = consultation.document_stored_name or "", consultation.document_filename or ""
    path = upload_dir(consultation.tenant_id) / stored
    if not STORED_NAME.match(stored) or not path.is_file():
        abort(404)
    response = Response(path.read_bytes(), mimetype=download_type(stored))
    response.headers["X-Content-Type-Options"] = "nosniff"
    if filename.isascii():
        response.headers.set("Content-Disposition", "attachment", filename=filename)
    else:
        # Old clients read only filename=: give them a name that says what it is, not a bare ".pdf".
        response.headers.set("Content-Disposition", "attachment",
                             filename=f"draft-{consultation.id}.{stored.rsplit('.', 1)[-1]}",
                             **{"filename*": f"UTF-8''{quote(filename, safe='')}"})
    return response


# --- the department's pages --------------------------------------------------------------------

def _upload(form: ConsultationForm) -> Upload | None:
    data = form.document.data
    if not data or not getattr(data, "filename", ""):
        return None
    return Upload(data.filename, data.read(), data.mimetype)


def _fields(form: ConsultationForm) -> dict:
    return {"title": form.title.data or "", "office": form.office.data or "", "open_on": form.open_on.data,
            "close_on": form.close_on.data, "body_html": form.body_html.data or "", "how_to": form.how_to.data or ""}


@route(bp, f"{ADMIN}/", permission=VIEW)
def admin_list():
    wanted = request.args.get("phase", "")
    if wanted and wanted not in PHASES:
        abort(404)
    rows = admin_consultations()
    counts = {p: sum(1 for _c, state, _n in rows if state == p) for p in PHASES}
    shown = [row for row in rows if not wanted or row[1] == wanted]
    return render_page("interaction/consultation_admin_list.html", rows=shown, counts=counts, wanted=wanted,
                       total=len(rows), phase_labels=PHASE_LABELS)


@route(bp, f"{ADMIN}/new", permission="content.edit", methods=("GET", "POST"))
def admin_new():
    form = ConsultationForm()
    if form.validate_on_submit():
        done, result = attempt(create_consultation, actor=current_user, document=_upload(form), form=form,
                               **_fields(form))
        if done:
            db.session.commit()
            flash(_("The consultation was saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("interaction_consultations.admin_detail", consultation_id=result.id))
    return render_page("interaction/consultation_admin.html", consultation=None, form=form,
                       extensions=DOCUMENT_EXTENSIONS, editable=True)


def _admin_page(consultation: Consultation, *, form: ConsultationForm | None = None,
                withdraw_form: WithdrawForm | None = None, status: int = 200):
    state = phase(consultation)
    can_edit = editable(consultation)
    if form is None:
        form = ConsultationForm(obj=consultation, formdata=None)
    names = user_names([consultation.created_by_id, consultation.summary_by_id])
    return render_page("interaction/consultation_admin.html", consultation=consultation, form=form,
                       editable=can_edit, phase=state, phase_labels=PHASE_LABELS, extensions=DOCUMENT_EXTENSIONS,
                       counts=decision_counts(consultation.id), undecided=undecided_count(consultation),
                       withdraw_form=withdraw_form or WithdrawForm(prefix="withdraw", formdata=None),
                       action_form=ActionForm(formdata=None), names=names,
                       decision_labels=DECISION_LABELS, days_left=days_left(consultation)), status


@route(bp, f"{ADMIN}/<int:consultation_id>", permission=VIEW, write="content.edit", methods=("GET", "POST"))
def admin_detail(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    if request.method == "POST":
        form = ConsultationForm()
        if form.validate_on_submit():
            done, changed = attempt(update_consultation, consultation, actor=current_user, document=_upload(form),
                                    remove_document=bool(form.remove_document.data), form=form, **_fields(form))
            if done:
                db.session.commit()
                flash(_("Saved.") if changed else _("Nothing was changed."), "success")
                return redirect(url_for("interaction_consultations.admin_detail", consultation_id=consultation.id))
        return _admin_page(consultation, form=form)
    return _admin_page(consultation)


@route(bp, f"{ADMIN}/<int:consultation_id>/publish", permission=VIEW, write="content.publish", methods=("POST",))
def admin_publish(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    submitted(ActionForm())
    done, _refusal = attempt(publish_consultation, consultation, actor=current_user)
    if done:
        db.session.commit()
        flash(_("Published. The public sees it now and can send opinions from its first day."), "success")
    return redirect(url_for("interaction_consultations.admin_detail", consultation_id=consultation.id))


@route(bp, f"{ADMIN}/<int:consultation_id>/withdraw", permission=VIEW, write="content.publish", methods=("POST",))
def admin_withdraw(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    form = WithdrawForm(prefix="withdraw")
    if form.validate_on_submit():
        done, _refusal = attempt(withdraw_consultation, consultation, actor=current_user,
                                 reason=form.reason.data or "", form=form)
        if done:
            db.session.commit()
            flash(_("Withdrawn: it is no longer on the public site. The opinions sent are kept."), "success")
            return redirect(url_for("interaction_consultations.admin_detail", consultation_id=consultation.id))
    return _admin_page(consultation, withdraw_form=form)


@route(bp, f"{ADMIN}/<int:consultation_id>/document", permission=VIEW)
def admin_document(consultation_id: int):
    """The attached draft document, for the staff checking it before it is published."""
    consultation = get_or_404(Consultation, consultation_id)
    if not consultation.document_stored_name:
        abort(404)
    return _send(consultation)


# --- the interaction officers' pages -----------------------------------------------------------

def _opinions_page(consultation: Consultation, *, failed: tuple[int, DecisionForm] | None = None, status: int = 200):
    decision = request.args.get("decision", "")
    if decision and decision not in (*DECISIONS, "none"):
        abort(404)
    search = request.args.get("q", "").strip()[:50]
    pagination = db.paginate(opinions_query(consultation, decision=decision, search=search), page=page_number(),
                             per_page=PER_PAGE, error_out=False)
    rows = list(pagination.items)
    forms = {}
    for opinion in rows:
        if failed is not None and failed[0] == opinion.id:
            forms[opinion.id] = failed[1]
        else:
            forms[opinion.id] = DecisionForm(prefix=f"o{opinion.id}", formdata=None,
                                             data={"decision": opinion.decision, "reason": opinion.reason})
    counts = decision_counts(consultation.id)
    return render_page("interaction/consultation_opinions.html", consultation=consultation, rows=rows,
                       pagination=pagination, forms=forms, counts=counts, undecided=undecided_count(consultation),
                       full=may_see_personal_data(current_user), phase=phase(consultation),
                       phase_labels=PHASE_LABELS, decision_labels=DECISION_LABELS,
                       names=user_names(o.decided_by_id for o in rows),
                       filters={"decision": decision, "q": search},
                       pager_args={k: v for k, v in {"decision": decision, "q": search}.items() if v}), status


@route(bp, f"{ADMIN}/<int:consultation_id>/opinions", permission="interaction.handle")
def admin_opinions(consultation_id: int):
    return _opinions_page(get_or_404(Consultation, consultation_id))


@route(bp, f"{ADMIN}/<int:consultation_id>/opinions/<int:opinion_id>", permission="interaction.handle",
       methods=("POST",))
def admin_decide(consultation_id: int, opinion_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    opinion = opinion_of(consultation, opinion_id)
    if opinion is None:
        abort(404)
    form = DecisionForm(prefix=f"o{opinion.id}")
    if form.validate_on_submit():
        done, _refusal = attempt(decide_opinion, opinion, consultation, actor=current_user,
                                 decision=form.decision.data, reason=form.reason.data or "", form=form)
        if done:
            db.session.commit()
            flash(_("The decision on opinion %(n)s was saved.", n=opinion.id), "success")
            return redirect(url_for("interaction_consultations.admin_opinions", consultation_id=consultation.id,
                                    **{k: v for k, v in request.args.items() if k in ("decision", "q", "page")})
                            + f"#opinion-{opinion.id}")
    return _opinions_page(consultation, failed=(opinion.id, form))


def _export_rows(consultation: Consultation) -> tuple[list[str], list[list]]:
    full = may_see_personal_data(current_user)
    from core.privacy.masking import mask_name, mask_phone

    header = [pgettext("opinions column", "Number"), _("Received"), _("Part of the draft"), _("Opinion"), _("Name"),
              _("Mobile number"), _("Decision"), _("Why")]
    rows = []
    for o in all_opinions(consultation):
        rows.append([o.id, o.submitted_at.strftime("%Y-%m-%d %H:%M"), o.part, o.body,
                     (o.name if full else mask_name(o.name)) if o.name else "",
                     (o.phone if full else mask_phone(o.phone)) if o.phone else "",
                     str(DECISION_LABELS[o.decision]) if o.decision else "", o.reason])
    return header, rows


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@route(bp, f"{ADMIN}/<int:consultation_id>/opinions.csv", permission="interaction.handle")
def admin_export_csv(consultation_id: int):
    from core.services.stats import Table, to_csv

    consultation = get_or_404(Consultation, consultation_id)
    header, rows = _export_rows(consultation)
    done, _refusal = attempt(note_export, consultation, actor=current_user, file_format="csv", rows=len(rows))
    if not done:
        abort(403)
    db.session.commit()
    return _download(to_csv(Table(_("Opinions"), header, rows, frozenset())),
                     f"consultation-{consultation.id}-opinions.csv", "text/csv")


@route(bp, f"{ADMIN}/<int:consultation_id>/opinions.xlsx", permission="interaction.handle")
def admin_export_xlsx(consultation_id: int):
    from core.services.stats import Table, to_xlsx

    consultation = get_or_404(Consultation, consultation_id)
    header, rows = _export_rows(consultation)
    done, _refusal = attempt(note_export, consultation, actor=current_user, file_format="xlsx", rows=len(rows))
    if not done:
        abort(403)
    db.session.commit()
    return _download(to_xlsx([Table(_("Opinions"), header, rows, frozenset())]),
                     f"consultation-{consultation.id}-opinions.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@route(bp, f"{ADMIN}/<int:consultation_id>/summary", permission="interaction.handle", methods=("GET", "POST"))
def admin_summary(consultation_id: int):
    consultation = get_or_404(Consultation, consultation_id)
    form = SummaryForm()
    if request.method == "POST" and form.validate_on_submit():
        done, _counts = attempt(publish_summary, consultation, actor=current_user,
                                summary_text=form.summary_text.data or "", form=form)
        if done:
            db.session.commit()
            flash(_("The feedback summary is published: the public page now shows the whole consultation."),
                  "success")
            return redirect(url_for("interaction_consultations.admin_detail", consultation_id=consultation.id))
    elif request.method == "GET":
        form = SummaryForm(formdata=None, data={"summary_text": consultation.summary_text})
    return render_page("interaction/consultation_summary.html", consultation=consultation, form=form,
                       phase=phase(consultation), phase_labels=PHASE_LABELS, counts=decision_counts(consultation.id),
                       undecided=undecided_count(consultation), decision_labels=DECISION_LABELS)


def _panel() -> dict:
    return {"consultations_awaiting": awaiting_summary()}


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(consultation_lists=consultation_lists, consultation_days_left=days_left,
                                 consultation_phase_label=lambda p: str(PHASE_LABELS.get(p, p)))
    add_file_referrer(referenced_documents)
    add_next_change(next_window_change)
    add_menu_item(app, "site", "interaction_consultations.admin_list", _l("Public consultations"), VIEW, order=47)
    add_panel(app, "site", "interaction/consultation_panel.html", _panel, "interaction.handle", order=17)
