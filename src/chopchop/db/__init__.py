"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from advanced_alchemy.base import orm_registry

from chopchop.db.users import TokenPurpose, User, UserToken

metadata = orm_registry.metadata

__all__ = ["TokenPurpose", "User", "UserToken", "metadata"]
