"""Counting the SQL statements a room action runs, the same way on SQLite and PostgreSQL."""

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

#: BEGIN and COMMIT, which SQLite logs and PostgreSQL does not, and the savepoints that stand
#: for them inside a test's transaction: not work the action chose, so not counted.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


@contextmanager
def statements_run():
    """Yield a list that holds, once the block ends, the SQL it ran without transaction control."""
    statements: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield statements
    statements.extend(q["sql"] for q in captured if q["sql"].split()[0].upper() not in TRANSACTION_CONTROL)
