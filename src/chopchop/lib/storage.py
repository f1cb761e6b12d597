"""Object storage through obstore: a local folder (embedded mode) or any S3-compatible store (server mode).

Keys are made by the callers (random, never reused: an object, once written, never changes). Every failure of
the store to answer is a :class:`StorageUnavailable`, which the HTTP layer turns into a 503 with Retry-After.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import obstore
from obstore.exceptions import NotFoundError
from obstore.store import LocalStore, S3Store
from sqlalchemy.ext.asyncio import AsyncSession

from chopchop.lib.transactions import Transaction

logger = logging.getLogger("chopchop.storage")

RETRY_AFTER_SECONDS = "5"


class StorageUnavailable(Exception):
    """The object store did not do what was asked (unreachable, timed out, refused): retry later."""


class ObjectMissing(Exception):
    """No object under that key."""


@dataclass(frozen=True, slots=True)
class StorageConfig:
    """Where objects live: ``bucket`` set means S3, otherwise the ``folder``."""

    folder: str
    bucket: str | None = None
    endpoint: str | None = None
    region: str = "us-east-1"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    path_style: bool = True
    public_base_url: str | None = None
    signed_url_seconds: int = 900
    timeout_seconds: float = 15.0


class ObjectStorage:
    """put / get / delete of whole objects, and the URL a client may read one at (S3 only)."""

    def __init__(self, config: StorageConfig) -> None:
        self.config = config
        self._store: Any
        if config.bucket:
            s3: dict[str, Any] = {"region": config.region, "virtual_hosted_style_request": not config.path_style}
            if config.endpoint:
                s3["endpoint"] = config.endpoint
            if config.access_key_id:
                s3["access_key_id"] = config.access_key_id
            if config.secret_access_key:
                s3["secret_access_key"] = config.secret_access_key
            timeout = timedelta(seconds=config.timeout_seconds)
            self._store = S3Store(
                config.bucket,
                config=s3,  # type: ignore[arg-type]
                client_options={
                    "allow_http": bool(config.endpoint and config.endpoint.startswith("http://")),
                    "timeout": timeout,
                    "connect_timeout": timedelta(seconds=min(5.0, config.timeout_seconds)),
                },
                # A few quick retries inside one request; the job's own retries (the outbox) do the rest.
                retry_config={"max_retries": 2, "retry_timeout": timeout},
            )
        else:
            self._store = None  # made on first use: building the app creates no folder

    @property
    def store(self) -> Any:
        if self._store is None:
            self._store = LocalStore(self.config.folder, mkdir=True, automatic_cleanup=True)
        return self._store

    @property
    def is_local(self) -> bool:
        return not self.config.bucket

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        attributes: Any = {"Content-Type": content_type} if not self.is_local else None
        try:
            if attributes:
                await obstore.put_async(self.store, key, data, attributes=attributes)
            else:
                await obstore.put_async(self.store, key, data)
        except Exception as exc:
            raise _unavailable("put", key, exc) from exc

    async def get(self, key: str) -> bytes:
        try:
            result = await obstore.get_async(self.store, key)
            return bytes(await result.bytes_async())
        except NotFoundError as exc:
            raise ObjectMissing(key) from exc
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        except Exception as exc:
            raise _unavailable("get", key, exc) from exc

    async def delete(self, key: str) -> None:
        """Delete the object; one that is already gone is not an error (deletions are retried)."""
        try:
            await obstore.delete_async(self.store, key)
        except (NotFoundError, FileNotFoundError):
            return
        except Exception as exc:
            raise _unavailable("delete", key, exc) from exc

    async def url_for(self, key: str) -> str:
        """Where a client reads the object (S3): under the public base URL, or a freshly signed URL."""
        if self.config.public_base_url:
            return f"{self.config.public_base_url.rstrip('/')}/{quote(key)}"
        try:
            return await obstore.sign_async(self.store, "GET", key, timedelta(seconds=self.config.signed_url_seconds))
        except Exception as exc:
            raise _unavailable("sign", key, exc) from exc


_NEW_OBJECTS_KEY = "chopchop_new_objects"


def track_new_object(session: AsyncSession, key: str) -> None:
    """An object written for this transaction: deleted again unless the transaction commits."""
    session.info.setdefault(_NEW_OBJECTS_KEY, []).append(key)


class NewObjectsCleanup:
    """A participant of the request transaction (``lib/transactions.py``), registered first: a write that stored
    objects and then did not commit (its commit failed, or a later participant's ``before_commit``, e.g. the cache's
    lease with Redis away, refused it) deletes them again, so an answered failure leaves nothing behind."""

    def __init__(self, storage: ObjectStorage) -> None:
        self._storage = storage

    async def before_commit(self, transaction: Transaction) -> bool:
        return transaction.session is not None and bool(transaction.session.info.get(_NEW_OBJECTS_KEY))

    async def after_commit(self, transaction: Transaction) -> None:
        session = transaction.session
        keys: list[str] = session.info.pop(_NEW_OBJECTS_KEY, []) if session is not None else []
        if transaction.committed:
            return
        for key in keys:
            try:
                await self._storage.delete(key)
            except StorageUnavailable:
                logger.warning("object %s of a write that did not commit is left in the store", key)


def _unavailable(operation: str, key: str, exc: BaseException) -> StorageUnavailable:
    # The class only: an S3 error's text may hold the request's URL and headers.
    logger.warning("object store %s of %s failed: %s", operation, key, type(exc).__name__)
    return StorageUnavailable(f"{operation} failed: {type(exc).__name__}")
