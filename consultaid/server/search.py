"""Record search on the clinic server: the same filters and order as the SQLite store's search_query,
with a name key that is accent- as well as case-insensitive ("Helene" finds "Hélène")."""

from __future__ import annotations

from consultaid.consultation.store import CORRECTED, name_key, record_filters
from consultaid.server.migrations import LISTED


def search_query(text: str = "", date_from: str | None = None, date_to: str | None = None,
                 procedure_id: str | None = None, status: str | None = None,
                 limit: int = 500) -> tuple[str, tuple[object, ...]]:
    """The SQL of PgStore.search and its arguments: a name prefix or an exact identifier, a date range,
    a procedure, finalized or corrected; newest first. The name prefix is a range on the "C"-collated key;
    every column listed is in the covering indexes (migration 1), so the records themselves are not read."""
    clauses, filters = record_filters(date_from, date_to, procedure_id, status, mark="%s")
    arguments: list[object] = list(filters)
    order = " ORDER BY r.consultation_date DESC, r.id DESC LIMIT %s"
    listed = ", ".join(f"r.{column.strip()}" for column in LISTED.split(","))
    if text:
        # Two index-only scans, one per covering index, rather than one OR that no single index serves; each
        # keeps only its newest `limit` rows (a top-N sort, not a sort of every match: a 3-letter prefix
        # matches tens of thousands of a million records), so the UNION de-duplicates at most 2 × limit rows.
        # The newest `limit` of the union are the newest `limit` of those two.
        key = name_key(text)
        extra = "".join(" AND " + clause for clause in clauses)
        source = (f"((SELECT {listed} FROM records r WHERE r.patient_name_key >= %s AND r.patient_name_key < %s"
                  f"{extra}{order}) UNION (SELECT {listed} FROM records r WHERE r.patient_identifier = %s"
                  f"{extra}{order})) r")
        arguments = [key, key + "\U0010ffff", *filters, limit, text.strip(), *filters, limit]
        where = ""
    else:
        source = "records r"
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
    query = ("SELECT r.id, r.consultation_id, r.version, r.supersedes, r.patient_name, r.patient_identifier,"
             " r.procedure_id, r.consultation_date, r.finalized_at, r.pdf_sha256,"
             f" CASE WHEN {CORRECTED} THEN 'corrected' ELSE 'finalized' END"
             f" FROM {source}{where}{order}")
    return query, (*arguments, limit)
