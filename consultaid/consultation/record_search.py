"""Finding consultations in the record store: drafts and signed records in one list, newest first.

No Qt: the records view shows what this finds, and the command line or a clinic-server back end can ask the
same questions. A search runs in the store (its indexes on name, identifier and date), never over
everything loaded in memory, and returns at most RESULT_LIMIT rows, saying when there are more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from consultaid.consultation.record_store import RecordStore
from consultaid.consultation.store import DatabaseError, StoredRecord, StoreError, name_key
from consultaid.i18n import _

RESULT_LIMIT = 500


@dataclass(frozen=True)
class HistoryRow:
    """One line of the list: a draft (kind "draft") or one version of a signed record (kind "record")."""

    kind: str
    consultation_id: str
    day: str                 # ISO date of the consultation, YYYY-MM-DD
    patient_name: str
    identifier: str
    procedure_id: str
    status: str              # "open", "set_aside", "finalized" or "corrected"
    version: int | None      # records only
    record_id: int | None    # records only: the key for Store.record()
    moment: str              # drafts: last saved; records: finalized (ISO date and time)

    @property
    def is_draft(self) -> bool:
        return self.kind == "draft"

    @property
    def audit_subject(self) -> str:
        return f"{self.consultation_id} v{self.version}"

    @classmethod
    def from_record(cls, stored: StoredRecord) -> HistoryRow:
        return cls("record", stored.consultation_id, stored.consultation_date, stored.patient_name,
                   stored.patient_identifier, stored.procedure_id, stored.status, stored.version, stored.id,
                   stored.finalized_at)


@dataclass(frozen=True)
class HistoryQuery:
    text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    procedure_id: str | None = None
    status: str = "all"      # one of STATUS_FILTERS

    @property
    def is_empty(self) -> bool:
        return not (self.text.strip() or self.date_from or self.date_to or self.procedure_id
                    or self.status != "all")


class HistorySearch:
    """Asks the store; no Qt. Signed records are searched by the store itself (indexed, with a limit).
    Drafts, only the consultations not yet signed, are few: their summaries are filtered here, and a
    draft's identifier, which only its JSON holds, is read once per saved revision."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store
        self._identifiers: dict[tuple[str, int], str] = {}

    def find(self, query: HistoryQuery, limit: int = RESULT_LIMIT) -> tuple[list[HistoryRow], bool]:
        """The rows, newest first, and whether more than `limit` matched. Raises StoreError."""
        try:
            records: list[HistoryRow] = []
            if query.status != "draft":
                found = self.store.search(
                    text=query.text.strip(),
                    date_from=query.date_from.isoformat() if query.date_from else None,
                    date_to=query.date_to.isoformat() if query.date_to else None,
                    procedure_id=query.procedure_id,
                    status=query.status if query.status in ("finalized", "corrected") else None,
                    limit=limit + 1)
                records = [HistoryRow.from_record(stored) for stored in found]
            drafts = self._drafts(query) if query.status in ("all", "draft") else []
        except DatabaseError as error:  # the store words its own errors; a bare SQLite one is worded here
            raise StoreError("other", _("The records could not be read: {reason}").format(reason=error)) from error
        # Newest first; on the same day a consultation still in progress comes before the signed ones.
        rows = sorted(records + drafts, key=lambda row: (row.day, row.is_draft, row.moment), reverse=True)
        return rows[:limit], len(rows) > limit

    def _drafts(self, query: HistoryQuery) -> list[HistoryRow]:
        wanted_name = name_key(query.text)
        wanted_identifier = query.text.strip()
        rows = []
        for draft in self.store.drafts():
            day = draft.started_at[:10]
            if query.date_from and day < query.date_from.isoformat():
                continue
            if query.date_to and day > query.date_to.isoformat():
                continue
            if query.procedure_id and draft.procedure_id != query.procedure_id:
                continue
            identifier = self._identifier(draft.consultation_id, draft.revision)
            if wanted_name and not (name_key(draft.patient_name).startswith(wanted_name)
                                    or identifier == wanted_identifier):
                continue
            rows.append(HistoryRow("draft", draft.consultation_id, day, draft.patient_name, identifier,
                                   draft.procedure_id, draft.status, None, None, draft.saved_at))
        return rows

    def _identifier(self, consultation_id: str, revision: int) -> str:
        key = (consultation_id, revision)
        if key not in self._identifiers:
            try:
                record = self.store.load_draft(consultation_id)
                identifier = record["setup"]["patient"].get("identifier") or ""
            except (KeyError, TypeError, ValueError):   # gone meanwhile, or not a full record
                identifier = ""
            self._identifiers[key] = identifier
        return self._identifiers[key]


def summary_file_name(row: HistoryRow) -> str:
    """A file name without patient data, as for a summary saved at signing, plus the version."""
    return f"consultaid-summary-{row.moment[:10]}-{row.consultation_id[:8]}-v{row.version}.pdf"
