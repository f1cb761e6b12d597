"""RFC 8288 Link headers of paginated lists."""

from __future__ import annotations

import re

from chopchop.lib.pagination import link_header

BASE = "http://api.local/api/v1/recipes"


def rels(value: str | None) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', value or "")}


def test_first_page_links_to_the_next_only() -> None:
    assert rels(link_header(f"{BASE}?limit=10", limit=10, offset=0, total=25)) == {"next": f"{BASE}?limit=10&offset=10"}


def test_middle_page_links_both_ways_and_keeps_other_parameters() -> None:
    url = f"{BASE}?tag=vegan&ingredients_any=egg&ingredients_any=milk&offset=10&limit=10&q=a+b"
    links = rels(link_header(url, limit=10, offset=10, total=25))
    assert links == {
        "next": f"{BASE}?tag=vegan&ingredients_any=egg&ingredients_any=milk&q=a+b&limit=10&offset=20",
        "prev": f"{BASE}?tag=vegan&ingredients_any=egg&ingredients_any=milk&q=a+b&limit=10&offset=0",
    }


def test_last_page_links_back_only() -> None:
    assert rels(link_header(f"{BASE}?offset=20", limit=10, offset=20, total=25)) == {
        "prev": f"{BASE}?limit=10&offset=10"
    }


def test_a_single_page_has_no_links() -> None:
    assert link_header(BASE, limit=20, offset=0, total=20) is None
    assert link_header(BASE, limit=20, offset=0, total=0) is None


def test_prev_never_goes_below_zero_or_past_the_end() -> None:
    assert rels(link_header(BASE, limit=10, offset=5, total=25))["prev"] == f"{BASE}?limit=10&offset=0"
    # Past the end: back to the last real page.
    assert rels(link_header(BASE, limit=10, offset=1000, total=25)) == {"prev": f"{BASE}?limit=10&offset=15"}
