"""Run the alembic migrations from code (start-up in embedded mode, ``chopchop db upgrade``, tests)."""

from __future__ import annotations

import asyncio
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


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Upgrade from inside a running event loop: alembic's async env runs its own loop in a thread."""
    await asyncio.to_thread(upgrade, database_url, revision)
