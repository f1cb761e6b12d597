"""The object store of photos, from the settings: a folder in embedded mode, S3 when a bucket is configured."""

from __future__ import annotations

import logging

from chopchop.lib.storage import ObjectStorage, StorageConfig
from chopchop.settings import Settings

logger = logging.getLogger("chopchop.storage")


def build_storage(settings: Settings) -> ObjectStorage:
    if not settings.storage_s3_bucket and not settings.embedded and not settings.storage_dir:
        logger.warning(
            "server mode without CHOPCHOP_STORAGE_S3_BUCKET: photos are kept in %s, which only this machine sees",
            settings.media_path,
        )
    return ObjectStorage(
        StorageConfig(
            folder=str(settings.media_path.resolve()),
            bucket=settings.storage_s3_bucket,
            endpoint=settings.storage_s3_endpoint,
            region=settings.storage_s3_region,
            access_key_id=settings.storage_s3_access_key_id,
            secret_access_key=settings.storage_s3_secret_access_key,
            path_style=settings.storage_s3_path_style,
            public_base_url=settings.storage_public_base_url,
            signed_url_seconds=settings.storage_signed_url_seconds,
            timeout_seconds=settings.storage_timeout_seconds,
        )
    )
