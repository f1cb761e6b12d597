"""Background jobs of the accounts area: every account email is sent from here, never from a request."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from chopchop.db import TokenPurpose
from chopchop.domain.accounts import emails
from chopchop.domain.accounts.services import UserService, UserTokenService
from chopchop.lib.email import Mailer
from chopchop.settings import Settings

logger = logging.getLogger("chopchop.jobs.accounts")


def _deps(ctx: dict[str, Any]) -> tuple[Settings, Mailer, SQLAlchemyAsyncConfig]:
    return ctx["settings"], ctx["mailer"], ctx["db_config"]


async def send_confirmation_email(ctx: dict[str, Any], *, user_id: str) -> None:
    """Issue a confirmation token for a new account and email the link."""
    settings, mailer, db = _deps(ctx)
    async with db.get_session() as session:
        user = await UserService(session=session).get_one_or_none(id=UUID(user_id))
        if user is None or user.is_active:
            return
        token = await UserTokenService(session=session).issue(
            user.id, TokenPurpose.CONFIRM_EMAIL, timedelta(hours=settings.confirm_token_hours)
        )
        await session.commit()
    await mailer.send(
        emails.confirmation_email(
            to=user.email,
            name=user.display_name,
            token=token,
            base_url=settings.public_base_url,
            hours=settings.confirm_token_hours,
        )
    )


async def send_registration_notice(ctx: dict[str, Any], *, user_id: str) -> None:
    """Someone registered with an address that already has an account: tell its owner, reveal nothing."""
    settings, mailer, db = _deps(ctx)
    async with db.get_session() as session:
        user = await UserService(session=session).get_one_or_none(id=UUID(user_id))
    if user is None:
        return
    if not user.is_active:
        # Still unconfirmed: the useful answer is a fresh confirmation link.
        await send_confirmation_email(ctx, user_id=user_id)
        return
    await mailer.send(
        emails.already_registered_email(to=user.email, name=user.display_name, base_url=settings.public_base_url)
    )


async def resend_confirmation(ctx: dict[str, Any], *, email: str) -> None:
    """Resend the confirmation link if the address belongs to an unconfirmed account; otherwise nothing."""
    _, _, db = _deps(ctx)
    async with db.get_session() as session:
        user = await UserService(session=session).get_by_email(email)
    if user is not None and not user.is_active:
        await send_confirmation_email(ctx, user_id=str(user.id))


async def send_password_reset(ctx: dict[str, Any], *, email: str) -> None:
    """Email a reset link if the address has an account. The request that asked for it cannot tell."""
    settings, mailer, db = _deps(ctx)
    async with db.get_session() as session:
        user = await UserService(session=session).get_by_email(email)
        if user is None:
            return
        token = await UserTokenService(session=session).issue(
            user.id, TokenPurpose.RESET_PASSWORD, timedelta(minutes=settings.reset_token_minutes)
        )
        await session.commit()
    await mailer.send(
        emails.password_reset_email(
            to=user.email,
            name=user.display_name,
            token=token,
            base_url=settings.public_base_url,
            minutes=settings.reset_token_minutes,
        )
    )


async def purge_expired_tokens(ctx: dict[str, Any]) -> int:
    """Cron: drop used and expired email tokens."""
    _, _, db = _deps(ctx)
    async with db.get_session() as session:
        removed = await UserTokenService(session=session).purge_expired()
        await session.commit()
    logger.info("purged %d used or expired tokens", removed)
    return removed


TASKS = [
    send_confirmation_email,
    send_registration_notice,
    resend_confirmation,
    send_password_reset,
    purge_expired_tokens,
]
