"""One statement run for many rows given as dicts (a missing key is NULL).

The pipeline writes thousands of rows of 50-odd columns per batch. On SQLite,
SQLAlchemy's per-row parameter handling costs more than SQLite's own insert, so
there the statement is compiled once per engine and the rows go to the driver
as tuples, through the same bind processors SQLAlchemy would apply. Other
engines keep SQLAlchemy's executemany (its multi-row VALUES batches suit a
network round trip).

New ids on SQLite: the pipeline's transactions hold SQLite's write lock from
their first statement (`dialects.immediate_transactions`), and the raw-log
tables have no AUTOINCREMENT, so the ids SQLite would give are MAX(id) + 1, +2...
exactly; giving them explicitly spares a RETURNING per row.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from footfall.db.dialects import insert_returning_ids

_Compiled = tuple[str, tuple[str, ...], tuple[tuple[int, Any], ...]]


class ManyRows:
    """An INSERT of `columns` (`ManyRows.insert`) or a statement with bound parameters."""

    def __init__(self, statement: Any, names: tuple[str, ...], *,
                 table: sa.Table | None = None) -> None:
        self.statement = statement
        self.names = names
        self.table = table  # set for inserts: compiled with these columns only
        self._compiled: dict[int, _Compiled] = {}

    @classmethod
    def insert(cls, table: sa.Table, columns: tuple[str, ...]) -> ManyRows:
        return cls(table.insert(), columns, table=table)

    def execute(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        if conn.dialect.name != "sqlite":
            conn.execute(self.statement, [{name: row.get(name) for name in self.names}
                                          for row in rows])
            return
        sql, order, processors = self._compile(conn)
        conn.exec_driver_sql(sql, [_values(row, order, processors) for row in rows])

    def _compile(self, conn: Connection) -> _Compiled:
        dialect = conn.dialect
        known = self._compiled.get(id(dialect))
        if known is not None:
            return known
        keys = list(self.names) if self.table is not None else None
        compiled = self.statement.compile(dialect=dialect, column_keys=keys)
        order = tuple(compiled.positiontup or ())
        if sorted(order) != sorted(self.names):
            raise RuntimeError(f"unexpected parameters {order} in {compiled.string[:80]}")
        processors = []
        for index, name in enumerate(order):
            process = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((index, process))
        known = self._compiled[id(dialect)] = (compiled.string, order, tuple(processors))
        return known


class InsertWithIds:
    """An INSERT of many rows that gives each row its new id (in the rows' order)."""

    def __init__(self, table: sa.Table, id_column: str, columns: tuple[str, ...]) -> None:
        self.table = table
        self.id_column = id_column
        self.columns = columns
        self._sqlite = ManyRows.insert(table, (id_column, *columns))

    def execute(self, conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        id_column = self.table.c[self.id_column]
        if conn.dialect.name != "sqlite":
            return insert_returning_ids(conn, self.table, id_column,
                                        [{name: row.get(name) for name in self.columns}
                                         for row in rows])
        first = int(conn.execute(sa.select(sa.func.max(id_column))).scalar() or 0) + 1
        ids = list(range(first, first + len(rows)))
        with_ids = [{**row, self.id_column: new_id} for row, new_id in zip(rows, ids,
                                                                             strict=True)]
        self._sqlite.execute(conn, with_ids)
        return ids


def _values(row: dict[str, Any], order: tuple[str, ...],
            processors: tuple[tuple[int, Any], ...]) -> tuple[Any, ...]:
    if not processors:
        return tuple(map(row.get, order))
    values = list(map(row.get, order))
    for index, process in processors:
        if values[index] is not None:
            values[index] = process(values[index])
    return tuple(values)
