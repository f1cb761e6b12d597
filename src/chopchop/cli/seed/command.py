"""``chopchop seed``: the click command; the seeding is imported when it runs (``chopchop --help`` stays fast)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from litestar import Litestar

    from chopchop.cli.seed.rows import SeedReport

SEED_PASSWORD = "chopchop-seed-password"  # noqa: S105 - demo accounts, printed by the command


@click.command(name="seed")
@click.option("--users", default=100, show_default=True, type=click.IntRange(min=1, max=1_000_000), help="Users.")
@click.option("--recipes", default=1000, show_default=True, type=click.IntRange(min=0, max=10_000_000), help="Recipes.")
@click.option("--seed", "seed_value", default=1, show_default=True, type=int, help="Random seed: same seed, same data.")
@click.option("--likes-per-recipe", default=3.0, show_default=True, type=click.FloatRange(min=0), help="Mean.")
@click.option("--comments-per-recipe", default=1.5, show_default=True, type=click.FloatRange(min=0), help="Mean.")
def seed_command(
    app: Litestar, *, users: int, recipes: int, seed_value: int, likes_per_recipe: float, comments_per_recipe: float
) -> None:
    """Fill the database with realistic demo data: users, recipes with ingredients and steps, likes, comments."""
    from chopchop.cli.seed.generate import EMAIL_DOMAIN
    from chopchop.cli.seed.run import seed_database
    from chopchop.server import ChopchopPlugin

    plugin = app.plugins.get(ChopchopPlugin)

    async def _run() -> SeedReport:
        password_hash = await plugin.hasher.hash(SEED_PASSWORD)
        with click.progressbar(length=recipes, label=f"Seeding {users} users and {recipes} recipes") as bar:
            try:
                return await seed_database(
                    plugin.db_config.get_engine(),
                    users=users,
                    recipes=recipes,
                    seed=seed_value,
                    password_hash=password_hash,
                    likes_per_recipe=likes_per_recipe,
                    comments_per_recipe=comments_per_recipe,
                    progress=bar.update,
                )
            except ValueError as exc:
                raise click.ClickException(str(exc)) from exc
            finally:
                await plugin.db_config.get_engine().dispose()

    report = asyncio.run(_run())
    click.echo(
        f"Seeded {report.users} users, {report.recipes} recipes, {report.ingredient_lines} ingredient lines, "
        f"{report.tags} tags, {report.likes} likes and {report.comments} comments in {report.seconds:.1f}s."
    )
    for note in report.notes:
        click.echo(f"Note: {note}")
    click.echo(f"Seeded users log in as cook<N>.s{seed_value}@{EMAIL_DOMAIN} with the password {SEED_PASSWORD!r}.")
