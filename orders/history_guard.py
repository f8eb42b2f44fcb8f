"""The database itself refuses UPDATE and DELETE on the order history (``orders_orderevent``).

PostgreSQL: a ``BEFORE UPDATE OR DELETE`` row trigger raises. SQLite: two ``BEFORE``
triggers ``RAISE(ABORT)`` unless the connection's ``orders_history_unlocked()`` says
otherwise. That function is registered on every Django SQLite connection and answers
1 only inside ``history_unlocked()``: the one caller is the test suite's flush between
transactional tests (PostgreSQL flushes with TRUNCATE, which row triggers do not see).
A connection without the function (the ``sqlite3`` shell) fails the trigger: refused too.
"""

from __future__ import annotations

import contextlib
import threading

from django.db.backends.signals import connection_created

_state = threading.local()

POSTGRES_SQL = [
    """
    CREATE OR REPLACE FUNCTION orders_history_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'orders_orderevent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql;
    """,
    "DROP TRIGGER IF EXISTS orders_orderevent_append_only ON orders_orderevent;",
    """
    CREATE TRIGGER orders_orderevent_append_only BEFORE UPDATE OR DELETE ON orders_orderevent
    FOR EACH ROW EXECUTE FUNCTION orders_history_append_only();
    """,
]
SQLITE_SQL = [
    "DROP TRIGGER IF EXISTS orders_orderevent_no_update;",
    "DROP TRIGGER IF EXISTS orders_orderevent_no_delete;",
    """
    CREATE TRIGGER orders_orderevent_no_update BEFORE UPDATE ON orders_orderevent
    WHEN NOT orders_history_unlocked()
    BEGIN SELECT RAISE(ABORT, 'orders_orderevent is append-only: UPDATE refused'); END;
    """,
    """
    CREATE TRIGGER orders_orderevent_no_delete BEFORE DELETE ON orders_orderevent
    WHEN NOT orders_history_unlocked()
    BEGIN SELECT RAISE(ABORT, 'orders_orderevent is append-only: DELETE refused'); END;
    """,
]


def _unlocked() -> int:
    return 1 if getattr(_state, "unlocked", False) else 0


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("orders_history_unlocked", 0, _unlocked, deterministic=False)


def connect() -> None:
    connection_created.connect(_register, dispatch_uid="orders_history_guard")


@contextlib.contextmanager
def history_unlocked():
    """Let this thread's SQLite connection delete history rows: for the test suite's flush only."""
    _state.unlocked = True
    try:
        yield
    finally:
        _state.unlocked = False


def install(schema_editor) -> None:
    """Create the triggers (called by migration 0002)."""
    vendor = schema_editor.connection.vendor
    statements = POSTGRES_SQL if vendor == "postgresql" else SQLITE_SQL if vendor == "sqlite" else []
    if vendor == "sqlite":
        _register(None, schema_editor.connection)
    for sql in statements:
        schema_editor.execute(sql, params=None)  # no placeholders: the PL/pgSQL RAISE has a literal %
