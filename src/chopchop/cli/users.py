"""`chopchop users`: accounts from the shell."""

from __future__ import annotations

import asyncio

import click
import msgspec
from litestar import Litestar
from litestar.cli._utils import LitestarGroup  # the group class that hands `app` to subcommands

from chopchop.db import Role
from chopchop.domain.accounts.schemas import Registration
from chopchop.domain.accounts.services import UserService
from chopchop.domain.moderation.services import CLI, ModerationService
from chopchop.lib.problems import ProblemError
from chopchop.server import ChopchopPlugin


@click.group(name="users", cls=LitestarGroup)
def users_group() -> None:
    """Manage user accounts from the shell."""


@users_group.command(name="create")  # type: ignore[untyped-decorator]
@click.option("--email", required=True, help="Email address (the login).")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Password (prompted).")
def users_create(app: Litestar, email: str, display_name: str, password: str) -> None:
    """Create a confirmed, active user."""
    try:  # the same rules as the registration endpoint
        msgspec.convert({"email": email, "password": password, "display_name": display_name}, Registration)
    except msgspec.ValidationError as exc:
        raise click.ClickException(str(exc)) from exc
    plugin = app.plugins.get(ChopchopPlugin)

    async def _create() -> str:
        async with plugin.db_config.get_session() as session:
            service = UserService(session=session)
            try:
                user = await service.create_confirmed(
                    email=email, display_name=display_name, password=password, hasher=plugin.hasher
                )
            except ValueError as exc:
                raise click.ClickException(str(exc)) from exc
            await session.commit()
            return str(user.id)

    user_id = asyncio.run(_create())
    click.echo(f"Created confirmed user {email} ({user_id}).")


@users_group.command(name="set-role")  # type: ignore[untyped-decorator]
@click.argument("email")
@click.argument("role", type=click.Choice([role.value for role in Role]))
def users_set_role(app: Litestar, email: str, role: str) -> None:
    """Give the account of EMAIL the ROLE user, moderator or admin (written to the audit log as `cli`).

    The first admin is made here; later ones can be made by an admin through the API. The last admin cannot be
    demoted."""
    plugin = app.plugins.get(ChopchopPlugin)

    async def _set() -> tuple[str, str]:
        async with plugin.db_config.get_session() as session:
            user = await UserService(session=session).get_by_email(email)
            if user is None:
                msg = f"No account has the email address {email!r}."
                raise click.ClickException(msg)
            try:
                before = user.role
                await ModerationService(session=session).set_role(CLI, user.id, Role(role))
            except ProblemError as exc:
                raise click.ClickException(str(exc.detail)) from exc
            await session.commit()
            return str(user.id), before

    user_id, before = asyncio.run(_set())
    click.echo(f"{email} ({user_id}): {before} -> {role}.")
