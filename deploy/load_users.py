"""The people of the load: readers, citizens filing applications and letters, officers, editors.

Each kind is a loop a thread runs until the deadline; every request goes through nginx (`load_client.Browser`).
What a writer was told is kept in a `Ledger`, which the checks afterwards compare with the database:

- a citizen's submission is *accepted* when the form answered with the redirect to its receipt; it is
  *refused* when it answered anything else (an error, a timeout, a 429). One refused with an error (5xx, no
  answer) is sent again once, 2 s later, with the same form (same submission key: a person pressing the button
  again); both outcomes are recorded under the one key;
- an editor's item is *published* when the publisher's step answered with the redirect and the page then says
  it is done; the item's id and title are kept;
- an officer's step is *done* when the page it redirects to shows the success message.
"""
from __future__ import annotations

import csv
import itertools
import random
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from load_client import Browser, PageForms, Stats, code_on, flashes
from submissions import FormReader, fill, next_address  # bench/submissions.py: how citizens fill in forms


@dataclass
class Submission:
    kind: str  # "application" or "letter"
    host: str
    key: str  # the form's submission key: one row at most, however often it is posted
    outcomes: list[str] = field(default_factory=list)  # each POST's status ("302", "502", "ConnectionError")
    accepted: bool = False
    code: str | None = None  # the receipt's code, when the receipt was read


@dataclass
class Published:
    host: str
    article_id: int
    title: str


@dataclass
class OfficerStep:
    kind: str  # "letter" or "application"
    host: str
    record_id: int
    step: str


@dataclass
class Ledger:
    submissions: list[Submission] = field(default_factory=list)
    published: list[Published] = field(default_factory=list)
    drafts_unknown: list[tuple[str, str]] = field(default_factory=list)  # (host, title): the draft's POST failed
    officer_steps: list[OfficerStep] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, entry) -> None:
        with self.lock:
            getattr(self, name).append(entry)


@dataclass
class World:
    """What the people need: the port, the figures, the ledger, the targets and the deadline."""
    port: int
    stats: Stats
    ledger: Ledger
    run_id: str
    reading: list[tuple[str, str]]  # (host, path) of every site's home page and newest articles
    apply_targets: list  # submissions.Target: every item open online
    letter_hosts: list[str]  # sites whose consultation mailbox takes letters
    accounts: dict[str, tuple[str, str]]  # username -> (host, password)
    deadline: float
    think: float
    counter: itertools.count = field(default_factory=itertools.count)

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def pause(self, rng: random.Random) -> None:
        if self.think:
            time.sleep(rng.uniform(0, 2 * self.think))


def read_accounts(path: Path) -> dict[str, tuple[str, str]]:
    """The demo accounts file: username -> (site host without port, password)."""
    with open(path, encoding="utf-8") as fh:
        return {row["username"]: (row["site host"].split(":")[0], row["password"]) for row in csv.DictReader(fh)}


# --- readers --------------------------------------------------------------------------------------------------

def reader(world: World, n: int) -> None:
    """Home pages and articles across every site, in either language: mostly nginx's copies."""
    rng = random.Random(n)
    browsers: dict[str, Browser] = {}
    homes = [pair for pair in world.reading if pair[1] == "/"]
    while world.running():
        host, path = rng.choice(homes if rng.random() < 0.5 else world.reading)  # home pages are read most
        browser = browsers.setdefault(host, Browser(world.stats, world.port, host, next_address()))
        browser.cookies["lang"] = "en" if rng.random() < 0.2 else "zh_CN"
        answer = browser.get("read", path)
        with world.stats.lock:
            world.stats.cache[answer.headers.get("x-cache-status", "-")] += 1


# --- citizens -------------------------------------------------------------------------------------------------

def _file(world: World, browser: Browser, kind: str, path: str, overrides: dict, rng: random.Random,
          receipt: str) -> None:
    """Open a public form, fill it in as a person would, send it (once more on a failure); record the outcome."""
    page = browser.get(kind, path)
    if page.status != 200:
        return
    form = FormReader()
    form.feed(page.text)
    if not form.controls:
        world.stats.record(kind, 0.0, page.status, "no form on the page")
        return
    fields, files = fill(form.controls, rng)
    fields = [(name, overrides.get(name, value)) for name, value in fields]
    key = dict(fields).get("submission", "")
    entry = Submission("application" if kind == "apply" else kind, browser.host, key)
    world.ledger.add("submissions", entry)
    for attempt in range(2):
        if attempt:
            time.sleep(2.0)  # a person looks at the error page, then presses the button again
        answer = browser.post(kind, form.action or path, fields, [(*f, "application/pdf") for f in files])
        entry.outcomes.append(answer.error or str(answer.status))
        if answer.status in (302, 303) and answer.location.startswith(receipt):
            entry.accepted = True
            shown = browser.get(kind, answer.location)
            entry.code = code_on(shown.text) if shown.status == 200 else None
            return
        if answer.status not in (0, 500, 502, 503, 504):
            return  # refused on purpose (429, a form error): sending it again would not change that


def applicant(world: World, n: int) -> None:
    rng = random.Random(1000 + n)
    while world.running():
        target = rng.choice(world.apply_targets)
        browser = Browser(world.stats, world.port, target.host, next_address())
        _file(world, browser, "apply", f"/services/items/{target.item_id}/apply", {}, rng, "/services/receipt")
        world.pause(rng)


def letter_writer(world: World, n: int) -> None:
    rng = random.Random(2000 + n)
    while world.running():
        host = rng.choice(world.letter_hosts)
        number = next(world.counter)
        browser = Browser(world.stats, world.port, host, next_address())
        overrides = {"subject": f"负载测试来信 {world.run_id}-{number}",
                     "body": f"关于社保缴费的咨询（负载测试 {world.run_id}-{number}），请回复。"}
        _file(world, browser, "letter", "/interaction/write/consultation", overrides, rng, "/interaction/receipt")
        world.pause(rng)


# --- staff ----------------------------------------------------------------------------------------------------

def sign_in(world: World, kind: str, username: str) -> Browser | None:
    """A browser signed in as a demo account on its site (None: no such account, or the sign-in failed)."""
    if username not in world.accounts:
        return None
    host, password = world.accounts[username]
    browser = Browser(world.stats, world.port, host, next_address())
    page = browser.get(kind, "/admin/login")
    token = next((c.get("value") for f in PageForms(page.text).forms for c in f.controls
                  if c.get("name") == "csrf_token"), None) if page.status == 200 else None
    if token is None:
        return None
    answer = browser.post(kind, "/admin/login", [("csrf_token", token), ("username", username),
                                                 ("password", password)])
    return browser if answer.status == 302 and "/admin/login" not in answer.location else None


def take_step(browser: Browser, kind: str, page_path: str, step: str, overrides: dict | None = None) -> bool | None:
    """On an admin page, post the form of `step` (its hidden `step` field); True done (success message shown),
    False refused, None: the page offers no such step."""
    page = browser.get(kind, page_path)
    form = PageForms(page.text).with_hidden("step", step) if page.status == 200 else None
    if form is None:
        return None
    answer = browser.post(kind, form.action or page_path, form.fields(**(overrides or {})))
    if answer.status != 302:
        return False
    after = browser.get(kind, answer.location)
    return any(category == "success" for category, _text in flashes(after.text))


def _ids(page: str, prefix: str) -> list[int]:
    """The record ids a list page links to under `prefix`, ascending."""
    return sorted({int(i) for i in re.findall(rf'href="[^"]*{prefix}(\d+)"', page)})


def officer(world: World, n: int, sites: list[str]) -> None:
    """Interaction and service officers of `sites`: reply to the newest letters, move applications a step on."""
    rng = random.Random(3000 + n)
    signed: dict[str, Browser | None] = {}

    def as_(username: str) -> Browser | None:
        if username not in signed:
            signed[username] = sign_in(world, "officer", username)
        return signed[username]

    for slug in itertools.cycle(sites):
        if not world.running():
            return
        letters = as_(f"{slug}.interactionofficer")
        if letters is not None:
            inbox = letters.get("officer", "/admin/interaction/letters/")
            for letter_id in _ids(inbox.text, "/admin/interaction/letters/")[-3:]:
                path = f"/admin/interaction/letters/{letter_id}"
                done = take_step(letters, "officer", path, "reply",
                                 {"reply-reply": f"您好，来信收悉。负载测试答复 {world.run_id}。"})
                if done:
                    world.ledger.add("officer_steps", OfficerStep("letter", letters.host, letter_id, "reply"))
                    second = as_(f"{slug}.interactionofficer2")
                    if second is not None and take_step(second, "officer", path, "approve"):
                        world.ledger.add("officer_steps", OfficerStep("letter", letters.host, letter_id, "approve"))
        services = as_(f"{slug}.serviceofficer")
        if services is not None:
            queue = services.get("officer", "/admin/services/applications/")
            for application_id in _ids(queue.text, "/admin/services/applications/")[-3:]:
                path = f"/admin/services/applications/{application_id}"
                for step in ("accept", "approve", "complete"):
                    if take_step(services, "officer", path, step):
                        world.ledger.add("officer_steps", OfficerStep("application", services.host, application_id,
                                                                      step))
        world.pause(rng)


#: The publishing roles in the order an item passes them, and the step each takes.
WORKFLOW = (("collector", "submit"), ("editor", "submit"), ("reviewer", "approve"), ("publisher", "publish"))


def editor(world: World, n: int, sites: list[str]) -> None:
    """A collector writes a draft, the editor sends it for review, the reviewer approves, the publisher publishes."""
    rng = random.Random(4000 + n)
    signed: dict[str, Browser | None] = {}
    for slug in itertools.cycle(sites):
        if not world.running():
            return
        people = {}
        for role, _step in WORKFLOW:
            username = f"{slug}.{role}"
            if username not in signed:
                signed[username] = sign_in(world, "editor", username)
            people[role] = signed[username]
        if any(person is None for person in people.values()):
            world.pause(rng)
            continue
        title = f"负载测试稿件 {world.run_id}-{next(world.counter)}"
        collector = people["collector"]
        page = collector.get("editor", "/admin/articles/new")
        form = next((f for f in PageForms(page.text).forms if f.value("title") is not None
                     or any(c.get("name") == "title" for c in f.controls)), None) if page.status == 200 else None
        if form is None:
            continue
        answer = collector.post("editor", "/admin/articles/new",
                                form.fields(title=title, body_html=f"<p>{title}：负载测试正文。</p>"))
        if answer.status != 302 or "/admin/articles/" not in answer.location:
            world.ledger.add("drafts_unknown", (collector.host, title))
            continue
        article_id = int(answer.location.rstrip("/").split("/")[-1])
        if _through_workflow(people, article_id):
            world.ledger.add("published", Published(collector.host, article_id, title))
        world.pause(rng)


def _through_workflow(people: dict[str, Browser], article_id: int) -> bool:
    """Each role takes its step; a step whose answer was lost is looked for again (the button gone: it was taken)."""
    path = f"/admin/articles/{article_id}"
    for role, action in WORKFLOW:
        browser = people[role]
        for _attempt in range(3):
            page = browser.get("editor", path)
            if page.status != 200:
                time.sleep(1)
                continue
            form = PageForms(page.text).with_button("action", action)
            if form is None:
                break  # not offered: taken already (or the item is elsewhere; the next role's look says which)
            answer = browser.post("editor", f"{path}/step", form.fields(action=action))
            if answer.status == 302:
                break
            time.sleep(1)
    final = people["publisher"].get("editor", path)
    return final.status == 200 and PageForms(final.text).with_button("action", "withdraw") is not None

