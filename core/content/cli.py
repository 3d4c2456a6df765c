"""`flask articles …`: publishing from a shell until the workflow's admin pages exist."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from core.content.files import ContentError, Upload
from core.content.filing import filing_options
from core.content.operations import create_article
from core.content.sanitize import clean_body
from core.extensions import db
from core.sections.models import POLICY_LEVELS
from core.sections.queries import site_sections
from tenants.provisioning import ProvisioningError, get_tenant
from tenants.scoping import activate_tenant, crosses_tenants

articles_cli = AppGroup("articles", help="Create articles on a site.")


@articles_cli.command("create")
@click.argument("slug")
@click.option("--section", "section_slug", required=True, help="The section's address name, e.g. news.")
@click.option("--title", required=True)
@click.option("--body-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="HTML body (e.g. a page of the old site); it is cleaned, and what is removed is listed.")
@click.option("--encoding", default="utf-8", show_default=True, help="The body file's encoding, e.g. gb18030.")
@click.option("--summary", default="")
@click.option("--source", default="")
@click.option("--author", default="")
@click.option("--published-at", type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%d"]), help="Default: now.")
@click.option("--backdate-reason", default="", help="Why it is dated earlier than today (an old page moved over, a "
                                                    "document signed earlier); the evaluation counts an item dated "
                                                    "beyond the back-dating margin (the bureau's evaluation "
                                                    "settings: 3 days unless changed) without one as a forged date.")
@click.option("--attach", "attachments", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--policy-level", type=click.Choice(POLICY_LEVELS))
@click.option("--document-number", default="")
@click.option("--issuing-body", default="")
@click.option("--category", default="", help="The disclosure category to file it under: its name or number "
                                              "(required in the disclosure column).")
@click.option("--subject", default="", help="The subject classification (主题分类): its name or number.")
@crosses_tenants("the command works on the site its argument names")
def create(slug, section_slug, title, body_file, encoding, summary, source, author, published_at, backdate_reason,
           attachments, policy_level, document_number, issuing_body, category, subject) -> None:
    """Publish an article in one of a site's sections."""
    try:
        tenant = get_tenant(slug)
    except ProvisioningError as error:
        raise click.UsageError(error.message) from None
    body = clean_body(_read_body(body_file, encoding)) if body_file else None
    with activate_tenant(tenant.id):
        section = next((s for s in site_sections() if s.slug == section_slug), None)
        if section is None:
            raise click.UsageError(f"no section '{section_slug}' on {slug}")
        try:
            filing = {"disclosure_category_id": _filing_entry("disclosure_category_id", category, "--category"),
                      "subject_id": _filing_entry("subject_id", subject, "--subject")}
            article = create_article(
                section=section, title=title, body_html=body.html if body else "",
                summary=summary, source=source, author=author, published_at=published_at,
                backdate_reason=backdate_reason,
                attachments=[Upload(p.name, p.read_bytes()) for p in attachments],
                policy_level=policy_level, document_number=document_number, issuing_body=issuing_body, **filing,
            )
        except ContentError as error:
            # A refused article, as every refused change of the shell (README): what is wrong, by field; status 2.
            db.session.rollback()
            for field, message in error.problems.items():
                click.echo(f"error: {field}: {message}" if field else f"error: {message}", err=True)
            raise SystemExit(2) from None
        db.session.commit()
        if body and body.removed:
            click.echo(str(_l("For safety, the text was cleaned: removed %(what)s.", what=", ".join(body.removed))))
        click.echo(f"article {article.id} published in {slug}/{section_slug}")


def _filing_entry(field: str, given: str, option: str) -> int | None:
    """The id of the list entry named (or numbered) `given`; None when nothing was given."""
    given = given.strip()
    if not given:
        return None
    found = next((key for key, label in filing_options(field) if given in (str(key), label)), None)
    if found is None:
        names = "、".join(label for _, label in filing_options(field))
        raise click.BadParameter(f"no entry '{given}'; the list: {names}", param_hint=option)
    return found


def _read_body(path: Path, encoding: str) -> str:
    """The body file's text, or a clear refusal when it is not in the encoding named."""
    try:
        return path.read_bytes().decode(encoding)
    except LookupError:
        raise click.BadParameter(f"unknown encoding '{encoding}'", param_hint="--encoding") from None
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path.name} is not {encoding} text (byte {error.start}); "
                                   "old sites often use gb18030: try --encoding gb18030") from None


def init_app(app: Flask) -> None:
    app.cli.add_command(articles_cli)
