"""The canvas of the summary and the addenda: it keeps every page until the document ends, so that each
page's header and footer (artifacts of the tagged PDF) can say "page X of Y", and it dates the PDF with the
record's time, not the clock's, so the same record always gives the same bytes.

One class for every document, told what it draws when made, which it forgets once saved: a class made for
each build, closing over the document being drawn, was a reference cycle that kept the document and its
structure tree alive until the garbage collector's next full pass, a pass that held the interpreter (and
the window) for tens of milliseconds (tests/test_summary_garbage.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from consultaid.report.tagging import TaggingCanvas

# Draws a page's header and footer: (canvas, page number, number of pages).
Furniture = Callable[[TaggingCanvas, int, int], None]


class RecordTimeStamp:
    """What reportlab's PDF writer reads for CreationDate/ModDate: the record's time, not the clock's."""

    def __init__(self, moment: datetime) -> None:
        offset = moment.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        self.YMDhms = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
        self.dhh = int(minutes / 60)          # truncated towards zero, as the PDF date format wants
        self.dmm = abs(minutes) % 60
        self.t = moment.timestamp()
        self.lt = self.YMDhms
        self.tzname = "record"


class PagedCanvas(TaggingCanvas):
    def __init__(self, *args: Any, furniture: Furniture, moment: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)   # reportlab's Canvas arguments
        self.furniture = furniture
        self._doc._timeStamp = RecordTimeStamp(moment)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.furniture(self, self._pageNumber, total)
            super().showPage()
        super().save()
        self._pages.clear()
        del self.furniture


def paged_canvas(furniture: Furniture, moment: datetime) -> Callable[..., PagedCanvas]:
    """The canvas maker to give reportlab's `build`."""
    return partial(PagedCanvas, furniture=furniture, moment=moment)
