"""The clinic server: the record store on a shared PostgreSQL database (psycopg 3). No Qt.

connection.py  connecting, with TLS and certificate verification required off the local socket
setup.py       the roles and the database IT creates once (`consultaid server init`)
migrations.py  the numbered schema migrations and the schema_version table (`consultaid server migrate`)
search.py      the record search and its accent- and case-insensitive name key
pg_store.py    PgStore, the same public methods as the SQLite Store, on the server

Nothing here is used by the app yet: the switch between the workstation's SQLite file and the clinic
server (Settings, `--database-url`) comes next.
"""
