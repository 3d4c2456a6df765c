"""Filing an article in the disclosure catalogue: the columns are content's, the lists and the rule come from above.

An article carries its disclosure category and subject (主题分类) as two of its own fields, kept in its
revisions like the rest. What the lists hold, what each entry is called and where filing is required are the
disclosure module's (core.disclosure), which sits above content and publishing: it fills these hooks from its
`init_app`, and every way an item is created or saved (core.content.store, core.publishing.operations) asks
here, without importing it. With no module filling them, there is nothing to file under and nothing required.
"""
from __future__ import annotations

from collections.abc import Callable

#: The article's filing fields, in the form's order.
FILING_FIELDS = ("disclosure_category_id", "subject_id")

#: field -> () -> [(id, label)]: the entries one may file under, in the list's order.
_OPTIONS: dict[str, Callable[[], list[tuple[int, str]]]] = {}
#: (section id, {field: value}) -> {field: message}: why these values may not be saved in that section.
_CHECKS: list[Callable[[int, dict], dict]] = []


def set_filing_options(field: str, options: Callable[[], list[tuple[int, str]]]) -> None:
    """Say where the entries of one filing field come from (the disclosure module's lists)."""
    if field not in FILING_FIELDS:
        raise ValueError(field)
    _OPTIONS[field] = options


def filing_options(field: str) -> list[tuple[int, str]]:
    """The entries one may file an item under for `field`: [(id, label)]; empty when no module gives any."""
    source = _OPTIONS.get(field)
    return source() if source else []


def filing_label(field: str, value) -> str:
    """An entry's name, for the revision compare and the admin pages; its number when the list lost it."""
    if value in (None, ""):
        return ""
    return next((label for key, label in filing_options(field) if str(key) == str(value)), str(value))


def add_filing_check(check: Callable[[int, dict], dict]) -> None:
    """Add a rule on the filing fields: `check(section_id, values)` returns {field: message} (empty: fine)."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def filing_problems(section_id: int, values: dict) -> dict:
    """Why an item with these filing values may not be kept in the section: {field: message}, empty when fine.

    `values` holds the filing fields (a missing one counts as empty). Every rule added with
    `add_filing_check` is asked; the first message for a field wins.
    """
    found: dict = {}
    filing = {field: values.get(field) for field in FILING_FIELDS}
    for check in _CHECKS:
        for field, message in check(section_id, filing).items():
            found.setdefault(field, message)
    return found


def filing_required(section_id: int) -> bool:
    """Whether items of the section must be filed: a rule refuses an item there with no entries at all."""
    return bool(filing_problems(section_id, {}))
