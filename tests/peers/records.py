"""Stored records for the hospital tests: an example record finalized into a real record store, read
back with its exact PDF bytes, as the outbox will read them."""

from __future__ import annotations

import copy
import json
import os
import uuid
from pathlib import Path

from consultaid.consultation.store import open_store
from consultaid.hospital.document import HospitalSettings, build_document

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
# Every HL7 delimiter and escape character, Latin with accents, Chinese, Arabic, Greek, Cyrillic.
HARD_NAME = "Zoë O'Brien|Ünal^Smith&Co~née \\ 王小明 محمد Ωμέγα Жанна"


def example_record(name: str = "vertebroplasty-fr.json") -> dict:
    """The example record as a new consultation (its own id), so tests sharing a server do not meet."""
    record = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    record["id"] = str(uuid.uuid4())
    return record


def small_pdf() -> bytes:
    """A real one-page PDF (reportlab) whose bytes differ from run to run only through its dates."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Summary (test)")
    canvas.save()
    return buffer.getvalue()


def big_pdf(megabytes: int = 30) -> bytes:
    """A PDF-headed file of the given size with bytes that do not compress (like embedded images)."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + os.urandom(megabytes * 1024 * 1024)


def stored(data_dir: Path, record: dict, pdf: bytes, supersedes: int | None = None) -> tuple[dict, bytes, int]:
    """Finalizes into a real store and reads back: (record, stored PDF bytes, row id)."""
    store = open_store(data_dir, actor="dr-test")
    try:
        row = store.finalize(record, pdf, supersedes=supersedes)
        stored_record, stored_pdf = store.record(row)
    finally:
        store.close()
    return stored_record, stored_pdf, row


def settings(**overrides) -> HospitalSettings:
    values = {"sending_facility": "CLINIQUE-PARC", "receiving_application": "EPR", "receiving_facility": "CHU-TEST",
              "identifier_authority": "CHU-IPP", "identifier_system": "urn:oid:1.2.250.1.999.1.1"}
    values.update(overrides)
    return HospitalSettings(**values)


def document(data_dir: Path, *, name: str | None = None, pdf: bytes | None = None, visit_number: str = "",
             hospital: HospitalSettings | None = None, decision: str | None = None):
    """A HospitalDocument for a freshly stored version 1 of the French example, and the stored PDF."""
    record = copy.deepcopy(example_record())
    if name is not None:
        record["setup"]["patient"]["name"] = name
    if decision is not None:
        record["decision"]["choice"] = decision
    stored_record, stored_pdf, _row = stored(data_dir, record, pdf if pdf is not None else small_pdf())
    return build_document(stored_record, stored_pdf, hospital or settings(), version=1,
                          visit_number=visit_number), stored_pdf
