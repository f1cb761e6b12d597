"""Reading an ingredient line written for people ("2 cups flour", "1 ½ tbsp olive oil, divided", "a pinch of salt")
into our quantity, unit, name and note. Careful rather than clever: what it cannot read with confidence keeps the
original line in the note, so nothing the page said is lost."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from chopchop.domain.recipes.schemas import NAME_MAX_LENGTH, NOTE_MAX_LENGTH, Unit
from chopchop.lib.schema_org import one_line, truncate

MAX_QUANTITY: Final = 1_000_000
MIN_QUANTITY: Final = 0.001
_VULGAR = {
    "½": "1/2",
    "⅓": "1/3",
    "⅔": "2/3",
    "¼": "1/4",
    "¾": "3/4",
    "⅕": "1/5",
    "⅖": "2/5",
    "⅗": "3/5",
    "⅘": "4/5",
    "⅙": "1/6",
    "⅚": "5/6",
    "⅛": "1/8",
    "⅜": "3/8",
    "⅝": "5/8",
    "⅞": "7/8",
}
_NUMBER = r"(?:\d{1,7}\s+\d{1,3}\s*/\s*\d{1,3}|\d{1,3}\s*/\s*\d{1,3}|\d{1,7}(?:[.,]\d{1,3})?)"
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "half": 0.5}
_LEADING = re.compile(
    rf"^(?:(?P<first>{_NUMBER})(?:\s*(?:-|\u2013|\u2014|to|or)\s*(?P<second>{_NUMBER}))?(?=[\s(]|$|[a-zA-Z])"
    r"|(?P<word>an|a|one|two|three|four|five|six|half)(?=\s))\s*",
    re.IGNORECASE,
)
#: "a few", "a handful of": no amount to read; the line stays as it is.
_VAGUE = frozenset(
    [
        "few",
        "little",
        "handful",
        "couple",
        "bit",
        "splash",
        "drizzle",
        "knob",
        "dollop",
        "sprinkle",
        "squeeze",
        "glug",
        "some",
        "good",
        "generous",
    ]
)
#: Words for our units (lower-case, without a final dot), and words for units we convert to ours.
_UNITS: Final[dict[str, Unit]] = {
    **dict.fromkeys(["g", "gr", "gram", "grams", "gramme", "grammes"], Unit.G),
    **dict.fromkeys(["kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes"], Unit.KG),
    **dict.fromkeys(["mg", "milligram", "milligrams"], Unit.MG),
    **dict.fromkeys(["ml", "millilitre", "millilitres", "milliliter", "milliliters"], Unit.ML),
    **dict.fromkeys(["l", "litre", "litres", "liter", "liters"], Unit.L),
    **dict.fromkeys(["tsp", "tsps", "teaspoon", "teaspoons", "tspn"], Unit.TSP),
    **dict.fromkeys(["tbsp", "tbsps", "tbs", "tbl", "tablespoon", "tablespoons"], Unit.TBSP),
    **dict.fromkeys(["cup", "cups", "c"], Unit.CUP),
    **dict.fromkeys(["piece", "pieces", "pc", "pcs"], Unit.PIECE),
    **dict.fromkeys(["pinch", "pinches"], Unit.PINCH),
    **dict.fromkeys(["clove", "cloves"], Unit.CLOVE),
    **dict.fromkeys(["slice", "slices"], Unit.SLICE),
    **dict.fromkeys(["can", "cans", "tin", "tins"], Unit.CAN),
    **dict.fromkeys(["bunch", "bunches"], Unit.BUNCH),
    **dict.fromkeys(["dash", "dashes"], Unit.DASH),
}
_CONVERTED: Final[dict[str, tuple[Unit, float]]] = {
    **dict.fromkeys(["oz", "ounce", "ounces"], (Unit.G, 28.3495)),
    **dict.fromkeys(["lb", "lbs", "pound", "pounds"], (Unit.G, 453.592)),
    **dict.fromkeys(["cl", "centilitre", "centilitres", "centiliter", "centiliters"], (Unit.ML, 10.0)),
    **dict.fromkeys(["dl", "decilitre", "decilitres", "deciliter", "deciliters"], (Unit.ML, 100.0)),
}
_UNIT_WORD = re.compile(r"^(?P<word>[a-zA-Z]{1,12})\.?(?=\s|$|\()\s*(?:of\s+)?", re.IGNORECASE)
_GLUED_UNIT = re.compile(r"^(?P<word>g|kg|mg|ml|l|cl|dl|oz|lb|lbs)\.?(?=\s|$)\s*(?:of\s+)?", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s*\(([^()]*)\)\s*")


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """An ingredient line as our recipe holds it: a catalogue name, and how much, and how (the note)."""

    name: str
    quantity: float | None
    unit: Unit | None
    note: str | None


def _number(text: str) -> Fraction | None:
    text = " ".join(text.replace(",", ".").split())
    try:
        if "/" in text:
            whole, _, fraction = text.rpartition(" ")
            parts = fraction.replace(" ", "").split("/")
            value = Fraction(int(parts[0]), int(parts[1]))
            return value + (Fraction(whole.strip()) if whole.strip() else 0)
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def _unvulgar(line: str) -> str:
    """Vulgar fractions as ASCII ones, "1½" as "1 1/2"; fraction slashes as slashes."""
    out = []
    for index, char in enumerate(line):
        if char in _VULGAR:
            glued = index > 0 and line[index - 1].isdigit()
            out.append((" " if glued else "") + _VULGAR[char])
        else:
            out.append("/" if char == "\u2044" else char)
    return "".join(out)


def _amount(value: Fraction | float, factor: float = 1.0) -> float | None:
    amount = round(float(value) * factor, 3)
    return amount if MIN_QUANTITY <= amount <= MAX_QUANTITY else None


def parse_line(raw: str) -> ParsedLine:
    """Quantity, unit, name and note of one ``recipeIngredient`` line. Ranges take their lower bound; converted
    units (ounces, pounds) and anything uncertain keep the line as written in the note."""
    line = one_line(_unvulgar(unicodedata.normalize("NFC", raw)))
    original = truncate(one_line(raw), NOTE_MAX_LENGTH)
    rest = line
    quantity: float | None = None
    unit: Unit | None = None
    uncertain = False
    notes: list[str] = []
    match = _LEADING.match(rest)
    word = (match.group("word") or "").lower() if match is not None else ""
    vague = word in {"a", "an"} and (rest[match.end() :].split(" ", 1)[0].lower() in _VAGUE if match else False)
    if match is not None and not vague:
        number = Fraction(_WORD_NUMBERS[word]).limit_denominator(8) if word else _number(match.group("first"))
        if number is not None:
            quantity = _amount(number)
            rest = rest[match.end() :]
            uncertain = match.group("second") is not None or quantity is None
            # "1 (14 oz) can coconut milk": what is in parentheses is a note, and the unit follows it.
            notes.extend(p.strip() for p in _PARENTHESES.findall(rest) if p.strip())
            rest = _PARENTHESES.sub(" ", rest).strip()
            unit_match = _GLUED_UNIT.match(rest) or _UNIT_WORD.match(rest)
            if unit_match is not None:
                unit_word = unit_match.group("word").lower()
                if unit_word in _UNITS:
                    unit = _UNITS[unit_word]
                    rest = rest[unit_match.end() :]
                elif unit_word in _CONVERTED:
                    unit, factor = _CONVERTED[unit_word]
                    quantity = _amount(number, factor)
                    rest = rest[unit_match.end() :]
                    uncertain = True
    if quantity is None:
        unit = None
    name_part, _, after_comma = rest.partition(",")
    parenthesised = _PARENTHESES.findall(name_part)
    name_part = _PARENTHESES.sub(" ", name_part)
    notes.extend(p.strip() for p in parenthesised if p.strip())
    if after_comma.strip():
        notes.append(after_comma.strip())
    name = " ".join(name_part.replace("(", " ").replace(")", " ").split()).strip(" .-\u2013\u2014:;").lower()
    if not name:  # nothing left but numbers and units: the whole line is the name
        name, quantity, unit, notes, uncertain = line.lower(), None, None, [], False
    if len(name) > NAME_MAX_LENGTH:
        name = truncate(name, NAME_MAX_LENGTH)
        uncertain = True
    note = original if uncertain else "; ".join(notes)
    return ParsedLine(name=name, quantity=quantity, unit=unit, note=truncate(note, NOTE_MAX_LENGTH) if note else None)
