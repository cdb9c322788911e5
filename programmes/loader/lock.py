"""One catalogue load at a time: a lock held until the load's transaction ends.

Two loads at once could both read the catalogue before either writes, and both
report what they would change while one's content wins. Each load therefore
takes a lock first, in its transaction: on PostgreSQL a transaction-level
advisory lock (`pg_advisory_xact_lock`), on SQLite the database's write lock
(a write at the start of the transaction, as `BEGIN IMMEDIATE` does). A second
load waits up to `wait` seconds for the first to finish, then reads what the
first wrote and reports that; past `wait` it is refused with `CatalogueBusy`.
"""

from django.db import OperationalError, transaction

from .records import CatalogueError

# The advisory lock's key on PostgreSQL: any number, the same for every load.
LOCK_KEY = 0x43455031  # "CEP1"
DEFAULT_WAIT = 60  # seconds


class CatalogueBusy(CatalogueError):
    """Another load held the catalogue for longer than the load would wait."""

    def __init__(self, wait):
        super().__init__(
            [
                f"another load_catalogue run is writing the catalogue and did not "
                f"finish within {wait:g} s (see --wait); run it again once that one "
                "has finished."
            ]
        )


def lock_catalogue(wait=DEFAULT_WAIT, on_wait=None):
    """Take the load lock in the current transaction; wait up to `wait` seconds.

    `on_wait()` is called once if the lock is held by someone else, before
    waiting. Raises CatalogueBusy when the wait is over.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("The catalogue lock is held by a transaction: open one.")
    take = {"postgresql": _postgresql, "sqlite": _sqlite}.get(connection.vendor)
    if take is None:
        return
    if take(connection, 0):
        return
    if on_wait and wait > 0:
        on_wait()
    if wait <= 0 or not take(connection, wait):
        raise CatalogueBusy(wait)


def wait_for_writer(wait=DEFAULT_WAIT, on_wait=None):
    """On SQLite, before the load's transaction begins: wait up to `wait` seconds
    (calling `on_wait()` first) for another connection's write to end. With
    immediate transactions (see the settings) `BEGIN` itself takes the write
    lock, and would otherwise wait the connection's busy timeout instead.
    Returns False when the wait was in vain."""
    connection = transaction.get_connection()
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return True
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (before,) = cursor.fetchone()
        try:
            for timeout in (0, wait):
                cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                try:
                    cursor.execute("BEGIN IMMEDIATE")
                    cursor.execute("ROLLBACK")
                    return True
                except OperationalError as error:
                    if not is_busy(error):
                        raise
                if timeout == 0 and on_wait and wait > 0:
                    on_wait()
                if wait <= 0:
                    break
            return False
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


def is_busy(error):
    """Whether a database error says a lock was not granted in time."""
    text = str(error).lower()
    return "database is locked" in text or "lock timeout" in text


def _postgresql(connection, wait):
    with connection.cursor() as cursor:
        if not wait:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
            return cursor.fetchone()[0]
        # For this wait only, then back to what it was; local to the transaction.
        cursor.execute("SELECT current_setting('lock_timeout')")
        (before,) = cursor.fetchone()
        timeout = f"{int(wait * 1000)}ms"
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
        try:
            with transaction.atomic():  # a savepoint, so a timeout can be caught
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        except OperationalError as error:
            if not is_busy(error):
                raise
            return False
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
        return True


def _sqlite(connection, wait):
    table = connection.ops.quote_name("django_migrations")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        try:
            # A write that changes nothing takes the write lock now.
            cursor.execute(f"UPDATE {table} SET id = id WHERE 0 = 1")
        except OperationalError as error:
            if not is_busy(error):
                raise
            return False
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
        return True
