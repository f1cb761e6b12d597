"""The accounts' hand-written SQL: the lookups of an address, the single statements that keep confirmations and
email tokens race-safe, and the purges. Each builder (``*_statement``) is explained by
tests/db/test_explain_accounts.py; plain rows (a user, a registration) go through the services'
repositories."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Delete, Select, delete, select, update
from sqlalchemy.sql.dml import ReturningUpdate

from chopchop.db import PendingRegistration, TokenPurpose, User, UserToken
from chopchop.lib.sql import PLAIN, insert_on_conflict

# Users


def account_id_statement(email: str) -> Select[tuple[UUID]]:
    """The id of the address's account (no row: the address has none). ``email`` is normalised already."""
    return select(User.id).where(User.email == email)


def lock_account_statement(user_id: UUID) -> Select[tuple[UUID]]:
    """The account's row, locked for its deletion. ``FOR UPDATE`` conflicts with the key-share lock that every
    insert referencing the account takes (a like, a comment, a recipe): those that began first finish before the
    deletion counts what the account owns, those that begin later fail on the foreign key (409). Nothing the
    account adds meanwhile is removed by the cascade without being uncounted."""
    return select(User.id).where(User.id == user_id).with_for_update()


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
