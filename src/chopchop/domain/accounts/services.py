"""Account rules: registration, confirmation, authentication, password changes, account deletion, and the emails
they send (recorded in the outbox in the same transaction: ``lib/outbox.py``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from uuid_utils.compat import uuid7

from chopchop.db import PendingRegistration, TokenPurpose, User, UserToken
from chopchop.domain.accounts import queries
from chopchop.domain.comments.services import CommentService
from chopchop.domain.recipes.services import RecipeLikeService
from chopchop.domain.webhooks.schemas import WebhookEvent
from chopchop.domain.webhooks.services import record_event
from chopchop.lib import outbox
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.problems import BadRequest, Conflict, Forbidden, Unauthorized
from chopchop.lib.sql import Service
from chopchop.lib.text import normalise_email
from chopchop.lib.tokens import hash_secret_token, new_secret_token


class UserService(Service[User, SQLAlchemyAsyncRepository[User]]):
    """Users and the rules of their accounts."""

    class Repository(SQLAlchemyAsyncRepository[User]):
        model_type = User

    repository_type = Repository

    def send_email(self, task: str, **payload: str) -> None:
        """Queue the email ``task`` once this transaction has committed: the job can never look for an account that
        is not committed yet, and if the queue is down the task waits in the outbox table instead of being lost."""
        outbox.record(self.session, task, **payload)

    async def delete_account(self, user: User, password: str, *, hasher: PasswordHasher) -> None:
        """Delete the account and everything it owns, if ``password`` is its password.

        ON DELETE CASCADE removes its rows but not what they counted on other people's recipes: its likes and
        comments are taken back first, in the same transaction."""
        await self.check_password(user, password, hasher=hasher)
        session = self.session
        await session.execute(queries.lock_account_statement(user.id))
        await RecipeLikeService(session=session).remove_all_by_user(user.id)
        await CommentService(session=session).remove_all_by_author(user.id)
        await self.delete(user.id)

    async def get_by_email(self, email: str) -> User | None:
        return await self.get_one_or_none(User.email == normalise_email(email))

    async def create_confirmed(self, *, email: str, display_name: str, password: str, hasher: PasswordHasher) -> User:
        """An active account straight away (administrators, seeding): no confirmation email."""
        if await self.get_by_email(email) is not None:
            msg = f"An account with the email address {normalise_email(email)} already exists."
            raise ValueError(msg)
        user = User(
            email=normalise_email(email),
            display_name=display_name.strip(),
            password_hash=await hasher.hash(password),
            is_active=True,
            confirmed_at=datetime.now(UTC),
        )
        return await self.create(user)

    async def authenticate(self, *, email: str, password: str, hasher: PasswordHasher) -> User:
        """The user whose credentials these are. Every path costs one argon2 run, whatever the address.

        An address with only registrations waiting gets the same 401 as a wrong password: telling their
        registrant "confirm first" would tell anyone who registers an address whether it has an account.
        """
        user = await self.get_by_email(email)
        if not await hasher.verify(user.password_hash if user else None, password) or user is None:
            raise Unauthorized(
                "The email address or the password is wrong, or the address is not confirmed yet "
                "(follow the link in the confirmation email).",
                slug="invalid-credentials",
            )
        if not user.is_active:
            raise Forbidden(
                "The email address is not confirmed yet: follow the link in the confirmation email, "
                "or ask for a new one.",
                slug="email-not-confirmed",
            )
        if hasher.needs_rehash(user.password_hash):
            user.password_hash = await hasher.hash(password)
            await self.session.flush()
        return user

    async def check_password(self, user: User, password: str, *, hasher: PasswordHasher) -> None:
        """Re-authentication before a sensitive change: 400 when ``password`` is not the user's."""
        if not await hasher.verify(user.password_hash, password):
            raise BadRequest("The current password is wrong.", slug="invalid-current-password")

    async def change_password(
        self, user: User, *, current_password: str, new_password: str, hasher: PasswordHasher
    ) -> User:
        await self.check_password(user, current_password, hasher=hasher)
        return await self.set_password(user, new_password, hasher=hasher)

    async def set_password(self, user: User, password: str, *, hasher: PasswordHasher) -> User:
        """Store a new password and revoke every access token issued before it."""
        user.password_hash = await hasher.hash(password)
        user.token_version += 1
        await self.session.flush()
        # A security alert for the owner's own endpoints (a change or a reset, whoever made it).
        data = {"user_id": str(user.id)}
        await record_event(self.session, WebhookEvent.ACCOUNT_PASSWORD_CHANGED, data, actor_id=None, owner_id=user.id)
        return user


class RegistrationService(Service[PendingRegistration, SQLAlchemyAsyncRepository[PendingRegistration]]):
    """Registrations waiting for the owner of their address (see :class:`PendingRegistration`)."""

    class Repository(SQLAlchemyAsyncRepository[PendingRegistration]):
        model_type = PendingRegistration

    repository_type = Repository

    async def register(
        self, *, email: str, display_name: str, password: str, hasher: PasswordHasher, lifetime: timedelta
    ) -> None:
        """Record a registration and email its link; or, if the address has an account, email its owner instead.
        Both paths hash: the time does not tell them apart."""
        password_hash = await hasher.hash(password)
        session = self.session
        existing = (await session.execute(queries.account_id_statement(email))).scalar_one_or_none()
        if existing is not None:
            # The owner of the address hears of it; the registrant is told the same as anyone else.
            outbox.record(session, "send_registration_notice", user_id=str(existing))
            return
        registration = PendingRegistration(
            id=uuid7(),
            email=email,
            display_name=display_name,
            password_hash=password_hash,
            expires_at=datetime.now(UTC) + lifetime,
        )
        session.add(registration)
        await session.flush()
        outbox.record(session, "send_confirmation_email", registration_id=str(registration.id))

    async def newest(self, email: str) -> PendingRegistration | None:
        """The most recent registration of the address whose link has not expired."""
        statement = queries.newest_registration_statement(normalise_email(email), _now())
        found: PendingRegistration | None = (await self.session.execute(statement)).scalar_one_or_none()
        return found

    async def issue_link(self, registration_id: UUID) -> tuple[PendingRegistration, str] | None:
        """A token for the registration's email, or None if it was confirmed, expired or the address is taken.

        Issuing again (a retried email job) replaces the token: only the newest email of one registration
        works, and no other registration's link is touched.
        """
        session = self.session
        registration = await self.get_one_or_none(
            PendingRegistration.id == registration_id, PendingRegistration.expires_at > _now()
        )
        if registration is None:
            return None
        if (await session.execute(queries.account_id_statement(registration.email))).first() is not None:
            return None
        token, token_hash = new_secret_token()
        registration.token_hash = token_hash
        await session.flush()
        return registration, token

    async def renew(self, email: str, lifetime: timedelta) -> PendingRegistration | None:
        """A new registration copied from the newest one of the address, for a new link (resend).

        A copy rather than a new token on the same row: a resend, whoever asks for it, never invalidates
        a link already sent.
        """
        newest = await self.newest(email)
        if newest is None:
            return None
        copy = PendingRegistration(
            id=uuid7(),
            email=newest.email,
            display_name=newest.display_name,
            password_hash=newest.password_hash,
            expires_at=_now() + lifetime,
        )
        self.session.add(copy)
        await self.session.flush()
        return copy

    async def find_by_token(self, token: str) -> PendingRegistration | None:
        """The registration a confirmation link was sent for, while the link is valid."""
        return await self.get_one_or_none(
            PendingRegistration.token_hash == hash_secret_token(token), PendingRegistration.expires_at > _now()
        )

    async def confirm(self, registration: PendingRegistration, password: str, *, hasher: PasswordHasher) -> User:
        """Create the account from this registration alone; every registration of the address goes.

        ``password`` must be the one the registration was made with: following a link proves the address,
        the password proves that the person who follows it is the one who registered.
        """
        if not await hasher.verify(registration.password_hash, password):
            raise BadRequest(
                "This is not the password this registration was made with. If you did not register with this "
                "link's address and password, register again: a new link will follow.",
                slug="invalid-registration-password",
            )
        session = self.session
        # Lock every registration of the address, always in id order (two confirmations of two links of one
        # address would otherwise each hold one row and wait for the other's: a deadlock), then check that
        # this one is still there: of two concurrent confirmations the second finds it gone and is refused.
        locked = (await session.execute(queries.lock_registrations_statement(registration.email))).scalars()
        if registration.id not in set(locked):
            raise BadRequest(INVALID_LINK, slug="invalid-token")
        await session.execute(queries.remove_registrations_statement(registration.email))
        statement = queries.add_confirmed_user_statement(self.dialect, registration, user_id=uuid7(), now=_now())
        user_id = (await session.execute(statement)).scalar_one_or_none()
        if user_id is None:
            raise Conflict(
                "This address already has an account: log in, or reset the password.", slug="already-registered"
            )
        return await UserService(session=session).get(user_id)

    async def purge_expired(self) -> int:
        """Delete registrations whose link expired; returns how many went."""
        result = await self.session.execute(queries.purge_registrations_statement(_now()))
        return int(getattr(result, "rowcount", 0) or 0)


def _now() -> datetime:
    return datetime.now(UTC)


INVALID_LINK = "The link is invalid, expired or already used. Ask for a new email."


class UserTokenService(Service[UserToken, SQLAlchemyAsyncRepository[UserToken]]):
    """Single-use, expiring tokens bound to a purpose; only their hashes are stored."""

    class Repository(SQLAlchemyAsyncRepository[UserToken]):
        model_type = UserToken

    repository_type = Repository

    async def issue(self, user_id: UUID, purpose: TokenPurpose, lifetime: timedelta) -> str:
        """A new token for the user; earlier unused tokens of the same purpose stop working."""
        session = self.session
        await session.execute(queries.revoke_tokens_statement(user_id, purpose))
        token, token_hash = new_secret_token()
        session.add(
            UserToken(
                user_id=user_id,
                purpose=purpose.value,
                token_hash=token_hash,
                expires_at=datetime.now(UTC) + lifetime,
            )
        )
        await session.flush()
        return token

    async def consume(self, token: str, purpose: TokenPurpose) -> UUID:
        """Mark the token used and return its user id; unknown, used, expired or foreign tokens are refused."""
        # One conditional UPDATE: two concurrent uses of one token cannot both succeed.
        statement = queries.consume_token_statement(hash_secret_token(token), purpose, datetime.now(UTC))
        user_id: UUID | None = (await self.session.execute(statement)).scalar_one_or_none()
        if user_id is None:
            raise BadRequest(INVALID_LINK, slug="invalid-token")
        return user_id

    async def purge_expired(self) -> int:
        """Delete used and expired tokens; returns how many went."""
        result = await self.session.execute(queries.purge_tokens_statement(datetime.now(UTC)))
        return int(getattr(result, "rowcount", 0) or 0)
