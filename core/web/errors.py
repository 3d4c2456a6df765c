"""Errors that a part of the address space answers in its own form, asked before the themed error pages.

The open-data API answers every error under `/api/` in JSON, for any cause: an id its route refuses, an address
no route has, a method no route takes, a limit, a suspended site, a failure. Most of these are met before any of
its views runs (Flask knows no blueprint for an address no route matched), so its own error handlers would miss
them; the app's error handlers (`core.errors`) ask here first. A module adds its prefix from its `init_app`:
`answer_errors_under("/api/", answer)`, where `answer(error)` makes the response. Nothing here knows any module.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import request
from werkzeug.exceptions import HTTPException

from tenants.hosts import request_host_kind

#: (path prefix ending in "/", the function that answers an error under it).
_ANSWERS: list[tuple[str, Callable[[HTTPException], object]]] = []
#: The host kinds whose addresses a module answers for: on a host that is none of the city's, the plain 404
#: that names nothing stays (tenants.hosts).
_KNOWN_HOSTS = ("site", "portal", "platform")


def answer_errors_under(prefix: str, answer: Callable[[HTTPException], object]) -> None:
    """Have `answer(error)` make the response to every HTTP error under `prefix` (e.g. "/api/"; the address
    without its last slash, "/api", is under it too)."""
    if not prefix.startswith("/") or not prefix.endswith("/"):
        raise ValueError(f"a prefix is a path that starts and ends with '/': {prefix!r}")
    if all(found != prefix for found, _ in _ANSWERS):
        _ANSWERS.append((prefix, answer))


def module_answer(error: HTTPException):
    """The response the module that owns the request's address gives to `error`, or None (the themed pages')."""
    if request_host_kind() not in _KNOWN_HOSTS:  # also before the host was resolved: the rate limit runs first
        return None
    path = request.path
    for prefix, answer in _ANSWERS:
        if path.startswith(prefix) or path == prefix[:-1]:
            return answer(error)
    return None
