"""A web server of the tests' own on 127.0.0.2 (and 127.0.0.1): recipe pages as sites publish them, redirects,
slow, huge and compressed answers. Plain asyncio HTTP/1.1, so that what it sends is exactly what a test says."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

PAGE_HOST = "127.0.0.2"  # the only address the import app may fetch from (CHOPCHOP_IMPORT_ALLOW_PRIVATE_NETWORKS)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the headers
    repeat: int = 1  # the body is sent this many times (a huge page without holding it)


@dataclass
class PageServer:
    port: int = 0
    pages: dict[str, Answer] = field(default_factory=dict)
    queued: dict[str, list[Answer]] = field(default_factory=dict)  # answered first, one per request
    requests: list[str] = field(default_factory=list)
    sent_bytes: dict[str, int] = field(default_factory=dict)

    def url(self, path: str, host: str = PAGE_HOST) -> str:
        return f"http://{host}:{self.port}{path}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.decode("latin-1").split("\r\n")[0].split(" ")[1]
            self.requests.append(path)
            waiting = self.queued.get(path)
            answer = waiting.pop(0) if waiting else self.pages.get(path, Answer(status=404, body=b"not here"))
            if answer.delay:
                await asyncio.sleep(answer.delay)
            headers = {"content-length": str(len(answer.body) * answer.repeat), "connection": "close"}
            if answer.content_type:
                headers["content-type"] = answer.content_type
            headers.update(answer.headers)
            lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(f"HTTP/1.1 {answer.status} X\r\n{lines}\r\n".encode())
            sent = 0
            for _ in range(answer.repeat):
                writer.write(answer.body)
                await writer.drain()
                sent += len(answer.body)
            self.sent_bytes[path] = sent
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client stopped reading (a size cap): what a real server sees too
        finally:
            writer.close()


@pytest.fixture
async def pages() -> AsyncIterator[PageServer]:
    server = PageServer()
    listening = await asyncio.start_server(server.handle, PAGE_HOST, 0)
    server.port = listening.sockets[0].getsockname()[1]
    # The same server on 127.0.0.1 and the same port: a loopback address the import may not reach.
    loopback = await asyncio.start_server(server.handle, "127.0.0.1", server.port)
    yield server
    for running in (listening, loopback):
        running.close()
        await running.wait_closed()


def html_page(*, head: str = "", body: str = "") -> bytes:
    return f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def json_ld(document: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(document)}</script>'


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body)


#: A WordPress + Yoast style page: the recipe is one node of an @graph, with HowToSection steps.
YOAST_GRAPH = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "Organization", "@id": "https://blog.example/#org", "name": "Blog"},
        {"@type": ["WebPage", "ItemPage"], "@id": "https://blog.example/soup/", "name": "Soup | Blog"},
        {"@type": "Article", "headline": "Soup", "author": {"@id": "https://blog.example/#ada"}},
        {
            "@type": ["Recipe", "NewsArticle"],
            "name": "Roasted Tomato &amp; Basil Soup",
            "description": "<p>A <strong>silky</strong> soup for cold evenings.</p>",
            "recipeYield": ["4", "4 bowls"],
            "prepTime": "PT15M",
            "cookTime": "PT1H",
            "totalTime": "PT1H15M",
            "keywords": "soup, vegetarian, tomato",
            "recipeCategory": ["Starter"],
            "recipeCuisine": "Italian",
            "image": ["https://blog.example/soup.jpg"],
            "recipeIngredient": [
                "1 kg ripe tomatoes, halved",
                "2 tbsp olive oil",
                "1 ½ cups vegetable stock",
                "3 cloves garlic",
                "a pinch of salt",
                "1/2 tsp black pepper",
                "Fresh basil (to serve)",
            ],
            "recipeInstructions": [
                {
                    "@type": "HowToSection",
                    "name": "Roast",
                    "itemListElement": [
                        {"@type": "HowToStep", "text": "Heat the oven to 200&deg;C."},
                        {"@type": "HowToStep", "text": "Roast the tomatoes and garlic with the oil for 40 minutes."},
                    ],
                },
                {
                    "@type": "HowToSection",
                    "name": "Blend",
                    "itemListElement": [
                        {"@type": "HowToStep", "text": "Blend with the stock; season."},
                        {"@type": "HowToStep", "text": "Serve with basil."},
                    ],
                },
            ],
        },
    ],
}

MICRODATA_PAGE = html_page(
    body="""
<div itemscope itemtype="https://schema.org/Recipe">
  <h1 itemprop="name">Grandma's Pancakes</h1>
  <p itemprop="description">Fluffy &amp; quick.</p>
  <meta itemprop="prepTime" content="PT10M"><meta itemprop="cookTime" content="PT20M">
  <span itemprop="recipeYield">Makes 8 pancakes</span>
  <ul>
    <li itemprop="recipeIngredient">2 cups flour</li>
    <li itemprop="recipeIngredient">2 eggs</li>
    <li itemprop="recipeIngredient">250 ml milk</li>
  </ul>
  <div itemprop="recipeInstructions">Mix everything.<br>Fry in a hot pan.</div>
</div>"""
)
