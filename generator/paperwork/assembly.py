"""Documents that share laid-out pages: a union's roster is every other roster of its length
but for its first page and the union's name in the running header, so those pages are laid out
once and only the differences per union.

The result is the document the whole HTML gives, byte for byte (tests/test_pdf_assembly.py
renders both): WeasyPrint lays out each page on its own, and a page here is the same page box
tree, put together from laid-out parts of two documents (boxes are only read when drawn). Where
the parts do not fit together (a first part longer than a page, margin boxes missing), `assemble`
says so and the caller renders the whole HTML. That the shared document has the same pages is
the caller's part (roster_parts.py: the blank roster of the same length).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import weasyprint


@dataclass(frozen=True)
class Assembly:
    """How to put a document together from shared pages."""

    first: str
    """HTML of the document cut after its first page: its first page's body and its own margin
    boxes come from here."""
    shared: str
    """HTML of a document with the same pages but for the parts taken from `first` (the same
    roster with the union left blank), laid out once for every document that names it."""
    own_margins: tuple[str, ...] = ("@top-right",)
    """The margin boxes that differ per document (the running header with the union's name),
    taken from `first`'s page for every page; the others (page numbers) come from `shared`."""


def assemble(
    first: weasyprint.Document, shared: weasyprint.Document, own_margins: tuple[str, ...]
) -> weasyprint.Document | None:
    """The document of `first` and `shared`'s pages, or None when they do not fit together."""
    from weasyprint.document import Page

    if len(first.pages) != 1:
        return None
    mine = first.pages[0]._page_box
    own = {m.at_keyword: m for m in _margins(mine) if m.at_keyword in own_margins}
    if set(own) != set(own_margins):
        return None
    pages = []
    for number, page in enumerate(shared.pages):
        box = page._page_box
        margins = _margins(box)
        if len(margins) != len(box.children) - 1 or {
            m.at_keyword for m in margins if m.at_keyword in own
        } != set(own):
            return None
        body = (mine if number == 0 else box).children[0]
        joined = box.copy()  # a shallow copy: the shared page's boxes stay as they are
        joined.children = [body, *(own.get(m.at_keyword, m) for m in margins)]
        pages.append(Page(joined))
    return first.copy(pages)


def _margins(page_box: Any) -> list[Any]:
    """The margin boxes of a laid-out page box (its children after the root element's box)."""
    return [m for m in page_box.children[1:] if hasattr(m, "at_keyword")]
