"""Background jobs of the recipes area."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from chopchop.domain.recipes.services import IngredientService


async def fold_ingredient_usage(ctx: dict[str, Any]) -> None:
    """Cron: move the pending ``ingredient_usage`` deltas into ``ingredient.recipe_count`` (the autocomplete's
    counts read the same before and after; folding keeps the pending rows per entry few)."""
    db: SQLAlchemyAsyncConfig = ctx["db_config"]
    async with db.get_session() as session:
        await IngredientService(session=session).fold_usage()
        await session.commit()


TASKS = [fold_ingredient_usage]
