"""Run the alembic migrations from code (start-up in embedded mode, ``chopchop db upgrade``, tests)."""

from __future__ import annotations

import asyncio
import fcntl
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config


def migrations_dir() -> Path:
    """The migrations shipped inside the package (wheel) or, in a source checkout, ``migrations/``."""
    packaged = Path(str(resources.files("chopchop"))) / "migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def upgrade_locked(database_url: str, lock_file: Path, revision: str = "head") -> None:
    """Upgrade while holding an exclusive lock on ``lock_file``: the worker processes of one embedded server
    all migrate at start, and two of them creating the same tables at once would crash one."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            upgrade(database_url, revision)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


async def upgrade_async(database_url: str, revision: str = "head", *, lock_file: Path | None = None) -> None:
    """Upgrade from inside a running event loop: alembic's async env runs its own loop in a thread."""
    if lock_file is None:
        await asyncio.to_thread(upgrade, database_url, revision)
    else:
        await asyncio.to_thread(upgrade_locked, database_url, lock_file, revision)
