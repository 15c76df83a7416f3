"""Every difference between SQLite, PostgreSQL and MariaDB/MySQL, in one place.

Other modules ask this one for a column type or a statement form and never
test the dialect name themselves.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

# SQLite only auto-increments an INTEGER PRIMARY KEY, so big ids are plain
# integers there (SQLite integers are 64-bit anyway).
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# Large text and blobs: MySQL's TEXT/BLOB stop at 64 KiB.
LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
Blob = sa.LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")


def Binary(length: int) -> sa.types.TypeEngine[bytes]:  # noqa: N802 - reads like a type
    """Short binary ids (visitor id, IP): VARBINARY on MySQL, BYTEA/BLOB elsewhere."""
    return sa.LargeBinary(length).with_variant(mysql.VARBINARY(length), "mysql", "mariadb")


def dialect_name(bind: Engine | Connection) -> str:
    name = bind.dialect.name
    return "mysql" if name == "mariadb" else name


def insert_ignore(table: sa.Table, bind: Engine | Connection) -> Any:
    """An INSERT that skips rows clashing with a unique key, on every engine."""
    name = dialect_name(bind)
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if name == "mysql":
        return mysql.insert(table).prefix_with("IGNORE")
    return sqlite.insert(table).on_conflict_do_nothing()


def upsert(table: sa.Table, bind: Engine | Connection, *, keys: list[str], update: list[str]) -> Any:
    """INSERT ... that overwrites `update` columns when a row with `keys` exists."""
    name = dialect_name(bind)
    if name == "postgresql":
        stmt = postgresql.insert(table)
        return stmt.on_conflict_do_update(
            index_elements=keys, set_={c: stmt.excluded[c] for c in update}
        )
    if name == "mysql":
        stmt = mysql.insert(table)
        return stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in update})
    stmt = sqlite.insert(table)
    return stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in update})


def create_if_missing(table: sa.Table, engine: Engine) -> None:
    """CREATE the table unless it exists. Several processes start at once (`serve
    --workers N` and the pipeline process): losing the race to one that created the
    table between the look and the CREATE is no error."""
    try:
        table.create(engine, checkfirst=True)
    except sa.exc.DBAPIError:
        if not sa.inspect(engine).has_table(table.name):
            raise


def not_from_index(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """`column` as SQLite's planner will not read it from an index (unary +): to keep it from
    choosing an index only for the order it gives a GROUP BY. SQLite only (PostgreSQL has
    no unary + on most types)."""
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def engine_options(url: str, *, sqlite_synchronous: str = "FULL") -> dict[str, Any]:
    """create_engine keyword arguments that suit each engine."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    if url.startswith("mysql"):
        return {"pool_pre_ping": True, "pool_recycle": 3600, "pool_size": 10, "max_overflow": 20}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}


def on_connect(engine: Engine, *, sqlite_synchronous: str = "FULL") -> None:
    """Per-connection set-up: WAL and durability for SQLite, UTC and strictness elsewhere."""
    name = dialect_name(engine)

    @sa.event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if name == "sqlite":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={_checked_sync(sqlite_synchronous)}")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=OFF")
        elif name == "mysql":
            cursor.execute("SET time_zone = '+00:00'")
            cursor.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')")
        elif name == "postgresql":
            cursor.execute("SET TIME ZONE 'UTC'")
        cursor.close()
        if name == "postgresql":
            dbapi_connection.commit()


def _checked_sync(value: str) -> str:
    allowed = {"OFF", "NORMAL", "FULL", "EXTRA"}
    upper = value.upper()
    if upper not in allowed:
        raise ValueError(f"[database] sqlite_synchronous must be one of {sorted(allowed)}")
    return upper


def mysql_url_with_charset(url: str) -> str:
    """PyMySQL defaults to latin1; analytics data is any language."""
    if url.startswith("mysql") and "charset=" not in url:
        return url + ("&" if "?" in url else "?") + "charset=utf8mb4"
    return url


def insert_returning_ids(conn: Connection, table: sa.Table, id_column: sa.Column[Any],
                         rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` and return their new auto-increment ids, in the rows' order.

    SQLite and PostgreSQL do it in one statement (INSERT ... RETURNING, ordered);
    MySQL/MariaDB have no ordered multi-row RETURNING, so rows go one by one.
    """
    if not rows:
        return []
    if getattr(conn.dialect, "insert_executemany_returning_sort_by_parameter_order", False):
        statement = table.insert().returning(id_column, sort_by_parameter_order=True)
        return [int(row[0]) for row in conn.execute(statement, rows)]
    return [int(conn.execute(table.insert().values(**row)).inserted_primary_key[0])
            for row in rows]


def separate_queue_url(url: str) -> str | None:
    """Where the tracker's ingest queue lives when not in the main database.

    SQLite has one writer per file: a queue in the raw-log file would make every
    acknowledgement wait for the pipeline's transactions, so it gets a file of its
    own beside the database. PostgreSQL and MariaDB lock rows: same database.
    """
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    path = url.removeprefix("sqlite:///")
    stem = path[:-len(".sqlite3")] if path.endswith(".sqlite3") else path
    return f"sqlite:///{stem}-queue.sqlite3"


def one_snapshot(conn: Connection) -> Connection:
    """`conn`, made to read every following statement from one snapshot of the database.

    A reader that joins several SELECTs (visits, then their actions) must not see a
    hit committed between them. pysqlite runs each SELECT on its own snapshot unless a
    transaction is open, and PostgreSQL's READ COMMITTED takes one per statement;
    MySQL/MariaDB's REPEATABLE READ already holds one for the transaction. The
    transaction ends when the connection is returned to its pool.
    """
    name = dialect_name(conn)
    if name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN")
    elif name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def immediate_transactions(engine: Engine) -> None:
    """SQLite: every transaction of `engine` takes the write lock when it begins.

    A deferred SQLite transaction that reads, then writes after another connection
    committed fails at once (SQLITE_BUSY_SNAPSHOT, which no busy timeout retries). The
    tracker's pipeline reads before it writes, so its engine begins IMMEDIATE instead.
    Other engines are left alone.
    """
    if dialect_name(engine) != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _manual_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
