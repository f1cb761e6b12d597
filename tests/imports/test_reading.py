"""Unit tests of what the import reads and the export writes: ingredient lines, durations, schema.org shapes, hostile
pages, content negotiation and the fetcher's URL rules. No services."""

from __future__ import annotations

import json

import pytest

from chopchop.domain.imports.ingredients import parse_line
from chopchop.domain.imports.mapping import NoRecipe, to_recipe_create
from chopchop.lib.egress import UrlRefused
from chopchop.lib.negotiation import negotiate
from chopchop.lib.pagefetch import page_url
from chopchop.lib.schema_org import FoundRecipe, find_recipe, iso_duration, minutes_of, one_line, read_recipe

LD = "application/ld+json"
JSON = "application/json"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2 cups flour", ("flour", 2.0, "cup", None)),
        ("1 ½ tbsp olive oil, divided", ("olive oil", 1.5, "tbsp", "divided")),
        ("1½ cups sugar", ("sugar", 1.5, "cup", None)),
        ("¾ cup milk", ("milk", 0.75, "cup", None)),
        ("1/2 tsp. salt", ("salt", 0.5, "tsp", None)),
        ("a pinch of salt", ("salt", 1.0, "pinch", None)),
        ("an onion", ("onion", 1.0, None, None)),
        ("400g chopped tomatoes", ("chopped tomatoes", 400.0, "g", None)),
        ("1,5 l water", ("water", 1.5, "l", None)),
        ("3 eggs", ("eggs", 3.0, None, None)),
        ("1 (14 oz) can coconut milk", ("coconut milk", 1.0, "can", "14 oz")),
        ("2-3 cloves garlic, minced", ("garlic", 2.0, "clove", "2-3 cloves garlic, minced")),
        ("1 to 2 tbsp honey", ("honey", 1.0, "tbsp", "1 to 2 tbsp honey")),
        ("8 oz cream cheese", ("cream cheese", 226.796, "g", "8 oz cream cheese")),
        ("Salt and pepper to taste", ("salt and pepper to taste", None, None, None)),
        ("a handful of spinach", ("a handful of spinach", None, None, None)),
        ("0 g nothing", ("nothing", None, None, "0 g nothing")),
        ("99999999 kg x", ("99999999 kg x", None, None, None)),
        ("1/0 cup x", ("1/0 cup x", None, None, None)),
        ("<b>2</b> cups &amp; more\u202e flour", ("& more flour", 2.0, "cup", None)),
    ],
)
def test_ingredient_lines(line: str, expected: tuple[object, ...]) -> None:
    parsed = parse_line(line)
    assert (parsed.name, parsed.quantity, parsed.unit, parsed.note) == expected


def test_long_lines_are_cut_not_refused() -> None:
    parsed = parse_line("2 cups " + "very " * 100 + "fine flour, " + "sifted " * 100)
    assert len(parsed.name) <= 100 and parsed.name.endswith("…")
    assert parsed.note is not None and len(parsed.note) <= 200


def test_durations() -> None:
    assert [minutes_of(v) for v in ("PT1H30M", "P1DT2H", "PT0.5H", "PT20M30S", "pt45m", "15", 20, 2.6)] == [
        90, 1560, 30, 20, 45, 15, 20, 3,
    ]  # fmt: skip
    assert [minutes_of(v) for v in ("P", "PT", "P1DT", "1 hour", "", None, True, -5, float("inf"), "PT1e9H")] == [
        None
    ] * 10
    assert [iso_duration(m) for m in (0, 45, 60, 90, 1560)] == ["PT0M", "PT45M", "PT1H", "PT1H30M", "PT26H"]


def _page(document: object) -> str:
    return f'<html><head><script type="application/ld+json">{json.dumps(document)}</script></head></html>'


def test_schema_org_shapes() -> None:
    node = {
        "@type": ["Thing", "http://schema.org/Recipe"],
        "name": ["First name", "Second"],
        "recipeYield": "Serves 6-8",
        "recipeInstructions": [
            "Step one.",
            {"@type": "HowToStep", "name": "Two", "text": "Step two."},
            {"@type": "ItemList", "itemListElement": [{"@type": "HowToStep", "text": "Step three."}]},
        ],
        "recipeIngredient": "1 egg",
        "keywords": ["a, b", "b"],
        "image": {"@type": "ImageObject", "url": "https://x/y.jpg"},
    }
    found = find_recipe(
        _page({"@context": "https://schema.org", "@graph": [{"@type": "WebSite"}, node]}), "text/html", "https://x/"
    )
    assert found is not None
    recipe = read_recipe(found)
    assert recipe.name == "First name" and recipe.servings == 6
    assert recipe.steps == ["Step one.", "Step two.", "Step three."]
    assert recipe.ingredients == ["1 egg"] and recipe.keywords == ["a", "b"]
    assert recipe.images == ["https://x/y.jpg"]
    for image, expected in [
        ("/a.jpg", ["https://x/a.jpg"]),
        (
            ["a.jpg", {"contentUrl": "https://cdn/b.png"}, {"@id": "javascript:alert(1)"}],
            ["https://x/r/a.jpg", "https://cdn/b.png"],
        ),
        ({"@type": "ImageObject", "url": ["https://cdn/c.jpg"]}, ["https://cdn/c.jpg"]),
        ([f"https://cdn/{n}.jpg" for n in range(50)], [f"https://cdn/{n}.jpg" for n in range(10)]),
        (5, []),
    ]:
        assert read_recipe({"@type": "Recipe", "image": image}, "https://x/r/").images == expected, image
    assert find_recipe(_page({"@type": "Article"}), "text/html", "https://x/") is None
    assert find_recipe("", "text/html", "https://x/") is None
    assert find_recipe("{not json", LD, "https://x/") is None


def test_hostile_nesting_and_sizes() -> None:
    deep = '{"x": [' * 5000 + '{"@type": "Recipe", "name": "deep"}' + "]}" * 5000
    assert find_recipe(deep, LD, "https://x/") is None  # deeper than json reads: no crash
    shallow = '{"x": [' * 100 + '{"@type": "Recipe", "name": "deep"}' + "]}" * 100
    assert find_recipe(shallow, LD, "https://x/") is None  # beyond the depth searched
    nested_name: object = "Soup"
    for _ in range(900):
        nested_name = {"@value": [nested_name]}
    assert one_line(nested_name) == ""
    many = {
        "@type": "Recipe",
        "name": "x",
        "recipeIngredient": ["1 egg"] * 10_000,
        "recipeInstructions": ["s"] * 10_000,
    }
    data = to_recipe_create(read_recipe(many), source_url="https://x/")
    assert len(data.ingredients) == 100 and len(data.steps) == 100


def test_mapping_defaults_and_limits() -> None:
    with pytest.raises(NoRecipe):
        to_recipe_create(FoundRecipe(), source_url="https://x/")
    data = to_recipe_create(
        FoundRecipe(name="T", total_minutes=50, prep_minutes=20, servings=5000, keywords=["!!", "Main course"]),
        source_url="https://x/r",
    )
    assert (data.prep_minutes, data.cook_minutes, data.servings) == (20, 30, 1000)
    assert data.steps == ["Follow the method on the original page: https://x/r"] and data.tags == ["main course"]
    assert to_recipe_create(FoundRecipe(name="T", total_minutes=99_999), source_url="u").cook_minutes == 10080


def test_negotiation() -> None:
    offered = (JSON, LD)
    assert negotiate(None, offered) == JSON
    assert negotiate("", offered) == JSON
    assert negotiate(LD, offered) == LD
    assert negotiate(f"{LD};q=0.5, {JSON}", offered) == JSON
    assert negotiate(f"{JSON};q=0.5, {LD};q=0.6", offered) == LD
    assert negotiate(f"{JSON};q=0, */*;q=0.1", offered) == LD
    assert negotiate("application/*;q=0.5, application/json;q=0", offered) == LD
    assert negotiate("*/*", offered) == JSON
    assert negotiate("text/html", offered) is None
    assert negotiate(f"{LD};q=2, text/html", offered) is None  # an invalid q drops its range
    assert negotiate("*/json", offered) == JSON  # malformed: ignored, as if absent
    assert negotiate("text/html, " * 10_000 + LD, offered) is None  # only the start of a huge header is read


def test_page_urls() -> None:
    assert page_url("https://example.com/a#b") == "https://example.com/a"
    assert page_url("http://example.com:8080/") == "http://example.com:8080/"
    for url in ["http://example.com:22/", "http://127.0.0.1/", "file:///etc/passwd", "http://u@example.com/"]:
        with pytest.raises(UrlRefused):
            page_url(url)
