"""Account rules: registration, confirmation, authentication and password changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from uuid_utils.compat import uuid7

from chopchop.db import TokenPurpose, User, UserToken
from chopchop.lib.passwords import PasswordHasher
from chopchop.lib.problems import BadRequest, Forbidden, Unauthorized
from chopchop.lib.tokens import hash_secret_token, new_secret_token


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True, slots=True)
class RegistrationOutcome:
    user_id: UUID
    created: bool


class UserService(SQLAlchemyAsyncRepositoryService[User]):
    """Users and the rules of their accounts."""

    class Repository(SQLAlchemyAsyncRepository[User]):
        model_type = User

    repository_type = Repository

    async def get_by_email(self, email: str) -> User | None:
        return await self.get_one_or_none(User.email == normalise_email(email))

    async def register(
        self, *, email: str, display_name: str, password: str, hasher: PasswordHasher
    ) -> RegistrationOutcome:
        """Create an inactive account, or report the existing one. Both paths hash the password."""
        password_hash = await hasher.hash(password)
        values = {
            "email": normalise_email(email),
            "display_name": display_name.strip(),
            "password_hash": password_hash,
        }
        session = self.repository.session
        dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # ON CONFLICT DO NOTHING: two concurrent registrations of one address cannot fail with a 500.
        statement = (
            insert(User)
            .values(id=uuid7(), is_active=False, token_version=0, **values)
            .on_conflict_do_nothing(index_elements=[User.email])
            .returning(User.id)
        )
        created_id = (await session.execute(statement)).scalar_one_or_none()
        if created_id is not None:
            return RegistrationOutcome(user_id=created_id, created=True)
        existing = (await session.execute(select(User.id).where(User.email == values["email"]))).scalar_one()
        return RegistrationOutcome(user_id=existing, created=False)

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

    async def confirm(self, user_id: UUID) -> User:
        """Activate the account (idempotent)."""
        user = await self.get(user_id)
        if not user.is_active:
            user.is_active, user.confirmed_at = True, datetime.now(UTC)
            await self.repository.session.flush()
        return user

    async def authenticate(self, *, email: str, password: str, hasher: PasswordHasher) -> User:
        """The user whose credentials these are. Unknown emails cost the same argon2 run as known ones."""
        user = await self.get_by_email(email)
        valid = await hasher.verify(user.password_hash if user else None, password)
        if user is None or not valid:
            raise Unauthorized("The email address or the password is wrong.", slug="invalid-credentials")
        if not user.is_active:
            raise Forbidden(
                "The email address is not confirmed yet: follow the link in the confirmation email, "
                "or ask for a new one.",
                slug="email-not-confirmed",
            )
        if hasher.needs_rehash(user.password_hash):
            user.password_hash = await hasher.hash(password)
            await self.repository.session.flush()
        return user

    async def change_password(
        self, user: User, *, current_password: str, new_password: str, hasher: PasswordHasher
    ) -> User:
        if not await hasher.verify(user.password_hash, current_password):
            raise BadRequest("The current password is wrong.", slug="invalid-current-password")
        return await self.set_password(user, new_password, hasher=hasher)

    async def set_password(self, user: User, password: str, *, hasher: PasswordHasher) -> User:
        """Store a new password and revoke every access token issued before it."""
        user.password_hash = await hasher.hash(password)
        user.token_version += 1
        await self.repository.session.flush()
        return user


class UserTokenService(SQLAlchemyAsyncRepositoryService[UserToken]):
    """Single-use, expiring tokens bound to a purpose; only their hashes are stored."""

    class Repository(SQLAlchemyAsyncRepository[UserToken]):
        model_type = UserToken

    repository_type = Repository

    async def issue(self, user_id: UUID, purpose: TokenPurpose, lifetime: timedelta) -> str:
        """A new token for the user; earlier unused tokens of the same purpose stop working."""
        session = self.repository.session
        await session.execute(
            delete(UserToken).where(
                UserToken.user_id == user_id, UserToken.purpose == purpose.value, UserToken.used_at.is_(None)
            )
        )
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
        now = datetime.now(UTC)
        # One conditional UPDATE: two concurrent uses of one token cannot both succeed.
        statement = (
            update(UserToken)
            .where(
                UserToken.token_hash == hash_secret_token(token),
                UserToken.purpose == purpose.value,
                UserToken.used_at.is_(None),
                UserToken.expires_at > now,
            )
            .values(used_at=now)
            .returning(UserToken.user_id)
        )
        user_id: UUID | None = (await self.repository.session.execute(statement)).scalar_one_or_none()
        if user_id is None:
            raise BadRequest("The link is invalid, expired or already used. Ask for a new email.", slug="invalid-token")
        return user_id

    async def purge_expired(self) -> int:
        """Delete used and expired tokens; returns how many went."""
        result = await self.repository.session.execute(
            delete(UserToken).where((UserToken.expires_at <= datetime.now(UTC)) | UserToken.used_at.is_not(None))
        )
        return int(getattr(result, "rowcount", 0) or 0)
