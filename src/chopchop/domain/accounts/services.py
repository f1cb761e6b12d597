"""Account rules: registration, confirmation, authentication, password changes, account deletion, and the emails
they send (recorded in the outbox in the same transaction: ``lib/outbox.py``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from uuid import UUID

from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from uuid_utils.compat import uuid7

from chopchop.db import (
    PendingRegistration,
    PersonalAccessToken,
    RefreshToken,
    RefreshTokenFamily,
    Role,
    TokenPurpose,
    User,
    UserToken,
)
from chopchop.domain.accounts import queries
from chopchop.domain.comments.services import CommentService
from chopchop.domain.follows.services import FollowService
from chopchop.domain.moderation import queries as moderation_queries
from chopchop.domain.photos import queries as photo_queries
from chopchop.domain.recipes.services import RecipeLikeService, RecipeRatingService
from chopchop.domain.webhooks.schemas import WebhookEvent
from chopchop.domain.webhooks.services import record_event
from chopchop.lib import outbox
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.problems import BadRequest, Conflict, Forbidden, Unauthorized
from chopchop.lib.sql import Service
from chopchop.lib.text import normalise_email
from chopchop.lib.tokens import hash_secret_token, is_client_token, new_client_token, new_secret_token

logger = logging.getLogger("chopchop.auth")

ACCESS_TOKEN_PREFIX = "chopchop_pat_"  # noqa: S105 - the format's prefix, not a secret
REFRESH_TOKEN_PREFIX = "chopchop_rt_"  # noqa: S105 - the format's prefix, not a secret
#: Personal access tokens one account may hold: a listing without pages stays small, a leaked login cannot mint
#: tokens without end.
MAX_ACCESS_TOKENS = 100


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
        comments and follows are taken back first, in the same transaction (and its ratings, whose triggers uncount
        them). The last admin cannot leave (409 ``last-admin``): an admin's deletion locks the admins first, as a
        demotion does, so that two admins leaving at once, or one leaving while another is demoted, leave one."""
        await self.check_password(user, password, hasher=hasher)
        session = self.session
        now = datetime.now(UTC)
        # An admin (as the request found it) takes the admins' lock first, as every change of who can act as an
        # admin does; the role is read again under the account's lock: promoted meanwhile, it takes it then.
        admins = await moderation_queries.locked_admins(session, now) if user.role == Role.ADMIN.value else None
        role = (await session.execute(queries.lock_account_statement(user.id))).scalar_one_or_none()
        if role == Role.ADMIN.value:
            if admins is None:
                admins = await moderation_queries.locked_admins(session, now)
            if not admins - {user.id}:
                msg = "This is the last admin who is not suspended: make another account admin first."
                raise Conflict(msg, slug="last-admin")
        await RecipeLikeService(session=session).remove_all_by_user(user.id)
        await RecipeRatingService(session=session).remove_all_by_user(user.id)
        await CommentService(session=session).remove_all_by_author(user.id)
        await FollowService(session=session).remove_all_of(user.id)
        await photo_queries.record_author_photos_deletion(session, user.id)
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
        if user.is_suspended(datetime.now(UTC)):
            # Only after the password was right (the same argon2 run as every other path): an attacker without it
            # cannot tell a suspended account from an unknown address.
            until = "" if user.suspended_until is None else f" until {user.suspended_until.isoformat()}"
            raise Forbidden(f"This account is suspended{until}.", slug="account-suspended")
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
        """Store a new password and revoke everything issued before it: access tokens (``token_version``), every
        login (refresh token families, and the access tokens minted from them) and every personal access token
        (they are not JWTs: bumping the version alone would leave them working)."""
        user.password_hash = await hasher.hash(password)
        user.token_version += 1
        await self.session.flush()
        await self.session.execute(queries.revoke_access_tokens_statement(user.id))
        await self.session.execute(queries.end_families_statement(user.id))
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


class AccessTokenService(Service[PersonalAccessToken, SQLAlchemyAsyncRepository[PersonalAccessToken]]):
    """Personal access tokens: made, listed and revoked by their user; only their hashes are stored."""

    class Repository(SQLAlchemyAsyncRepository[PersonalAccessToken]):
        model_type = PersonalAccessToken

    repository_type = Repository

    async def issue(
        self, user_id: UUID, *, name: str, scopes: list[str], expires_at: datetime | None
    ) -> tuple[PersonalAccessToken, str]:
        """A new token and its secret (returned this once). Refused past ``MAX_ACCESS_TOKENS``: counted under the
        account's row lock, so concurrent creations cannot go past it together."""
        session = self.session
        await session.execute(queries.lock_account_statement(user_id))
        if await self.count(PersonalAccessToken.user_id == user_id) >= MAX_ACCESS_TOKENS:
            raise Conflict(
                f"An account can have at most {MAX_ACCESS_TOKENS} personal access tokens: revoke one first.",
                slug="too-many-access-tokens",
            )
        secret, token_hash = new_client_token(ACCESS_TOKEN_PREFIX)
        token = PersonalAccessToken(
            id=uuid7(),
            user_id=user_id,
            name=name,
            scopes=" ".join(scopes),
            token_hash=token_hash,
            display_prefix=secret[: len(ACCESS_TOKEN_PREFIX) + 4],
            expires_at=expires_at,
        )
        session.add(token)
        await session.flush()
        return token, secret

    async def list_of(self, user_id: UUID) -> list[PersonalAccessToken]:
        return list((await self.session.execute(queries.access_tokens_of_statement(user_id))).scalars())

    async def get_of(self, user_id: UUID, token_id: UUID) -> PersonalAccessToken:
        """One of the user's tokens; 404 if the user has no such token."""
        token = await self.get_one_or_none(PersonalAccessToken.id == token_id, PersonalAccessToken.user_id == user_id)
        if token is None:
            msg = "No such personal access token."
            raise NotFoundError(msg)
        return token

    async def revoke(self, user_id: UUID, token_id: UUID) -> None:
        """Delete one of the user's tokens; 404 if the user has no such token (another user's is not theirs)."""
        statement = queries.revoke_access_token_statement(user_id, token_id)
        if (await self.session.execute(statement)).scalar_one_or_none() is None:
            msg = "No such personal access token."
            raise NotFoundError(msg)

    async def revoke_all(self, user_id: UUID) -> None:
        await self.session.execute(queries.revoke_access_tokens_statement(user_id))

    async def authenticate(self, secret: str, now: datetime) -> tuple[PersonalAccessToken, User] | None:
        """The token and its user, if ``secret`` is a live token (right shape and checksum, known, not expired) of
        an active user. The shape is checked first: garbage costs no database lookup."""
        if not is_client_token(secret, ACCESS_TOKEN_PREFIX):
            return None
        statement = queries.access_token_user_statement(hash_secret_token(secret), now)
        row = (await self.session.execute(statement)).first()
        return None if row is None else (row[0], row[1])

    async def touch(self, token_id: UUID, now: datetime, every: timedelta) -> None:
        await self.session.execute(queries.touch_access_token_statement(token_id, now, every))


INVALID_REFRESH_TOKEN = "The refresh token is invalid, expired, revoked or already used: log in again."  # noqa: S105


class RefreshTokenService(Service[RefreshToken, SQLAlchemyAsyncRepository[RefreshToken]]):
    """Refresh tokens (RFC 6749 §6) rotated on every use, in families: one family per login (RFC 9700 §4.14)."""

    class Repository(SQLAlchemyAsyncRepository[RefreshToken]):
        model_type = RefreshToken

    repository_type = Repository

    async def start(self, user_id: UUID, lifetime: timedelta) -> tuple[UUID, str]:
        """A new login: its family id and its first refresh token."""
        family_id = uuid7()
        expires_at = _now() + lifetime
        self.session.add(RefreshTokenFamily(id=family_id, user_id=user_id, expires_at=expires_at))
        await self.session.flush()
        return family_id, await self._issue(family_id, expires_at)

    async def _issue(self, family_id: UUID, expires_at: datetime) -> str:
        token, token_hash = new_client_token(REFRESH_TOKEN_PREFIX)
        self.session.add(RefreshToken(id=uuid7(), family_id=family_id, token_hash=token_hash, expires_at=expires_at))
        await self.session.flush()
        return token

    async def rotate(self, token: str, lifetime: timedelta) -> tuple[UUID, UUID, str]:
        """Use ``token`` once: its family, its user and the family's next refresh token.

        A token that was used already is a reuse (stolen, or raced by a copy of itself): its whole family ends,
        committed at once whatever the answer (the request's transaction is rolled back on the 401), and the
        access tokens minted from the family are refused from then on."""
        if not is_client_token(token, REFRESH_TOKEN_PREFIX):
            raise Unauthorized(INVALID_REFRESH_TOKEN, slug="invalid-refresh-token")
        session = self.session
        now = _now()
        token_hash = hash_secret_token(token)
        # The family first, then the token: the lock order of ending a login (family, then tokens by cascade).
        await session.execute(queries.lock_family_of_token_statement(token_hash))
        family_id = (await session.execute(queries.use_refresh_token_statement(token_hash, now))).scalar_one_or_none()
        if family_id is None:
            state = (await session.execute(queries.refresh_token_state_statement(token_hash))).first()
            if state is not None and state.used_at is not None:
                await session.rollback()
                await session.execute(queries.end_family_statement(state.family_id))
                await session.commit()
                logger.warning("refresh token reused: login %s ended", state.family_id)
            raise Unauthorized(INVALID_REFRESH_TOKEN, slug="invalid-refresh-token")
        expires_at = now + lifetime
        user_id: UUID = (await session.execute(queries.extend_family_statement(family_id, expires_at))).scalar_one()
        return family_id, user_id, await self._issue(family_id, expires_at)

    async def end(self, family_id: UUID) -> None:
        """End one login (logout)."""
        await self.session.execute(queries.end_family_statement(family_id))

    async def purge_expired(self) -> int:
        """Delete logins whose newest refresh token expired; returns how many went."""
        result = await self.session.execute(queries.purge_families_statement(_now()))
        return int(getattr(result, "rowcount", 0) or 0)
