"""Menus and home-page panels that modules add themselves to.

Two areas: "site" (a site's /admin/) and "platform" (the console). A module
calls `add_menu_item` and `add_panel` from its `init_app`; the admin shell
draws the entries the user may use, in `order` (ties by endpoint), so a new
module needs no change to the shells.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

AREAS = ("site", "platform")


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object  # a lazy string, translated when drawn
    permission: str
    order: int


@dataclass(frozen=True)
class Panel:
    """A card on the area's home page: `template` rendered with what `context()` returns."""

    template: str
    context: Callable[[], dict]
    permission: str
    order: int


@dataclass
class Menus:
    items: dict[str, list[MenuItem]] = field(default_factory=lambda: {a: [] for a in AREAS})
    panels: dict[str, list[Panel]] = field(default_factory=lambda: {a: [] for a in AREAS})
    homes: dict[str, str] = field(default_factory=dict)
    front_pages: dict[str, Callable] = field(default_factory=dict)


def _menus(app: Flask | None = None) -> Menus:
    return (app or current_app).extensions["govsites.menus"]


def add_menu_item(app: Flask, area: str, endpoint: str, label, permission: str, *, order: int) -> None:
    """Add an entry to an area's menu; shown to users who hold `permission`."""
    items = _menus(app).items[area]
    items[:] = [i for i in items if i.endpoint != endpoint] + [MenuItem(endpoint, label, permission, order)]
    items.sort(key=lambda i: (i.order, str(i.endpoint)))


def add_panel(app: Flask, area: str, template: str, context: Callable[[], dict], permission: str, *,
              order: int) -> None:
    """Add a card to an area's home page; shown to users who hold `permission`."""
    panels = _menus(app).panels[area]
    panels[:] = [p for p in panels if p.template != template] + [Panel(template, context, permission, order)]
    panels.sort(key=lambda p: p.order)


def menu_items(area: str, allowed: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(endpoint, label) of the area's entries that `allowed(permission)` lets through, in order."""
    return [(i.endpoint, str(i.label)) for i in _menus().items[area] if allowed(i.permission)]


def panels(area: str, allowed: Callable[[str], bool]) -> list[Panel]:
    return [p for p in _menus().panels[area] if allowed(p.permission)]


def init_app(app: Flask) -> None:
    app.extensions["govsites.menus"] = Menus()


def set_home(app: Flask, area: str, endpoint: str) -> None:
    """The area's home page (its shell says which): where a sign-in lands."""
    app.extensions["govsites.menus"].homes[area] = endpoint


def home_endpoint(area: str) -> str:
    """The area's home endpoint; the first menu entry when the shell named none."""
    menus = _menus()
    return menus.homes.get(area) or menus.items[area][0].endpoint


def set_front_page(app: Flask, host_kind: str, view: Callable) -> None:
    """The view that answers `/` on hosts of this kind ("site", "portal", "platform"); each shell sets its own."""
    app.extensions["govsites.menus"].front_pages[host_kind] = view


def front_page(host_kind: str) -> Callable | None:
    return _menus().front_pages.get(host_kind)
