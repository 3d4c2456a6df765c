"""The changes to training material: the bureau's material, files and examples; a person's acknowledgement; the
distribution and the reminder the scheduled jobs send.

Every function is @audited and records what it did (the bureau's changes in the
platform's log; an acknowledgement in the log of the site it was made on; the
deliveries as the inbox's own entries).
"""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import current_app
from flask_babel import format_date, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.audit.log import record
from core.auth.models import SITE_ROLES, User
from core.content.files import ContentError, Upload, write_upload
from core.extensions import db
from core.inbox.links import site_url
from core.inbox.operations import deliver
from core.operations import OperationError, OperationForbidden, audited
from core.text import column_problems
from core.timeutil import now as clock
from core.training.files import check_training_file, training_folder
from core.training.models import (SITE_SCOPES, GoodPractice, TrainingAcknowledgement, TrainingFile, TrainingMaterial,
                                  TrainingSite)
from core.training.queries import (acknowledgement_of, acknowledged, audience_people, holders, in_audience_here,
                                   message_key, published_item_title, published_materials, reminder_due, reminder_key)
from core.web.loading import parse_int
from jobs import progress
from tenants.models import SiteGroup, Tenant

#: The longest description and note kept (characters).
DESCRIPTION_LIMIT = 5000
NOTE_LIMIT = 2000
#: The fields of a material an update may change, as the audit log names them.
EDIT_FIELDS = ("title", "description", "due_on", "roles", "sites")


class TrainingError(OperationError):
    """Training material or an example refused, with a message per field."""


def _target(material: TrainingMaterial) -> str:
    return material.title[:200]


# --- the bureau's material ---------------------------------------------------------------------

def _audience_values(all_roles: bool, roles: list[str], site_scope: str, group_id: int | None,
                     site_ids: list[int], problems: dict) -> tuple[list[str], SiteGroup | None, list[Tenant]]:
    """Check the audience; return the roles, the group and the sites it names."""
    roles = [] if all_roles else [r for r in SITE_ROLES if r in set(roles)]
    if not all_roles and not roles:
        problems["roles"] = _l("Choose at least one role, or every role.")
    if set(roles) - set(SITE_ROLES):
        problems["roles"] = _l("Choose roles from the list.")
    group, sites = None, []
    if site_scope not in SITE_SCOPES:
        problems["site_scope"] = _l("Choose which sites the material is for.")
    elif site_scope == "group":
        group = db.session.get(SiteGroup, group_id) if group_id else None
        if group is None:
            problems["group"] = _l("Choose the group of sites.")
    elif site_scope == "sites":
        wanted = sorted(set(site_ids))
        sites = list(db.session.execute(select(Tenant).where(Tenant.id.in_(wanted or [0]))
                                        .order_by(Tenant.slug)).scalars())
        if not wanted:
            problems["sites"] = _l("Tick at least one site, or choose every site.")
        elif len(sites) != len(wanted):
            problems["sites"] = _l("A site ticked no longer exists; tick the sites again.")
    return roles, group, sites


def _check_uploads(uploads: list[Upload], problems: dict) -> None:
    """Every file is checked before any is written, so a refusal writes nothing."""
    for upload in uploads:
        try:
            check_training_file(upload)
        except ContentError as error:
            problems["files"] = error.message
            return


def _check_due(due_on: date | None, problems: dict, *, today: date) -> None:
    if due_on is None:
        problems["due_on"] = _l("Give the day by which it should be read, e.g. %(day)s.", day=today.isoformat())
    elif due_on < today:
        problems["due_on"] = _l("That day has passed: choose today or a later day.")


def _sites_detail(site_scope: str, group: SiteGroup | None, sites: list[Tenant]) -> list[str]:
    if site_scope == "group" and group is not None:
        return [group.name_zh]
    if site_scope == "sites":
        return [site.name_zh for site in sites]
    return ["all"]


def _store_files(material: TrainingMaterial, uploads: list[Upload]) -> list[str]:
    names = []
    for upload in uploads:
        entry = write_upload(upload, folder=training_folder())
        material.files.append(TrainingFile(filename=entry["filename"], stored_name=entry["stored_name"],
                                           content_type=entry["content_type"], size=entry["size"],
                                           created_at=clock()))
        names.append(entry["filename"])
    return names


def _fields_problems(title: str, description: str) -> dict:
    problems = column_problems(TrainingMaterial, {"title": title, "description": description},
                               multiline=("description",))
    if not title:
        problems["title"] = _l("Give the material a title.")
    if len(description) > DESCRIPTION_LIMIT:
        problems["description"] = _l("At most %(n)s characters.", n=DESCRIPTION_LIMIT)
    return problems


@audited
def create_material(*, actor: User, title: str, description: str = "", due_on: date | None, all_roles: bool = True,
                    roles: list[str] = (), site_scope: str = "all", group_id: int | None = None,
                    site_ids: list[int] = (), uploads: list[Upload] = (), today: date | None = None
                    ) -> TrainingMaterial:
    """Save a new material as a draft (it reaches nobody until published).

    :param all_roles, roles: every site role, or those listed (codes of `SITE_ROLES`).
    :param site_scope, group_id, site_ids: "all" sites, the sites of group `group_id`, or the sites listed.
    :param uploads: its files, each checked (type, size, content) before any is written.
    :raises TrainingError: under the field at fault (title, description, due_on, roles, site_scope, group,
        sites, files); nothing is written.
    """
    today = today or clock().date()
    title, description = (title or "").strip(), (description or "").strip()
    problems = _fields_problems(title, description)
    _check_due(due_on, problems, today=today)
    roles, group, sites = _audience_values(all_roles, list(roles), site_scope, group_id, list(site_ids), problems)
    _check_uploads(list(uploads), problems)
    if problems:
        raise TrainingError(problems)
    moment = clock()
    material = TrainingMaterial(title=title, description=description, due_on=due_on, status="draft",
                                all_roles=all_roles, roles=",".join(roles), site_scope=site_scope,
                                group_id=group.id if group else None, created_by_id=actor.id if actor else None,
                                created_at=moment, updated_at=moment)
    material.chosen_sites = [TrainingSite(site_id=site.id) for site in sites]
    db.session.add(material)
    names = _store_files(material, list(uploads))
    db.session.flush()
    record("training.create", _target(material), title=title, read_by=due_on.isoformat(),
           for_roles=roles or ["all"], for_sites=_sites_detail(site_scope, group, sites), file=names)
    return material


@audited
def update_material(material: TrainingMaterial, *, actor: User, title: str, description: str = "",
                    due_on: date | None, all_roles: bool = True, roles: list[str] = (), site_scope: str = "all",
                    group_id: int | None = None, site_ids: list[int] = (), uploads: list[Upload] = (),
                    today: date | None = None) -> list[str]:
    """Change a material (a published one too: a wider audience is reached by the next distribution, a narrower
    one stops seeing it); add the files uploaded. Returns the names of the fields changed.

    A due date may stay as it was even when it has passed; a new one must not be in the past.

    :raises TrainingError: as `create_material`; nothing is written.
    """
    today = today or clock().date()
    title, description = (title or "").strip(), (description or "").strip()
    problems = _fields_problems(title, description)
    if due_on != material.due_on:
        _check_due(due_on, problems, today=today)
    roles, group, sites = _audience_values(all_roles, list(roles), site_scope, group_id, list(site_ids), problems)
    _check_uploads(list(uploads), problems)
    if problems:
        raise TrainingError(problems)
    before = {"title": material.title, "description": material.description, "due_on": material.due_on,
              "roles": (material.all_roles, material.role_list),
              "sites": (material.site_scope, material.group_id, material.site_ids)}
    material.title, material.description, material.due_on = title, description, due_on
    material.all_roles, material.roles = all_roles, ",".join(roles)
    material.site_scope, material.group_id = site_scope, group.id if group else None
    if sorted(site.id for site in sites) != material.site_ids:
        material.chosen_sites = [TrainingSite(site_id=site.id) for site in sites]
    after = {"title": title, "description": description, "due_on": due_on, "roles": (all_roles, roles),
             "sites": (site_scope, material.group_id, sorted(site.id for site in sites))}
    changed = [name for name in EDIT_FIELDS if before[name] != after[name]]
    names = _store_files(material, list(uploads))
    if not changed and not names:
        return []
    material.updated_at = clock()
    db.session.flush()
    detail = {"title": title, "changed": changed}
    if "due_on" in changed:
        detail["read_by"] = due_on.isoformat()
    if "roles" in changed:
        detail["for_roles"] = roles or ["all"]
    if "sites" in changed:
        detail["for_sites"] = _sites_detail(site_scope, group, sites)
    if names:
        detail["file"] = names
    record("training.update", _target(material), **detail)
    return changed


@audited
def remove_file(file: TrainingFile, *, actor: User) -> None:
    """Take a file off a material. Its stored copy stays on disk (as an attachment's does): a message already sent
    may be read later, and the backup keeps what was distributed.

    :raises TrainingError: when it is the last file of a published material (its audience would be sent
        nothing to read): add the new file first, or withdraw the material.
    """
    material = file.material
    if material.status == "published" and len(material.files) <= 1:
        raise TrainingError(_l("A published material keeps at least one file: add the new file first, then take "
                               "this one off, or withdraw the material."))
    material.files.remove(file)
    material.updated_at = clock()
    db.session.flush()
    record("training.file_remove", _target(material), title=material.title, file=file.filename)


@audited
def publish_material(material: TrainingMaterial, *, actor: User, today: date | None = None) -> None:
    """Publish a draft (or a withdrawn material again): the distribution job delivers it to its audience.

    :raises TrainingError: when it is already published, has no file, or its due date has passed.
    """
    today = today or clock().date()
    if material.status == "published":
        raise TrainingError(_l("It is already published."))
    problems: dict = {}
    if not material.files:
        problems["files"] = _l("Add at least one file before publishing.")
    if material.due_on < today:
        problems["due_on"] = _l("Its due date has passed: set a new one before publishing.")
    if problems:
        raise TrainingError(problems)
    material.status, material.published_at, material.withdrawn_at = "published", clock(), None
    db.session.flush()
    record("training.publish", _target(material), title=material.title, read_by=material.due_on.isoformat())


@audited
def withdraw_material(material: TrainingMaterial, *, actor: User) -> None:
    """Stop distributing a published material and take it off the recipients' pages (acknowledgements stay).

    :raises TrainingError: when it is not published.
    """
    if material.status != "published":
        raise TrainingError(_l("Only a published material can be withdrawn."))
    material.status, material.withdrawn_at = "withdrawn", clock()
    db.session.flush()
    record("training.withdraw", _target(material), title=material.title)


# --- a person's acknowledgement ----------------------------------------------------------------

@audited
def acknowledge(material: TrainingMaterial, *, user: User, roles: set[str], site: Tenant) -> bool:
    """Record that the person has read the material ("I have read it"), on the site they read it on.

    Once per person: acknowledging again (here or on another site), or twice at once, changes nothing and
    returns False.

    :param roles: the person's roles on `site`.
    :raises OperationForbidden: when the person is not in the material's audience on this site.
    """
    if not in_audience_here(material, roles, site):
        raise OperationForbidden(_l("Only the people this material is for can acknowledge it."))
    if acknowledgement_of(material.id, user.id) is not None:
        return False
    try:
        # Two presses at once both find no acknowledgement: the unique key lets one in, the other changes nothing.
        with db.session.begin_nested():
            db.session.add(TrainingAcknowledgement(material_id=material.id, user_id=user.id, acknowledged_at=clock()))
    except IntegrityError:
        # The savepoint's insert was undone; the entry says why a write was tried and nothing changed.
        record("training.acknowledge_again", _target(material), user=user, title=material.title)
        return False
    record("training.acknowledge", _target(material), user=user, title=material.title)
    return True


# --- good-practice examples --------------------------------------------------------------------

_ITEM_ADDRESS = re.compile(r"/articles/([0-9]{1,10})(?:[/?#]|$)")


def _item_number(item: str) -> int | None:
    """An item's number from what the bureau typed: the number, or its public page's address."""
    item = item.strip()
    found = _ITEM_ADDRESS.search(item)
    number = parse_int(item) if found is None else parse_int(found.group(1))
    return -1 if number is None else number


@audited
def add_good_practice(*, actor: User, site_id: int | None, item: str = "", note: str) -> GoodPractice:
    """Mark a site, or one of its published items, as a good-practice example, with what others can learn from it.

    :param item: empty for the whole site; else the item's number or the address of its public page.
    :raises TrainingError: under "site", "item" (not a published item of that site) or "note".
    """
    note = (note or "").strip()
    problems = column_problems(GoodPractice, {"note": note}, multiline=("note",))
    site = db.session.get(Tenant, site_id) if site_id else None
    if site is None:
        problems["site"] = _l("Choose the site.")
    if not note:
        problems["note"] = _l("Say what the other departments can learn from it.")
    elif len(note) > NOTE_LIMIT:
        problems["note"] = _l("At most %(n)s characters.", n=NOTE_LIMIT)
    article_id, title = None, ""
    if item and item.strip():
        article_id = _item_number(item)
        if article_id is None or article_id < 0:
            problems["item"] = _l("Give the item's number, or the address of its public page (ending in "
                                  "/articles/ and its number).")
        elif site is not None:
            title = published_item_title(site.id, article_id) or ""
            if not title:
                problems["item"] = _l("The site has no published item with that number.")
    if problems:
        raise TrainingError(problems)
    example = GoodPractice(site_id=site.id, article_id=article_id, title=title[:300], note=note,
                           created_by_id=actor.id if actor else None, created_at=clock())
    db.session.add(example)
    db.session.flush()
    record("training.example_add", title or site.name_zh, site=site.name_zh, article_id=article_id)
    return example


@audited
def remove_good_practice(example: GoodPractice, *, actor: User) -> None:
    db.session.delete(example)
    db.session.flush()
    record("training.example_remove", example.title or example.site.name_zh, site=example.site.name_zh,
           article_id=example.article_id)


# --- distribution and reminders (the scheduled jobs) -------------------------------------------

def _link(material_id: int, people: dict[int, list[int]], sites: dict[int, Tenant]):
    """The address of the material's page on the (first) site where the person is in its audience."""
    def link(user: User) -> str:
        site = sites.get(people[user.id][0])
        return site_url(site, f"/admin/training/{material_id}") if site is not None else ""
    return link


def _recipients(material: TrainingMaterial, exclude: set[int] = frozenset()):
    people = {user_id: site_ids for user_id, site_ids in audience_people(material).items() if user_id not in exclude}
    users = list(db.session.execute(select(User).where(User.id.in_(list(people) or [0])).order_by(User.id)).scalars())
    wanted = {site_id for site_ids in people.values() for site_id in site_ids}
    sites = {s.id: s for s in db.session.execute(select(Tenant).where(Tenant.id.in_(wanted or {0}))).scalars()}
    return users, people, sites


def _due_text(material: TrainingMaterial) -> str:
    return format_date(material.due_on, "long")


@audited
def distribute(moment: datetime) -> dict[str, int]:
    """Deliver every published material to everyone in its audience who does not have it yet.

    Once per person (the inbox's key "training:<id>"), so each run reaches only
    those who joined the audience since the last: a new account, a new role, a
    site added. Locked accounts are skipped by the inbox. The message links to
    the material's page on a site where the person is in its audience, and goes
    out by e-mail too when SMTP is configured and the person gave an address.

    :returns: ``{"materials": published materials looked at, "people": messages delivered}``.
    """
    materials = published_materials()
    delivered = 0
    for material in progress.track(materials, label=_l("Delivering training material")):
        users, people, sites = _recipients(material, exclude=holders(message_key(material.id)))
        if not users:
            continue

        def body(user, material=material):
            text = str(_l("The information bureau has sent you training material: “%(title)s”. Please read it by "
                          "%(due)s and then confirm on its page that you have read it.", title=material.title,
                          due=_due_text(material)))
            return f"{text}\n\n{material.description}" if material.description else text

        made = deliver(users, key=message_key(material.id), kind="training",
                       subject=lambda user, title=material.title: _l("Training material: %(title)s", title=title),
                       body=body, link=_link(material.id, people, sites))
        delivered += len(made)
    return {"materials": len(materials), "people": delivered}


@audited
def send_reminders(moment: datetime, *, remind_days: int | None = None) -> dict[str, int]:
    """Remind, once, everyone in a material's audience who has not acknowledged it, shortly before its due date.

    A material is reminded on the days `queries.reminder_due` names (from TRAINING_REMIND_DAYS working days before
    the due date through the due date; never after it). Each person gets one reminder per material (the inbox's key
    "training-reminder:<id>"), so a daily run reaches only those not reminded yet; those who acknowledged are
    left out.

    :returns: ``{"materials": materials reminded today, "people": reminders delivered}``.
    """
    today = moment.date()
    days = int(current_app.config["TRAINING_REMIND_DAYS"]) if remind_days is None else remind_days
    due = [m for m in published_materials() if reminder_due(m.due_on, today, days)]
    sent = 0
    for material in progress.track(due, label=_l("Reminding of training material due soon")):
        users, people, sites = _recipients(material, exclude=holders(reminder_key(material.id))
                                           | set(acknowledged(material.id)))
        if not users:
            continue
        def body(user, material=material):
            return _l("You have not yet confirmed that you have read the training material “%(title)s”. It should be "
                      "read by %(due)s: open it, read it, and press “I have read it”.", title=material.title,
                      due=_due_text(material))

        made = deliver(users, key=reminder_key(material.id), kind="reminder",
                       subject=lambda user, title=material.title: _l("Reminder: read “%(title)s”", title=title),
                       body=body, link=_link(material.id, people, sites))
        sent += len(made)
    return {"materials": len(due), "people": sent}
