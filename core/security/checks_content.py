"""Checks of what a site publishes: every public text of the site, as the public reads it.

Only what the public sees is read: items published now (core.content.queries.published),
the text of single-page sections and the address of link sections, published
consultations (the draft, and the feedback summary once published), the
published guides of service items (as last approved) and published letters
with their replies — the last three through their modules' queries. Each text
is read once per run (`documents`), and every check here looks at that
reading; each finding links to the page where the site changes that text.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.content.files import upload_dir
from core.content.models import Article, Attachment
from core.content.queries import published
from core.content.sanitize import clean_html, removed_markup
from core.extensions import db
from core.interaction.queries_consultations import published_texts as consultation_texts
from core.interaction.queries_letters import published_texts as letter_texts
from core.security.html import PhraseIndex, Scan, hits, normalise_text, scan_html
from core.security.links import LinkResolver
from core.security.registry import CheckContext, Found, check
from core.security.words import allowed_hosts, forbidden_words, host_allowed, readable_host, wrong_expressions
from core.sections.models import Section
from core.services.queries_guide import public_guide_texts
from tenants.scoping import current_tenant_id

#: Links named on one finding, at most (the count says how many there were).
LINKS_NAMED = 10
#: What a finding in a consultation's feedback summary is named (worded when the run keeps it).
SUMMARY_NAME = _l("Feedback summary of “%(title)s”")


@dataclass
class Document:
    """One published text: an item, a section's page, a consultation, a service guide, a published letter."""

    key: str  # "article:12", "section:3", "consultation:4", "consultation:4/summary", "service_item:7", "letter:9"
    name: str  # its title
    page: str  # its public path, against which relative links are read
    link: str  # where it is edited
    #: The rich text (links, markup); "" for a text the public page shows as plain text.
    html: str
    #: The title and summary, or the whole of a plain text: checked for words like the body.
    heading: str
    #: A link section's address (its only "body").
    address: str = ""
    _scan: Scan | None = None
    _text: str | None = None

    @property
    def scan(self) -> Scan:
        """The body's links and text, read the first time a check asks."""
        if self._scan is None:
            self._scan = scan_html(self.html)
        return self._scan

    @property
    def text(self) -> str:
        """The title, summary and body text as a reader sees them (what the word lists are searched in)."""
        if self._text is None:
            self._text = normalise_text(f"{self.heading} {self.scan.text}")
        return self._text


def documents(ctx: CheckContext) -> list[Document]:
    """Every public text of the site (items, section pages, consultations, service guides, published letters),
    read once per run."""
    return ctx.once("documents", lambda: [*_articles(), *_sections(), *_consultations(), *_service_guides(),
                                          *_letters()])


def _articles() -> list[Document]:
    return [Document(f"article:{a.id}", a.title, f"/articles/{a.id}", f"/admin/articles/{a.id}", a.body_html,
                     f"{a.title} {a.summary}")
            for a in db.session.execute(select(Article.id, Article.title, Article.summary, Article.body_html)
                                        .where(published()).order_by(Article.id))]


def _sections() -> list[Document]:
    return [Document(f"section:{section.id}", section.name_zh, f"/sections/{section.slug}/",
                     f"/admin/sections/{section.id}", section.page_html or "", section.name_zh,
                     address=section.external_url if section.kind == "external_link" else "")
            for section in db.session.execute(select(Section).order_by(Section.id)).scalars()
            if section.page_html or section.external_url]


def _consultations() -> list[Document]:
    """A published consultation's draft (rich text) and, once published, its feedback summary (plain text)."""
    found = []
    for c in consultation_texts():
        page, link = f"/consultations/{c.id}", f"/admin/consultations/{c.id}"
        found.append(Document(f"consultation:{c.id}", c.title, page, link, c.body_html, f"{c.title} {c.details}"))
        if c.summary:
            found.append(Document(f"consultation:{c.id}/summary", str(SUMMARY_NAME) % {"title": c.title}, page,
                                  f"{link}/summary", "", c.summary))
    return found


def _service_guides() -> list[Document]:
    """A service item's guide as last approved (plain text: the public page escapes it, so only words are read)."""
    return [Document(f"service_item:{item_id}", name, f"/services/items/{item_id}",
                     f"/admin/services/items/{item_id}", "", f"{name}\n{text}")
            for item_id, name, text in public_guide_texts()]


def _letters() -> list[Document]:
    """A published letter and its reply (plain text, masked), fixed where its officers publish it again."""
    return [Document(f"letter:{letter.letter_id}", letter.subject, f"/interaction/letters/{letter.id}",
                     f"/admin/interaction/letters/{letter.letter_id}", "", f"{letter.subject}\n{letter.text}")
            for letter in letter_texts()]


def _resolver(ctx: CheckContext) -> LinkResolver:
    return ctx.once("links", LinkResolver)


@check(key="content.broken_links", scope="site", severity="medium",
       title=_l("Broken internal links"),
       fix=_l("Edit the item: link to the page as it is now, or remove the link. A link to an item that was "
              "withdrawn or a section that was renamed leads nowhere."),
       details=_l("%(count)s links lead to no page: %(links)s"))
def broken_links(ctx: CheckContext):
    """A published text (an item, a page, a consultation's draft) linking to a page of the platform (this site,
    another site, the portal) that does not exist for the public: resolved through the app's URL map and the
    content, never by a request."""
    resolver = _resolver(ctx)
    for doc in documents(ctx):
        urls = [link.url for link in doc.scan.links]
        urls += [doc.address] if doc.address else []
        broken = list(dict.fromkeys(u for u in urls if resolver.resolve(u, page=doc.page).broken))
        if broken:
            yield Found(doc.key, doc.name, values={"count": len(broken), "links": broken[:LINKS_NAMED]},
                        link=doc.link)


@check(key="content.missing_attachments", scope="site", severity="medium",
       title=_l("Attachments whose file is missing"),
       fix=_l("Upload the file to the item again, or remove the attachment: visitors who download it get an "
              "error page."),
       details=_l("Attached to “%(item)s”; the stored file %(stored)s is not in the upload folder."))
def missing_attachments(ctx: CheckContext):
    """A published item's attachment whose stored file is gone from the site's upload folder."""
    folder = upload_dir(current_tenant_id())
    rows = db.session.execute(
        select(Attachment.id, Attachment.filename, Attachment.stored_name, Article.id, Article.title)
        .join(Article, (Article.id == Attachment.article_id) & (Article.tenant_id == Attachment.tenant_id))
        .where(published()).order_by(Attachment.id)).all()
    for attachment_id, filename, stored, article_id, title in rows:
        if not (folder / Path(stored).name).is_file():
            yield Found(f"attachment:{attachment_id}", filename, values={"item": title, "stored": stored},
                        link=f"/admin/articles/{article_id}")


@check(key="content.external_links", scope="site", severity="medium",
       title=_l("Links to outside sites not on the allowed list"),
       fix=_l("Check that the outside site is one the department means to send visitors to; remove the link if "
              "not. The information bureau adds hosts every site may link to on the console."),
       details=_l("Links to %(host)s: %(links)s"))
def external_links(ctx: CheckContext):
    """A link (or an embedded frame or script) in a published text (an item, a page, a consultation's draft) to
    a host the platform does not serve and that is not on the bureau's allow-list (each host with its
    subdomains). One finding per text and host, so that an accepted host stays accepted for that text."""
    resolver, allowed = _resolver(ctx), ctx.once("allowed_hosts", allowed_hosts)
    for doc in documents(ctx):
        by_host: dict[str, list[str]] = {}
        urls = [link.url for link in doc.scan.links if link.tag != "img"]
        urls += [doc.address] if doc.address else []
        for url in urls:
            target = resolver.resolve(url, page=doc.page)
            if target.kind == "external" and not host_allowed(target.host, allowed):
                by_host.setdefault(target.host, [])
                if url not in by_host[target.host]:
                    by_host[target.host].append(url)
        for host, links in by_host.items():
            yield Found(f"{doc.key}/host:{host}"[:200], doc.name,
                        values={"host": readable_host(host), "links": links[:LINKS_NAMED]}, link=doc.link)


#: How a link hides, in words (the CSS ways are named as CSS writes them, in both languages).
HIDING_WORDS = {
    "off_screen": _l("placed off the screen"),
    "hidden_attribute": _l("marked hidden"),
    "empty": _l("a link with no visible text"),
    "tiny_image": _l("a link on a picture too small to see"),
}


@check(key="content.hidden_links", scope="site", severity="high",
       title=_l("Hidden links (暗链)"),
       fix=_l("Someone may have changed the page: remove the hidden link at once, find out how it got there (the "
              "item's revisions and the audit log), and change the passwords of the accounts that could edit it."),
       details=_l("%(count)s links visitors cannot see (%(how)s): %(links)s"),
       words={"how": HIDING_WORDS})
def hidden_links(ctx: CheckContext):
    """A link in a published text (an item, a page, a consultation's draft) that visitors cannot see but search
    engines follow: inside an element styled out of sight or marked hidden (core.security.html.HIDING_STYLES),
    whatever its host; or, to a host outside the platform, a link that shows nothing (no visible text, or only a
    picture of two pixels or less), which the editor's cleaning lets through."""
    resolver = _resolver(ctx)
    for doc in documents(ctx):
        hidden = []
        for link in doc.scan.links:
            if link.tag != "a":
                continue
            if link.hidden:
                hidden.append((link, link.hidden))
            elif link.blank and resolver.resolve(link.url, page=doc.page).kind == "external":
                hidden.append((link, link.blank))
        if hidden:
            yield Found(doc.key, doc.name, values={
                "count": len(hidden), "how": sorted({how for _link, how in hidden}),
                "links": list(dict.fromkeys(link.url for link, _how in hidden))[:LINKS_NAMED]}, link=doc.link)


@check(key="content.forbidden_words", scope="site", severity="high",
       title=_l("Forbidden words"),
       fix=_l("Edit the item and remove the word. If it was not written by the department, the site may have been "
              "changed by someone else: look at the item's revisions and the audit log."),
       details=_l("“%(word)s” is in the text; places found: %(count)s."))
def forbidden_words_found(ctx: CheckContext):
    """A word of the bureau's forbidden list in a published text — an item's title, summary or body (hidden
    text included), a section's page, a consultation and its feedback summary, a service guide, a published
    letter and its reply — with the text around each place; one finding per text and word."""
    index = ctx.once("forbidden_words", lambda: PhraseIndex(forbidden_words()))
    for doc in documents(ctx):
        text = doc.text
        for word in index.in_text(text):
            around = hits(text, word.phrase)
            if around:
                yield Found(f"{doc.key}/word:{word.phrase}"[:200], doc.name,
                            values={"word": word.phrase, "count": len(around)}, excerpts=around, link=doc.link)


@check(key="content.wrong_expressions", scope="site", severity="high",
       title=_l("Wrong official expressions (严重表述错误)"),
       fix=_l("Edit the item and write the expression in its correct form: inspections count a wrong name of a "
              "body or a meeting as a serious error."),
       details=_l("“%(wrong)s” should read “%(correct)s”."))
def wrong_expressions_found(ctx: CheckContext):
    """An expression of the bureau's list of wrong official expressions (a body's or a meeting's name written
    wrong) in a published text (as the forbidden words are looked for), with its correct form and the text around
    each place."""
    index = ctx.once("wrong_expressions", lambda: PhraseIndex(wrong_expressions()))
    for doc in documents(ctx):
        text = doc.text
        for expression in index.in_text(text):
            around = hits(text, expression.phrase)
            if around:
                yield Found(f"{doc.key}/wrong:{expression.phrase}"[:200], doc.name,
                            values={"wrong": expression.phrase, "correct": expression.correct}, excerpts=around,
                            link=doc.link)


@check(key="content.unsanitised_html", scope="site", severity="medium",
       title=_l("Published text the current cleaning rules would change"),
       fix=_l("Open the item and save it again: the editor cleans it. If it holds markup nobody on the site "
              "wrote (a script, a hidden block), find out how it got there first."),
       details={"": _l("The cleaning rules would remove: %(removed)s"),
                "rewritten": _l("The cleaning rules would rewrite its markup.")})
def unsanitised_html(ctx: CheckContext):
    """A published body (an item, a page, a consultation's draft) that no longer passes the sanitiser
    (core.content.sanitize.clean_html): stored before a rule was tightened, imported around it, or written into
    the database directly."""
    for doc in documents(ctx):
        if doc.html and clean_html(doc.html) != doc.html:
            removed = removed_markup(doc.html, clean_html(doc.html))
            yield Found(doc.key, doc.name, values={"removed": removed[:LINKS_NAMED]},
                        says="" if removed else "rewritten", link=doc.link)
