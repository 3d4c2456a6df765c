"""Service guides: which of the national inspection's key elements a guide still lacks."""
from __future__ import annotations

from core.services.models import GUIDE_ELEMENTS, ServiceItem


def missing_elements(item: ServiceItem) -> list[str]:
    """The keys of GUIDE_ELEMENTS the item's guide (its working copy) lacks, in the order of GUIDE_ELEMENTS.

    A text element is missing when it is blank; "materials" when the item
    lists no material, "procedure" when it has no step.
    """
    missing = []
    for element in GUIDE_ELEMENTS:
        if element == "materials":
            present = bool(item.materials)
        elif element == "procedure":
            present = bool(item.steps)
        else:
            present = bool((getattr(item, element) or "").strip())
        if not present:
            missing.append(element)
    return missing
