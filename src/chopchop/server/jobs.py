"""Background jobs: the task list, the periodic jobs, the mailer, and the queue (SAQ in server mode, the API's
own event loop in the embedded mode)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from litestar_saq import CronJob, QueueConfig, SAQConfig, SAQPlugin

from chopchop.domain.accounts import jobs as account_jobs
from chopchop.domain.imports import jobs as import_jobs
from chopchop.domain.photos import jobs as photo_jobs
from chopchop.domain.recipes import jobs as recipe_jobs
from chopchop.domain.webhooks import jobs as webhook_jobs
from chopchop.lib import outbox
from chopchop.lib.email import FileMailer, Mailer, SmtpMailer
from chopchop.lib.jobs import InProcessJobQueue, JobContext, JobFunction, Scheduled
from chopchop.lib.redis_client import QUEUE_CLIENT_OPTIONS, queue_connection
from chopchop.settings import Settings

QUEUE_DEQUEUE_SECONDS = 5.0
QUEUE_READ_TIMEOUT = 10.0

# Tasks an outbox row may name (they run at least once, through deliver_outbox).
OUTBOX_TASKS: dict[str, Any] = {
    task.__name__: task
    for task in [
        *account_jobs.TASKS,
        *webhook_jobs.OUTBOX_TASKS,
        *photo_jobs.OUTBOX_TASKS,
        *import_jobs.OUTBOX_TASKS,
    ]
}
# SAQ task functions take (ctx, **kwargs); the queue, the worker and the in-process runner share the list.
TASKS: list[Any] = [
    *account_jobs.TASKS,
    outbox.make_deliver(lambda: OUTBOX_TASKS),
    outbox.sweep_outbox,
    outbox.purge_outbox,
    *recipe_jobs.TASKS,
    *webhook_jobs.TASKS,
]
CRON_JOBS = [
    CronJob(cast("Any", outbox.sweep_outbox), cron="* * * * *", timeout=50),
    CronJob(cast("Any", outbox.purge_outbox), cron="17 * * * *"),
    CronJob(cast("Any", account_jobs.purge_expired_tokens), cron="23 * * * *"),
    CronJob(cast("Any", recipe_jobs.fold_ingredient_usage), cron="* * * * *", timeout=50),
    CronJob(cast("Any", recipe_jobs.prune_recipe_changes), cron="41 * * * *", timeout=300),
    CronJob(cast("Any", webhook_jobs.purge_webhook_deliveries), cron="29 * * * *"),
]


def build_mailer(settings: Settings) -> Mailer:
    """SMTP when a host is set; otherwise .eml files, only in embedded mode or with the explicit opt-in."""
    if settings.smtp_host:
        return SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            username=settings.smtp_user,
            password=settings.smtp_password,
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout_seconds,
        )
    return FileMailer(folder=settings.outbox_path, sender=settings.mail_from)


def build_saq(settings: Settings, redis_url: str, startup: Callable[[dict[str, Any]], Awaitable[None]]) -> SAQPlugin:
    """litestar-saq's plugin: one configuration for the API's queue, the workers of `chopchop workers run` and the
    web UI. ``startup`` fills a worker's job context."""
    queue = QueueConfig(
        # A dsn, or a Sentinel master's client. Dequeues block for at most 5 s, so every read may time out after
        # 10: a frozen primary is left for the promoted one within seconds instead of holding the worker (and
        # enqueueing requests) as long as it hangs.
        **queue_connection(redis_url, {**QUEUE_CLIENT_OPTIONS, "socket_timeout": QUEUE_READ_TIMEOUT}),
        dequeue_timeout=QUEUE_DEQUEUE_SECONDS,
        name=settings.queue_name,
        tasks=TASKS,
        scheduled_tasks=CRON_JOBS,
        startup=cast("Any", startup),
        # Workers run in their own processes (`chopchop workers run`), never on the API's event loop.
        separate_process=True,
        concurrency=settings.worker_concurrency,
        # On SIGTERM, running jobs get 10 s to finish before they are cancelled (and re-queued): fewer emails sent
        # twice when a worker is replaced. SAQ waits that long even when idle (its upkeep tasks are in the same
        # wait): stop timeouts allow 30 s.
        shutdown_grace_period_s=10,
        cancellation_hard_deadline_s=5,
    )
    return SAQPlugin(
        SAQConfig(
            queue_configs=[queue],
            # `litestar run` starts no worker processes beside the server.
            use_server_lifespan=False,
            worker_processes=1,
            # SAQInTheApi mounts the web UI (with CHOPCHOP_SAQ_WEB_TOKEN), behind its guard.
            web_enabled=False,
        )
    )


def in_process_queue(context: JobContext) -> InProcessJobQueue:
    """The embedded mode's queue: the same tasks on the API's event loop."""
    return InProcessJobQueue({task.__name__: task for task in TASKS}, context)


def schedule() -> list[Scheduled]:
    """The periodic jobs, for the in-process runner (the SAQ worker reads ``CRON_JOBS``)."""
    return [Scheduled(job.cron, cast("JobFunction", job.function), job.timeout) for job in CRON_JOBS]
