"""The SQL statements an app sends, captured as they go and explained (``EXPLAIN (ANALYZE, BUFFERS)``) with their
parameters, so that the plans shown are those of the statements the app really runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from bench import pg


@contextmanager
def captured(app: Any) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) the app's engine sends inside the block."""
    from chopchop.server import ChopchopPlugin

    engine = app.plugins.get(ChopchopPlugin).db_config.get_engine().sync_engine
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def explain(dsn: str, statements: list[tuple[str, Any]]) -> list[str]:
    """Each read statement followed by its plan (writes are skipped: ANALYZE runs them)."""
    plans: list[str] = []
    async with pg.connected(dsn) as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *(parameters or ()))
            plans.append(statement.strip() + "\n\n" + "\n".join(row[0] for row in rows))
    return plans
