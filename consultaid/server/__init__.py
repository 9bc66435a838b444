"""The clinic server: the record store on a shared PostgreSQL database (psycopg 3). No Qt.

connection.py  connecting, with TLS and certificate verification required off the local socket
setup.py       the roles and the database IT creates once (`consultaid server init`)
migrations.py  the numbered schema migrations and the schema_version table (`consultaid server migrate`)
search.py      the record search and its accent- and case-insensitive name key
pg_store.py    PgStore, the same public methods as the SQLite Store, on the server, plus draft leases and the
               idempotent arrivals of queued work
clinic_store.py ClinicStore, what the app uses: the server, with the local SQLite store as its queue offline
opening.py     open_record_store: the server (a URL, or Settings) or this workstation's SQLite file
importing.py   `consultaid server import`: a workstation's records to the server, verifiably
"""
