"""What services that run statements of their own share, whatever the area: the unit of work's session and its
dialect, and the execution options of their counter and child-row writes."""

from __future__ import annotations

from typing import Any, Final, TypeVar

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.repository.typing import ModelT
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_scoped_session

#: Execution options of an UPDATE or DELETE that changes no object the session holds (counters, child rows):
#: nothing in the session to synchronise, so no evaluation or extra SELECT for it.
PLAIN: Final[dict[str, Any]] = {"synchronize_session": False}

RepositoryT = TypeVar("RepositoryT", bound=SQLAlchemyAsyncRepository[Any])


class Service(SQLAlchemyAsyncRepositoryService[ModelT, RepositoryT]):
    """An advanced-alchemy service whose statements of its own (an area's ``queries.py``, writes of several rows)
    run in the same unit of work as its repository: the request's session, committed (or rolled back) once."""

    @property
    def session(self) -> AsyncSession:
        """The repository's session. advanced-alchemy also accepts an ``async_scoped_session``: its current one."""
        session = self.repository.session
        return session() if isinstance(session, async_scoped_session) else session

    @property
    def dialect(self) -> str:
        """``postgresql`` or ``sqlite``: the database behind the session."""
        session = self.session
        return (session.bind or session.get_bind()).dialect.name


def insert_on_conflict(dialect: str) -> Any:
    """The dialect's ``insert`` (both have ``on_conflict_do_nothing``); core ``insert`` has no ON CONFLICT."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert
