"""The signed summary PDF, made from a consultation record (docs/record.md). No Qt here.

    render_summary(record, paper="a4", logo_path=None) -> bytes     the PDF, in memory
    write_summary(record, path, paper="a4") -> Path  the PDF, written whole or not at all
    sealed_summary(record, paper, logo_path, seal) -> bytes   the finalized summary as it is kept:
        tagged PDF/A-3a with the record attached (report/archival.py), sealed (report/seal.py)

`paper` is "a4" or "letter". A record that is not a ConsultAid record raises `RecordError` (a
ValueError). Importing this package is cheap: reportlab, svglib and the layout code load on the
first rendering, so the app starts fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from consultaid.report.seal import Seal

PAPERS = ("a4", "letter")


class RecordError(ValueError):
    """The data is not a consultation record this program can read."""


def render_summary(record: dict[str, Any], paper: str = "a4", logo_path: str | os.PathLike[str] | None = None) -> bytes:
    """The summary of `record` as PDF bytes. The same record always gives the same bytes. `logo_path`, a
    PNG or JPEG file, is drawn top left of page 1 (at most 18 mm high); one that cannot be read is left out."""
    from consultaid.report.summary import render

    return render(record, paper, logo_path)


def sealed_summary(record: dict[str, Any], paper: str = "a4", logo_path: str | os.PathLike[str] | None = None,
                   seal: Seal | None = None) -> bytes:
    """The finalized summary as it is stored and handed out: rendered with a line that says who sealed it,
    rewritten as tagged PDF/A-3a (PDF/UA-1) with `record` attached as JSON, then sealed (certified, no change
    allowed).
    `seal` comes from `consultaid.report.seal.load_seal()`; None uses this installation's own seal.
    Raises report.seal.SealError when it cannot be sealed."""
    from consultaid.report.heap import settle_sealing_libraries

    settle_sealing_libraries()
    from consultaid.report.archival import archival_pdf
    from consultaid.report.seal import installation_seal, seal_pdf
    from consultaid.report.summary import SummaryDocument

    seal = seal or installation_seal()
    document = SummaryDocument(record, paper, logo_path, seal)
    pdf = document.build()
    return seal_pdf(archival_pdf(pdf, record, document.structure), seal)


def write_summary(record: dict[str, Any], path: str | os.PathLike[str], paper: str = "a4",
                  seal: Seal | None = None) -> Path:
    """Renders, then writes to a temporary file in the same folder and renames it over `path`, so a
    reader never sees a half-written PDF and a failure (rendering, full disk, no permission) leaves
    whatever was at `path` untouched and no partial file behind. The file is readable by its owner
    only: it holds a patient's health information. With `seal`, the sealed archival summary is written."""
    # Made before touching the disk: a bad record writes nothing.
    data = sealed_summary(record, paper, seal=seal) if seal is not None else render_summary(record, paper)
    from consultaid.files import write_atomically

    return write_atomically(path, data)


__all__ = ["PAPERS", "RecordError", "render_summary", "sealed_summary", "write_summary"]
