"""Import ids handed out before the import's records are written.

A warehouse file carries its import's id in every row, so an import must know its ids while
it stages files. Taking them from the database's own counter, each in a transaction that
commits at once, lets a long import stage file after file without holding a transaction
open: on SQLite a transaction is the database's one write lock, and every sign-in, audit
event and action update would wait behind the parse. An id taken by an import that then
fails is never used (ids have gaps, as after any rolled-back insert) and never handed out
again, because the counter's advance was committed.
"""

from __future__ import annotations

from saferplan.core.errors import SaferplanError


def reserve_import_id() -> int:
    """A new ImportRecord id, committed as taken: no other insert will be given it."""
    from django.db import connection, transaction

    from saferplan.datastore.models import ImportRecord

    table = ImportRecord._meta.db_table
    column = ImportRecord._meta.pk.column
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
            return int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            # Django's SQLite ids are AUTOINCREMENT: the next is one past the larger of the
            # table's highest id and the highest ever given (sqlite_sequence).
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            given = cursor.fetchone()
            cursor.execute(f'SELECT coalesce(max("{column}"), 0) FROM "{table}"')
            taken = max(int(given[0]) if given else 0, int(cursor.fetchone()[0])) + 1
            if given:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [taken, table]
                )
            else:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, taken]
                )
            return taken
    raise SaferplanError(f"imports need SQLite or PostgreSQL, not {connection.vendor}")
