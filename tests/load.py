"""Load for fault tests: a few concurrent clients cycling through named calls against the app while a test kills,
freezes and restarts its dependencies; every answer is kept with the phase it was sent and answered in."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

import httpx

from chopchop.lib.outages import is_outage

PROBLEM = "application/problem+json"
Call = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


@dataclass(frozen=True, slots=True)
class Answer:
    phase: str  # when the request was sent
    name: str
    status: int
    content_type: str = ""
    retry_after: str | None = None
    problem_type: str | None = None
    detail: str | None = None
    created: str | None = None  # the id of what a 201 created
    seconds: float = 0.0
    escaped_outage: bool = False  # status 0: what escaped the app was a dependency outage
    answered_in: str = ""  # the phase when the answer came
    answered_at: float = 0.0  # perf_counter

    def __str__(self) -> str:
        return f"[{self.phase}] {self.name}: {self.status} {self.detail or ''} ({self.seconds:.2f}s)"


def _answer(phase: str, name: str, response: httpx.Response, seconds: float) -> Answer:
    content_type = response.headers.get("content-type", "")
    body: Any = response.json() if content_type.startswith(("application/json", PROBLEM)) else None
    is_problem = content_type.startswith(PROBLEM) and isinstance(body, dict)
    return Answer(
        phase=phase,
        name=name,
        status=response.status_code,
        content_type=content_type,
        retry_after=response.headers.get("retry-after"),
        problem_type=body.get("type") if is_problem else None,
        detail=body.get("detail") if is_problem else (response.text[:200] if response.status_code >= 400 else None),
        created=body.get("id") if response.status_code == 201 and isinstance(body, dict) else None,
        seconds=seconds,
    )


def _causes(exc: BaseException) -> str:
    """An exception that escaped the app and what it was raised from, briefly."""
    links: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(links) < 8:
        links.append(f"{type(current).__name__}: {str(current)[:120]}")
        current = current.__cause__ or current.__context__
    return " <- ".join(links)


class Hammer:
    """A few concurrent clients cycling through named calls until stopped; each answer is kept with its phase.

    An exception that escapes the app (instead of becoming a response) is kept as status 0.
    """

    def __init__(self, http: httpx.AsyncClient, calls: dict[str, Call], clients: int) -> None:
        self.http = http
        self.calls = calls
        self.clients = clients
        self.phase = "up"
        self.answers: list[Answer] = []
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Hammer:
        self._tasks = [asyncio.create_task(self._client(index)) for index in range(self.clients)]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _client(self, index: int) -> None:
        names = list(self.calls)
        turn = index
        while not self._stop.is_set():
            name = names[turn % len(names)]
            turn += 1
            phase, started = self.phase, time.perf_counter()
            try:
                response = await self.calls[name](self.http)
            except Exception as exc:  # noqa: BLE001 - recorded; the test decides what it may be
                escaped = Answer(phase, name, 0, detail=_causes(exc), escaped_outage=is_outage(exc))
                self.answers.append(replace(escaped, answered_in=self.phase, answered_at=time.perf_counter()))
            else:
                answer = _answer(phase, name, response, time.perf_counter() - started)
                self.answers.append(replace(answer, answered_in=self.phase, answered_at=time.perf_counter()))
            await asyncio.sleep(0.002)

    async def until(self, name: str, statuses: set[int], timeout: float, since: float | None = None) -> float:
        """Seconds until a call ``name`` answers one of ``statuses`` (an answer that comes from now on); with ``since``
        (perf_counter), to a call sent in the current phase, counted from ``since``."""
        started, seen, phase = time.perf_counter(), len(self.answers), self.phase
        while time.perf_counter() - started < timeout:
            fresh = self.answers[seen:]
            if any(a.name == name and a.status in statuses and (since is None or a.phase == phase) for a in fresh):
                return time.perf_counter() - (started if since is None else since)
            await asyncio.sleep(0.02)
        msg = f"no {name} answered {statuses} within {timeout}s:\n{self.summary()}"
        raise AssertionError(msg)

    def summary(self) -> str:
        counts = Counter((a.phase, a.name, a.status) for a in self.answers)
        lines = [f"{phase:>24} {name:>8} {status}: {n}" for (phase, name, status), n in sorted(counts.items())]
        statuses = Counter("2xx" if 200 <= a.status < 300 else str(a.status or "escaped") for a in self.answers)
        lines.append(f"{len(self.answers)} answers: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
        return "\n".join(lines)
