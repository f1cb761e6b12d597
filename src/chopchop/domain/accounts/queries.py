"""The accounts' hand-written SQL: the lookups of an address, the single statements that keep confirmations and
email tokens race-safe, the lookups and single statements of personal access tokens and refresh tokens,
and the purges. Each builder (``*_statement``) is explained by
tests/db/test_explain_accounts.py; plain rows (a user, a registration) go through the services'
repositories."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Delete, Select, Update, and_, delete, or_, select, update
from sqlalchemy.sql.dml import ReturningDelete, ReturningUpdate

from chopchop.db import (
    PendingRegistration,
    PersonalAccessToken,
    RefreshToken,
    RefreshTokenFamily,
    TokenPurpose,
    User,
    UserToken,
    not_suspended,
)
from chopchop.lib.sql import PLAIN, insert_on_conflict

# Users


def account_id_statement(email: str) -> Select[tuple[UUID]]:
    """The id of the address's account (no row: the address has none). ``email`` is normalised already."""
    return select(User.id).where(User.email == email)


def lock_account_statement(user_id: UUID) -> Select[tuple[str]]:
    """The account's row, locked for its deletion. ``FOR UPDATE`` conflicts with the key-share lock that every
    insert referencing the account takes (a like, a comment, a recipe): those that began first finish before the
    deletion counts what the account owns, those that begin later fail on the foreign key (409). Nothing the
    account adds meanwhile is removed by the cascade without being uncounted. Its role, as it is now."""
    return select(User.role).where(User.id == user_id).with_for_update()


def add_confirmed_user_statement(
    dialect: str, registration: PendingRegistration, *, user_id: UUID, now: datetime
) -> Any:
    """The active account of ``registration`` unless the address has one (``ON CONFLICT DO NOTHING`` on the unique
    email), returning its id only if it went in: of two creations of the address's account, one wins."""
    return (
        insert_on_conflict(dialect)(User)
        .values(
            id=user_id,
            email=registration.email,
            display_name=registration.display_name,
            password_hash=registration.password_hash,
            is_active=True,
            confirmed_at=now,
            token_version=0,
        )
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User.id)
    )


# Registrations


def newest_registration_statement(email: str, now: datetime) -> Select[tuple[PendingRegistration]]:
    """The most recent registration of the address whose link has not expired (ties broken by id)."""
    return (
        select(PendingRegistration)
        .where(PendingRegistration.email == email, PendingRegistration.expires_at > now)
        .order_by(PendingRegistration.created_at.desc(), PendingRegistration.id.desc())
        .limit(1)
    )


def lock_registrations_statement(email: str) -> Select[tuple[UUID]]:
    """Lock every registration of the address, returning their ids. Always in id order: two confirmations of two
    links of one address would otherwise each hold one row and wait for the other's (a deadlock)."""
    return (
        select(PendingRegistration.id)
        .where(PendingRegistration.email == email)
        .order_by(PendingRegistration.id)
        .with_for_update()
    )


def remove_registrations_statement(email: str) -> Delete:
    """Every registration of the address (one of them becomes its account). Not ``PLAIN``: the session holds the
    one being confirmed, and marks it deleted too."""
    return delete(PendingRegistration).where(PendingRegistration.email == email)


def purge_registrations_statement(now: datetime) -> Delete:
    """Registrations whose link expired."""
    return delete(PendingRegistration).where(PendingRegistration.expires_at <= now).execution_options(**PLAIN)


# Email tokens


def revoke_tokens_statement(user_id: UUID, purpose: TokenPurpose) -> Delete:
    """The user's unused tokens of ``purpose``: a new one is being issued, only the newest email works."""
    return (
        delete(UserToken)
        .where(UserToken.user_id == user_id, UserToken.purpose == purpose.value, UserToken.used_at.is_(None))
        .execution_options(**PLAIN)
    )


def consume_token_statement(token_hash: str, purpose: TokenPurpose, now: datetime) -> ReturningUpdate[tuple[UUID]]:
    """Mark the token used, returning its user id only if it was valid (its purpose, unused, not expired).

    One conditional UPDATE: two concurrent uses of one token cannot both succeed (the second waits for the
    first's row lock, then finds ``used_at`` set and matches nothing)."""
    return (
        update(UserToken)
        .where(
            UserToken.token_hash == token_hash,
            UserToken.purpose == purpose.value,
            UserToken.used_at.is_(None),
            UserToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(UserToken.user_id)
        .execution_options(**PLAIN)
    )


def purge_tokens_statement(now: datetime) -> Delete:
    """Used and expired tokens."""
    return (
        delete(UserToken)
        .where((UserToken.expires_at <= now) | UserToken.used_at.is_not(None))
        .execution_options(**PLAIN)
    )


# Personal access tokens


def access_token_user_statement(token_hash: str, now: datetime) -> Select[tuple[PersonalAccessToken, User]]:
    """The token (unique index on its hash) and its user, if the token has not expired and the user is active."""
    return (
        select(PersonalAccessToken, User)
        .join(User, User.id == PersonalAccessToken.user_id)
        .where(
            PersonalAccessToken.token_hash == token_hash,
            or_(PersonalAccessToken.expires_at.is_(None), PersonalAccessToken.expires_at > now),
            User.is_active.is_(True),
            not_suspended(now),
        )
    )


def touch_access_token_statement(token_id: UUID, now: datetime, every: timedelta) -> Update:
    """Record a use of the token, unless one was recorded less than ``every`` ago: at most one write per token per
    interval, however many requests it makes (and of concurrent requests, one writes, the others match nothing)."""
    return (
        update(PersonalAccessToken)
        .where(
            PersonalAccessToken.id == token_id,
            or_(PersonalAccessToken.last_used_at.is_(None), PersonalAccessToken.last_used_at <= now - every),
        )
        .values(last_used_at=now)
        .execution_options(**PLAIN)
    )


def access_tokens_of_statement(user_id: UUID) -> Select[tuple[PersonalAccessToken]]:
    """The user's tokens, newest first."""
    return (
        select(PersonalAccessToken)
        .where(PersonalAccessToken.user_id == user_id)
        .order_by(PersonalAccessToken.created_at.desc(), PersonalAccessToken.id.desc())
    )


def revoke_access_token_statement(user_id: UUID, token_id: UUID) -> ReturningDelete[tuple[UUID]]:
    """Delete one of the user's tokens, returning its id if it was there (and the user's)."""
    return (
        delete(PersonalAccessToken)
        .where(PersonalAccessToken.id == token_id, PersonalAccessToken.user_id == user_id)
        .returning(PersonalAccessToken.id)
        .execution_options(**PLAIN)
    )


def revoke_access_tokens_statement(user_id: UUID) -> Delete:
    """Every token of the user (revoke all, a password change or reset)."""
    return delete(PersonalAccessToken).where(PersonalAccessToken.user_id == user_id).execution_options(**PLAIN)


# Refresh tokens


def user_and_family_statement(user_id: UUID, family_id: UUID) -> Select[tuple[User, UUID]]:
    """An access token's user and, if it still exists, the user's login (family) the token was minted for (NULL
    when it has ended: an outer join)."""
    family = and_(RefreshTokenFamily.id == family_id, RefreshTokenFamily.user_id == User.id)
    return select(User, RefreshTokenFamily.id).outerjoin(RefreshTokenFamily, family).where(User.id == user_id)


def use_refresh_token_statement(token_hash: str, now: datetime) -> ReturningUpdate[tuple[UUID]]:
    """Mark the refresh token used, returning its family only if it was valid (unused, not expired).

    One conditional UPDATE: of two concurrent uses of one token, the second waits for the first's row lock, then
    finds ``used_at`` set and matches nothing (it is then a reuse)."""
    return (
        update(RefreshToken)
        .where(RefreshToken.token_hash == token_hash, RefreshToken.used_at.is_(None), RefreshToken.expires_at > now)
        .values(used_at=now)
        .returning(RefreshToken.family_id)
        .execution_options(**PLAIN)
    )


def lock_family_of_token_statement(token_hash: str) -> Select[tuple[UUID]]:
    """Lock the login (family) of a refresh token before the token itself: the order of every other statement on
    them (ending a login deletes the family, then its tokens by cascade). Taking the token first deadlocked with a
    concurrent logout. No row: no such token, or its login has ended."""
    family_of_token = select(RefreshToken.family_id).where(RefreshToken.token_hash == token_hash).scalar_subquery()
    return (
        select(RefreshTokenFamily.id)
        .where(RefreshTokenFamily.id == family_of_token)
        .with_for_update()
        .execution_options(**PLAIN)
    )


def refresh_token_state_statement(token_hash: str) -> Select[tuple[UUID, datetime | None]]:
    """A refresh token's family and when it was used, whatever its state (to recognise a reuse)."""
    return select(RefreshToken.family_id, RefreshToken.used_at).where(RefreshToken.token_hash == token_hash)


def extend_family_statement(family_id: UUID, expires_at: datetime) -> ReturningUpdate[tuple[UUID]]:
    """The family lives as long as its newest refresh token; returns its user."""
    return (
        update(RefreshTokenFamily)
        .where(RefreshTokenFamily.id == family_id)
        .values(expires_at=expires_at)
        .returning(RefreshTokenFamily.user_id)
        .execution_options(**PLAIN)
    )


def end_family_statement(family_id: UUID) -> Delete:
    """End one login: its refresh tokens go with it (cascade), its access tokens are refused from now on."""
    return delete(RefreshTokenFamily).where(RefreshTokenFamily.id == family_id).execution_options(**PLAIN)


def end_families_statement(user_id: UUID) -> Delete:
    """End every login of the user (a password change or reset)."""
    return delete(RefreshTokenFamily).where(RefreshTokenFamily.user_id == user_id).execution_options(**PLAIN)


def purge_families_statement(now: datetime) -> Delete:
    """Logins whose newest refresh token has expired (their used tokens are no longer needed to recognise reuse)."""
    return delete(RefreshTokenFamily).where(RefreshTokenFamily.expires_at <= now).execution_options(**PLAIN)
