"""The load's HTTP side: a person's browser against the cluster's nginx, the forms of a page, the figures per kind.

A `Browser` is one person on one site: it keeps the cookies the site set (the session, the CSRF cookie), sends
every request from its own loopback address (127.x.y.z: the app sees it through nginx's X-Forwarded-For, so the
per-address rate limits meet one person each, as in life), never follows a redirect by itself (the sites'
absolute links name *.localhost, which this machine need not resolve) and records each request's time and
outcome under its kind in a `Stats`. It waits 65 s for an answer, past nginx's own 60 s (`proxy_read_timeout`):
a slow answer is nginx's 504, as a browser would see it, not this script giving up first.

Plain http.client rather than requests or locust: one connection per request, no pool to go stale when a host is
killed, and no gevent (locust's workers are greenlets; the faults, the psycopg checks and the threads here would
all have to live under its monkey-patching).
"""
from __future__ import annotations

import html.parser
import http.client
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit


@dataclass
class KindStats:
    """One kind of request: every answer's time (ms) and what went wrong, by status or exception."""
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)


class Stats:
    """Figures per kind, shared by every thread; `timeline` keeps (monotonic time, kind, reason) of each error."""

    def __init__(self):
        self.kinds: dict[str, KindStats] = {}
        self.timeline: list[tuple[float, str, str]] = []
        self.cache: Counter = Counter()  # the readers' answers by nginx's X-Cache-Status
        self.lock = threading.Lock()

    def record(self, kind: str, ms: float, status: int, error: str | None) -> None:
        with self.lock:
            stats = self.kinds.setdefault(kind, KindStats())
            stats.latencies.append(ms)
            stats.statuses[status] += 1
            if error:
                stats.errors[error] += 1
                self.timeline.append((time.monotonic(), kind, error))


class Answer:
    """One HTTP answer: status (0: none, with `error` naming the exception), headers, body text."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes, error: str | None = None):
        self.status, self.headers, self.body, self.error = status, headers, body, error

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        """The redirect's path and query (the host part dropped: it names the site this browser is on)."""
        parts = urlsplit(self.headers.get("location", ""))
        return parts.path + (f"?{parts.query}" if parts.query else "")


class Browser:
    """One person on one site (`host`, e.g. rsj.localhost) through nginx on `port`, from loopback `source`."""

    def __init__(self, stats: Stats, port: int, host: str, source: str, timeout: float = 65.0):
        self.stats, self.port, self.host, self.source, self.timeout = stats, port, host, source, timeout
        self.cookies: dict[str, str] = {}

    def request(self, kind: str, method: str, path: str, *, body: bytes | None = None, content_type: str = "",
                expect: tuple[int, ...] = (200,), headers: dict | None = None) -> Answer:
        """Send one request and record it under `kind`; an answer outside `expect` counts as an error."""
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            sent["Content-Type"] = content_type
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout,
                                                source_address=(self.source, 0))
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
            for raw in response.msg.get_all("Set-Cookie") or []:
                name, _, value = raw.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(0, {}, b"", type(error).__name__)
        finally:
            connection.close()
        ms = (time.perf_counter() - started) * 1000
        error = answer.error or (None if answer.status in expect else str(answer.status))
        self.stats.record(kind, ms, answer.status, error)
        return answer

    def get(self, kind: str, path: str, **options) -> Answer:
        return self.request(kind, "GET", path, **options)

    def post(self, kind: str, path: str, fields: list[tuple[str, str]], files=(), **options) -> Answer:
        """POST a form: urlencoded, or multipart when it carries files ((name, filename, bytes, type))."""
        if files:
            from submissions import multipart  # bench/submissions.py: the applications' own encoder

            body, content_type = multipart(fields, [(n, f, d) for n, f, d, *_ in files])
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(kind, "POST", path, body=body, content_type=content_type,
                            expect=options.pop("expect", (302, 303)), **options)


# --- the forms of a page --------------------------------------------------------------------------------------

@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    controls: list[dict] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        return next((c.get("value") for c in self.controls if c.get("name") == name), None)

    def buttons(self, name: str) -> list[str]:
        return [c.get("value", "") for c in self.controls if c["tag"] == "button" and c.get("name") == name]

    def fields(self, **overrides: str) -> list[tuple[str, str]]:
        """What a browser sends with no button pressed: hidden and text inputs, ticked boxes, each select's chosen
        option (else its first), textareas; `overrides` replace (or add) values by name."""
        sent: list[tuple[str, str]] = []
        for c in self.controls:
            name, kind = c.get("name"), (c.get("type") or "text").lower()
            if not name or name in overrides or c["tag"] == "button" or kind in ("submit", "button", "file"):
                continue
            if kind in ("checkbox", "radio") and "checked" not in c:
                continue
            if c["tag"] == "select":
                options = c["options"]
                chosen = next((v for v, selected in options if selected), options[0][0] if options else "")
                sent.append((name, chosen))
            else:
                sent.append((name, c.get("value", "")))
        sent.extend(overrides.items())
        return sent


class PageForms(html.parser.HTMLParser):
    """Every form of a page with its controls (inputs, selects with their options, textareas, buttons)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._text: dict | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), (a.get("method") or "get").lower(),
                              "multipart" in a.get("enctype", ""))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button"):
            self._form.controls.append({"tag": tag, **a})
        elif tag == "select":
            self._form.controls.append({"tag": "select", "options": [], **a})
        elif tag == "option" and self._form.controls and self._form.controls[-1]["tag"] == "select":
            self._form.controls[-1]["options"].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._text = {"tag": "textarea", "value": "", **a}
            self._form.controls.append(self._text)

    def handle_data(self, data):
        if self._text is not None:
            self._text["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._text = None

    def with_hidden(self, name: str, value: str) -> Form | None:
        """The form that carries hidden `name`=`value` (a step form's `step`)."""
        return next((f for f in self.forms for c in f.controls
                     if c.get("type") == "hidden" and c.get("name") == name and c.get("value") == value), None)

    def with_button(self, name: str, value: str) -> Form | None:
        return next((f for f in self.forms if value in f.buttons(name)), None)


def flashes(page: str) -> list[tuple[str, str]]:
    """The flash messages an admin page shows: (category, text)."""
    return re.findall(r'<p class="flash flash-([a-z]+)"[^>]*>([^<]*)<', page)


def code_on(page: str) -> str | None:
    """The tracking or query code a receipt shows (`K7M2-Q9XW-4RTP`), without its dashes."""
    match = re.search(r'class="svc-code">([A-Z0-9-]+)<', page)
    return match.group(1).replace("-", "") if match else None
