"""Background jobs of the recipes area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from chopchop.domain.recipes.services import IngredientService, RecipeChangeService
from chopchop.settings import Settings


async def fold_ingredient_usage(ctx: dict[str, Any]) -> None:
    """Cron: move the pending ``ingredient_usage`` deltas into ``ingredient.recipe_count`` (the autocomplete's
    counts read the same before and after; folding keeps the pending rows per entry few)."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    async with db.get_session() as session:
        await IngredientService(session=session).fold_usage()
        await session.commit()


async def prune_recipe_changes(ctx: dict[str, Any]) -> None:
    """Cron: drop the change feed's tombstones older than ``CHOPCHOP_CHANGE_RETENTION_DAYS`` (cursors from before
    them get 410 Gone). Live recipes keep their one entry: a client starting from scratch still gets every one."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    settings: Settings = ctx["settings"]
    async with db.get_session() as session:
        await RecipeChangeService(session=session).prune(timedelta(days=settings.change_retention_days))
        await session.commit()


TASKS = [fold_ingredient_usage, prune_recipe_changes]
