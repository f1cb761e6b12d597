"""Background jobs of the accounts area: every account email is sent from here, never from a request."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig

from chopchop.db import TokenPurpose
from chopchop.domain.accounts import emails
from chopchop.domain.accounts.services import RefreshTokenService, RegistrationService, UserService, UserTokenService
from chopchop.lib.email import Mailer, OutgoingEmail
from chopchop.settings import Settings

logger = logging.getLogger("chopchop.jobs.accounts")


async def _send(mailer: Mailer, message_id: str | None, email: OutgoingEmail) -> None:
    await mailer.send(replace(email, message_id=message_id))


def _deps(ctx: dict[str, Any]) -> tuple[Settings, Mailer, SQLAlchemyAsyncConfig]:
    return ctx["settings"], ctx["mailer"], ctx["db_config"]


async def send_confirmation_email(
    ctx: dict[str, Any],
    *,
    registration_id: str | None = None,
    user_id: str | None = None,
    message_id: str | None = None,
) -> None:
    """Issue the link of a registration and email it (nothing if it was confirmed or expired meanwhile).

    ``user_id`` is how outbox rows written before pending registrations named the same id.
    """
    settings, mailer, db = _deps(ctx)
    wanted = registration_id or user_id
    if wanted is None:
        return
    async with db.get_session() as session:
        issued = await RegistrationService(session=session).issue_link(UUID(wanted))
        if issued is None:
            return
        registration, token = issued
        await session.commit()
    await _send(
        mailer,
        message_id,
        emails.confirmation_email(
            # Not the registrant's name: whoever registered wrote it, and the address is not proven yet.
            to=registration.email,
            registered_at=registration.created_at,
            token=token,
            base_url=settings.public_base_url,
            hours=settings.confirm_token_hours,
        ),
    )


async def send_registration_notice(ctx: dict[str, Any], *, user_id: str, message_id: str | None = None) -> None:
    """Someone registered with an address that already has an account: tell its owner, reveal nothing."""
    settings, mailer, db = _deps(ctx)
    async with db.get_session() as session:
        user = await UserService(session=session).get_one_or_none(id=UUID(user_id))
    if user is None:
        return
    await _send(
        mailer,
        message_id,
        emails.already_registered_email(to=user.email, name=user.display_name, base_url=settings.public_base_url),
    )


async def resend_confirmation(ctx: dict[str, Any], *, email: str, message_id: str | None = None) -> None:
    """A new link for the newest registration of the address, if it has no account; otherwise nothing."""
    settings, _, db = _deps(ctx)
    async with db.get_session() as session:
        if await UserService(session=session).get_by_email(email) is not None:
            return
        renewed = await RegistrationService(session=session).renew(email, timedelta(hours=settings.confirm_token_hours))
        await session.commit()
    if renewed is not None:
        await send_confirmation_email(ctx, registration_id=str(renewed.id), message_id=message_id)


async def send_password_reset(ctx: dict[str, Any], *, email: str, message_id: str | None = None) -> None:
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
    await _send(
        mailer,
        message_id,
        emails.password_reset_email(
            to=user.email,
            name=user.display_name,
            token=token,
            base_url=settings.public_base_url,
            minutes=settings.reset_token_minutes,
        ),
    )


async def purge_expired_tokens(ctx: dict[str, Any]) -> int:
    """Cron: drop used and expired email tokens, registrations whose link expired, and logins whose newest refresh
    token expired (with their refresh tokens)."""
    _, _, db = _deps(ctx)
    async with db.get_session() as session:
        removed = await UserTokenService(session=session).purge_expired()
        removed_registrations = await RegistrationService(session=session).purge_expired()
        removed_logins = await RefreshTokenService(session=session).purge_expired()
        await session.commit()
    logger.info(
        "purged %d used or expired tokens, %d expired registrations, %d expired logins",
        removed,
        removed_registrations,
        removed_logins,
    )
    return removed + removed_registrations + removed_logins


TASKS = [
    send_confirmation_email,
    send_registration_notice,
    resend_confirmation,
    send_password_reset,
    purge_expired_tokens,
]
