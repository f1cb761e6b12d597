"""One-off HTTP requests to the servers under benchmark (set-up, checks, logins; not load)."""

from __future__ import annotations

import http.client
import json
from typing import Any

from bench import HOST
from bench.dataset import SEED_PASSWORD


def request(
    port: int, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data, {k.lower(): v for k, v in response.getheaders()}


def get_ok(port: int, path: str) -> bytes:
    """The body of ``GET path``, which must answer 200."""
    status, body, _ = request(port, "GET", path)
    assert status == 200, body[:300]
    return body


def login(port: int, email: str) -> str:
    """An access token of a seed (or writer) account."""
    status, body, _ = request(port, "POST", "/api/v1/auth/login", {"email": email, "password": SEED_PASSWORD})
    if status != 200:
        raise SystemExit(f"login {email}: {status} {body[:300]!r}")
    return str(json.loads(body)["access_token"])
