"""The clinic server's schema, as numbered migrations applied in order by the owner role, each recorded in
the schema_version table in the same transaction as its changes (a failed migration leaves no trace).

Least privilege: the owner role owns every table; the application role (`{app}` below) may read, insert
and update drafts, insert and read finalized records and audit entries, insert and read the hospital
outbox and update only its sending state, and nothing else. Triggers refuse
any UPDATE, DELETE or TRUNCATE of a record or an audit entry whoever asks (only the owner could drop them),
and an audit entry must extend the chain's head: with the UNIQUE previous_hash, the chain cannot fork.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from consultaid.consultation.db_api import certain_row
from consultaid.i18n import _

if TYPE_CHECKING:
    import psycopg

# Every column a search lists: the covering indexes INCLUDE them, so a search reads no record itself.
LISTED = ("id, consultation_id, version, supersedes, patient_name, patient_identifier, procedure_id, "
          "consultation_date, finalized_at, pdf_sha256")

# (number, description, SQL). The SQL is a psycopg sql.SQL template: {app} is the application role.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "drafts, records, audit trail; grants and triggers", """
    CREATE TABLE drafts (
        consultation_id text PRIMARY KEY,
        patient_name text NOT NULL,
        procedure_id text NOT NULL,
        started_at text NOT NULL,
        saved_at text NOT NULL,
        revision integer NOT NULL CHECK (revision >= 1),
        status text NOT NULL CHECK (status IN ('open', 'set_aside')),
        record_json text NOT NULL,
        -- The workstation that has the draft open, until when (renewed by each autosave).
        lease_owner text,
        lease_expires timestamptz
    );
    CREATE TABLE records (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consultation_id text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        supersedes bigint REFERENCES records (id),
        patient_name text NOT NULL,
        -- Case- and accent-folded (store.name_key, as on the workstation); collation "C": a prefix is a byte range.
        patient_name_key text COLLATE "C" NOT NULL,
        patient_identifier text NOT NULL,
        procedure_id text NOT NULL,
        consultation_date text COLLATE "C" NOT NULL,
        finalized_at text NOT NULL,
        record_json text NOT NULL,
        pdf bytea NOT NULL,
        -- The database itself checks that the stored fingerprint is the one of the stored bytes.
        pdf_sha256 text NOT NULL CHECK (pdf_sha256 = encode(sha256(pdf), 'hex')),
        UNIQUE (consultation_id, version)
    );
    CREATE INDEX records_by_name ON records (patient_name_key) INCLUDE ({listed});
    CREATE INDEX records_by_date ON records (consultation_date) INCLUDE ({listed}, patient_name_key);
    CREATE INDEX records_by_identifier ON records (patient_identifier) INCLUDE ({listed});
    CREATE INDEX records_by_supersedes ON records (supersedes);
    CREATE TABLE audit (
        seq bigint PRIMARY KEY CHECK (seq >= 1),
        at text NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        subject text NOT NULL,
        previous_hash text NOT NULL UNIQUE,
        hash text NOT NULL UNIQUE
    );

    CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER records_are_immutable BEFORE UPDATE OR DELETE ON records FOR EACH ROW
        EXECUTE FUNCTION refuse_change('a finalized record cannot be changed or deleted; make a correction');
    CREATE TRIGGER records_are_kept BEFORE TRUNCATE ON records FOR EACH STATEMENT
        EXECUTE FUNCTION refuse_change('finalized records cannot be deleted');
    CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE ON audit FOR EACH ROW
        EXECUTE FUNCTION refuse_change('the audit trail is append-only');
    CREATE TRIGGER audit_keeps_entries BEFORE TRUNCATE ON audit FOR EACH STATEMENT
        EXECUTE FUNCTION refuse_change('the audit trail is append-only');

    -- A new entry must be the next one after the head and name the head's hash.
    CREATE FUNCTION audit_extends_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        head audit%ROWTYPE;
    BEGIN
        SELECT * INTO head FROM audit ORDER BY seq DESC LIMIT 1;
        IF (head.seq IS NULL AND (NEW.seq <> 1 OR NEW.previous_hash <> repeat('0', 64)))
           OR (head.seq IS NOT NULL AND (NEW.seq <> head.seq + 1 OR NEW.previous_hash <> head.hash)) THEN
            RAISE EXCEPTION 'an audit entry must follow the last one' USING ERRCODE = 'serialization_failure';
        END IF;
        RETURN NEW;
    END $$;
    CREATE TRIGGER audit_extends_chain BEFORE INSERT ON audit FOR EACH ROW
        EXECUTE FUNCTION audit_extends_chain();

    REVOKE ALL ON drafts, records, audit FROM PUBLIC;
    GRANT SELECT, INSERT, UPDATE, DELETE ON drafts TO {app};
    GRANT SELECT, INSERT ON records, audit TO {app};
    """.replace("{listed}", LISTED)),
    (2, "arrivals: audit entries queued on a workstation while the server was away, each taken once", """
    -- One row per audit entry a workstation wrote in its local queue (server/clinic_store.py), named by
    -- that entry's hash: the entry is appended to the clinic's chain in the same transaction as its row
    -- here, so a retry after a lost answer finds it and appends nothing.
    CREATE TABLE arrivals (
        origin_hash text PRIMARY KEY,
        workstation text NOT NULL,
        queued_at text NOT NULL,
        -- The entry in the chain (no foreign key: it would change how TRUNCATE audit is refused).
        audit_seq bigint NOT NULL
    );
    CREATE TRIGGER arrivals_are_kept BEFORE UPDATE OR DELETE ON arrivals FOR EACH ROW
        EXECUTE FUNCTION refuse_change('the audit trail is append-only');
    CREATE TRIGGER arrivals_keep_rows BEFORE TRUNCATE ON arrivals FOR EACH STATEMENT
        EXECUTE FUNCTION refuse_change('the audit trail is append-only');
    REVOKE ALL ON arrivals FROM PUBLIC;
    GRANT SELECT, INSERT ON arrivals TO {app};
    """),
    (3, "the hospital outbox: one row per finalized record and destination, its sending state", """
    -- Written by finalize in the record's own transaction; the sender (consultaid/hospital/outbox.py) only
    -- updates the sending state. The application role may update those columns and no other, never delete.
    CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        -- The record sent (no foreign key, like arrivals.audit_seq: it would change how TRUNCATE records is
        -- refused; rows are written only by finalize, with the record, in its transaction).
        record_id bigint NOT NULL,
        destination text NOT NULL CHECK (destination IN ('mllp', 'fhir')),
        state text NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'waiting', 'sent', 'failed', 'handed_over')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        -- ISO 8601 in UTC, fixed width (the workstation's SQLite store keeps the same text).
        next_attempt_at text NOT NULL DEFAULT '',
        claimed_by text NOT NULL DEFAULT '',
        claimed_until text NOT NULL DEFAULT '',
        last_error text NOT NULL DEFAULT '',
        receiver_text text NOT NULL DEFAULT '',
        queued_at text NOT NULL,
        updated_at text NOT NULL,
        UNIQUE (record_id, destination)
    );
    CREATE INDEX outbox_by_state ON outbox (state, next_attempt_at);
    CREATE TRIGGER outbox_keeps_entries BEFORE DELETE ON outbox FOR EACH ROW
        EXECUTE FUNCTION refuse_change('outbox entries are kept');
    CREATE TRIGGER outbox_keeps_rows BEFORE TRUNCATE ON outbox FOR EACH STATEMENT
        EXECUTE FUNCTION refuse_change('outbox entries are kept');
    REVOKE ALL ON outbox FROM PUBLIC;
    GRANT SELECT, INSERT ON outbox TO {app};
    GRANT UPDATE (state, attempts, next_attempt_at, claimed_by, claimed_until, last_error, receiver_text,
                  updated_at) ON outbox TO {app};
    """),
    (4, "addenda: confirmations on the day and withdrawals, each linked to the summary it follows", """
    -- consultation/addendum.py: a sealed addendum that names the summary it follows (row, version, SHA-256).
    CREATE TABLE addenda (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        addendum_id text NOT NULL UNIQUE,
        consultation_id text NOT NULL,
        number integer NOT NULL CHECK (number >= 1),
        kind text NOT NULL CHECK (kind IN ('confirmation', 'withdrawal')),
        -- The summary's row (checked when stored; no foreign key: it would change how TRUNCATE records is refused).
        follows bigint NOT NULL,
        follows_version integer NOT NULL,
        follows_sha256 text NOT NULL,
        made_at text NOT NULL,
        record_json text NOT NULL,
        pdf bytea NOT NULL,
        pdf_sha256 text NOT NULL CHECK (pdf_sha256 = encode(sha256(pdf), 'hex')),
        UNIQUE (consultation_id, number)
    );
    CREATE TRIGGER addenda_are_immutable BEFORE UPDATE OR DELETE ON addenda FOR EACH ROW
        EXECUTE FUNCTION refuse_change('an addendum cannot be changed or deleted');
    CREATE TRIGGER addenda_are_kept BEFORE TRUNCATE ON addenda FOR EACH STATEMENT
        EXECUTE FUNCTION refuse_change('addenda cannot be deleted');
    REVOKE ALL ON addenda FROM PUBLIC;
    GRANT SELECT, INSERT ON addenda TO {app};
    """),
    (5, "addenda in the outbox: an outbox row names a record and, for an addendum, the addendum", """
    -- consultaid/hospital/outbox.py sends an addendum as its own document: its rows name the summary it follows
    -- (record_id) and the addendum. One row per document and destination. The application role's UPDATE
    -- grant (migration 3) stays on the sending-state columns: a row always names the same document.
    ALTER TABLE outbox ADD COLUMN addendum bigint;
    ALTER TABLE outbox DROP CONSTRAINT outbox_record_id_destination_key;
    CREATE UNIQUE INDEX outbox_one_per_document ON outbox (record_id, coalesce(addendum, 0), destination);
    """),
]

LATEST_VERSION = MIGRATIONS[-1][0]
# Taken for the whole migration, so two `server migrate` at once do not both apply the same step.
MIGRATION_LOCK = 0x436F6E73756C74  # "Consult"


class MigrationError(Exception):
    """Migrating failed or cannot be done; the message is for IT."""


def schema_version(connection: psycopg.Connection[Any]) -> int:
    """The version the database stands at (0: never migrated)."""
    exists = certain_row(connection.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone(),
                         "to_regclass")[0]
    if not exists:
        return 0
    version: int = certain_row(connection.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone(),
                               "max(version)")[0]
    return version


def migrate(connection: psycopg.Connection[Any], app_role: str,
            migrations: Sequence[tuple[int, str, str]] | None = None) -> list[int]:
    """Applies the migrations the database does not have yet, in order, each in its own transaction
    (with its schema_version row). Returns the numbers applied. `connection` is the owner role's,
    autocommit. Refuses a database newer than this program."""
    import psycopg
    from psycopg import sql

    migrations = MIGRATIONS if migrations is None else migrations
    numbers = [number for number, _description, _script in migrations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise MigrationError("migrations must be numbered 1, 2, 3… in order")
    applied = []
    try:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            with connection.transaction():
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, description text NOT NULL,"
                    " applied_at timestamptz NOT NULL DEFAULT now())")
                connection.execute(sql.SQL("GRANT SELECT ON schema_version TO {app}").format(
                    app=sql.Identifier(app_role)))
            current = schema_version(connection)
            if current > numbers[-1]:
                raise MigrationError(_("The database is at schema version {found}, newer than this ConsultAid "
                                       "knows ({latest}): update ConsultAid.").format(found=current,
                                                                                     latest=numbers[-1]))
            for number, description, script in migrations[current:]:
                with connection.transaction():
                    connection.execute(sql.SQL(script).format(app=sql.Identifier(app_role)))
                    connection.execute("INSERT INTO schema_version (version, description) VALUES (%s, %s)",
                                       (number, description))
                applied.append(number)
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    except psycopg.Error as error:
        from consultaid.server.connection import server_reason

        raise MigrationError(_("Migrating the database failed: {reason}").format(
            reason=server_reason(error))) from None
    return applied
