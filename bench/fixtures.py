"""What the scenarios read (recipe ids, seed emails, a recipe body, writer tokens) and the ceilings serve (payloads)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench import pg
from bench.cache import flush_cache
from bench.client import get_ok, login
from bench.dataset import BENCH_USERS, SEED_PASSWORD, writer_email
from bench.scenarios import LIST

if TYPE_CHECKING:
    from bench.options import Options

RECIPE_BODY = {
    "title": "Benchmark tomato and chickpea stew",
    "description": "A quick weeknight stew, written by the load benchmark.",
    "complexity": "easy",
    "servings": 4,
    "prep_minutes": 10,
    "cook_minutes": 25,
    "steps": [
        "Chop the onion and the garlic finely.",
        "Soften them in the olive oil for 5 minutes.",
        "Add the tomatoes, chickpeas and spices; simmer for 20 minutes.",
        "Season, scatter the coriander over it and serve with rice.",
    ],
    "ingredients": [
        {"ingredient": "onion", "quantity": 1, "unit": "piece"},
        {"ingredient": "garlic", "quantity": 2, "unit": "clove", "note": "crushed"},
        {"ingredient": "olive oil", "quantity": 2, "unit": "tbsp"},
        {"ingredient": "tinned tomatoes", "quantity": 1, "unit": "can"},
        {"ingredient": "chickpeas", "quantity": 1, "unit": "can", "note": "drained"},
        {"ingredient": "cumin", "quantity": 1, "unit": "tsp"},
        {"ingredient": "coriander"},
        {"ingredient": "rice", "quantity": 300, "unit": "g"},
    ],
    "tags": ["vegetarian", "weeknight", "stew"],
}


@dataclass
class Fixtures:
    """The files the load generators read (bench/wrk/scenario.lua names their variables) and the writers' tokens."""

    ids_file: Path
    emails_file: Path
    body_file: Path
    tokens: list[str]
    detail: str  # the recipe of the detail scenarios

    def load_env(self) -> dict[str, str]:
        """Every scenario's variables at once."""
        return {
            "BENCH_IDS": str(self.ids_file),
            "BENCH_EMAILS": str(self.emails_file),
            "BENCH_BODY": str(self.body_file),
            "BENCH_PASSWORD": SEED_PASSWORD,
            "BENCH_TOKENS": ",".join(self.tokens),
        }


def prepare_fixtures(options: Options, work: Path, api_port: int | None) -> Fixtures:
    """Write the files into ``work``; log the writer accounts in through the API on ``api_port`` (if any)."""
    ids, emails = asyncio.run(_ids_and_emails(options.dsn))
    fixtures = Fixtures(work / "ids.txt", work / "emails.txt", work / "recipe.json", [], ids[0])
    fixtures.ids_file.write_text("\n".join(ids) + "\n")
    fixtures.emails_file.write_text("\n".join(emails) + "\n")
    fixtures.body_file.write_text(json.dumps(RECIPE_BODY))
    if api_port is not None:
        fixtures.tokens = [login(api_port, writer_email(n)) for n in range(BENCH_USERS)]
    return fixtures


async def _ids_and_emails(dsn: str) -> tuple[list[str], list[str]]:
    async with pg.connected(dsn) as connection:
        ids = [str(r["id"]) for r in await connection.fetch("SELECT id FROM recipe ORDER BY id LIMIT 5000")]
        emails = [
            r["email"]
            for r in await connection.fetch(
                "SELECT email FROM user_account WHERE email LIKE 'cook%' ORDER BY email LIMIT 200"
            )
        ]
        return ids, emails


def write_payloads(redis_url: str, api_port: int, work: Path, *, sizes: tuple[int, ...] = ()) -> bytes:
    """The API's list of 100 (and of ``sizes``) from an empty cache, written for the in-memory ceiling to serve:
    ``work/payload.json`` (its ``BENCH_PAYLOAD_FILE``) and ``work/payload-<size>.json``. Returns the list of 100."""
    flush_cache(redis_url)
    payload = get_ok(api_port, f"{LIST}?limit=100")
    (work / "payload.json").write_bytes(payload)
    for size in sizes:
        (work / f"payload-{size}.json").write_bytes(get_ok(api_port, f"{LIST}?limit={size}"))
    return payload
