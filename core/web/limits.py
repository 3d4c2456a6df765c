"""Rate-limit buckets of the public's forms (Flask-Limiter key functions), shared by every feature.

A form that files something counts per address and per site; the open-data API
counts per address over every host of the city together (`city_address_key`);
a query by a code (a tracking code, a letter's query code) that finds nothing
counts twice: strictly per code and address, so a stranger's wrong tries on
someone's code use up the stranger's bucket and never lock the owner out, and
loosely per code from all addresses together, so guessing one code's mobile
number from many addresses stays slow.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import g, request


def _site() -> str:
    """The site the request is for, whatever port or spelling its Host header has."""
    site = g.get("site")
    return site.slug if site is not None else g.get("host_kind", "")


def address_key(prefix: str) -> Callable[[], str]:
    """A key function: one bucket per address and per site, under `prefix` (the feature's form)."""

    def key() -> str:
        return f"{prefix}|{request.remote_addr}|{_site()}"

    return key


def city_address_key(prefix: str) -> Callable[[], str]:
    """A key function: one bucket per address for every host of the city together, under `prefix`.

    For what a program reads in bulk from any host (the open-data API): the portal lists every site's items, and a
    bucket per host would let one address read as much again from each of the city's dozens of sites.
    """

    def key() -> str:
        return f"{prefix}|{request.remote_addr}"

    return key


def code_keys(prefix: str, normalise: Callable[[str], str], field: str = "code") -> \
        tuple[Callable[[], str], Callable[[], str]]:
    """Two key functions for a query by code (the posted `field`, written as `normalise` writes it):
    (per code from all addresses — the loose limit, per code and address — the strict limit)."""

    def any_address() -> str:
        return f"{prefix}|{_site()}|{normalise(request.form.get(field, ''))[:20]}"

    def this_address() -> str:
        return f"{any_address()}|{request.remote_addr}"

    return any_address, this_address
