"""Export the OpenAPI document, the API's contract: ``uv run python -m chopchop.openapi`` writes docs/openapi.json.

The document is built from the default settings (not the environment), so that it is the same on every machine:
only ``servers`` depends on the settings (``CHOPCHOP_PUBLIC_BASE_URL``). Keys are sorted and the JSON is indented,
so that a change of the contract is a readable diff. ``tests/openapi/test_contract.py`` compares this file
with what the app serves and fails when they differ.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_OUTPUT = Path("docs/openapi.json")


def build_document(**overrides: Any) -> dict[str, Any]:
    """The OpenAPI document of an app built with the default settings (``overrides`` must not change it)."""
    from chopchop.app import create_app
    from chopchop.settings import Settings

    return create_app(Settings(**overrides)).openapi_schema.to_schema()


def render(document: dict[str, Any]) -> str:
    """The canonical text of a document: sorted keys, two-space indent, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chopchop.openapi", description=__doc__)
    parser.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUTPUT, help=f"where to write it (default {DEFAULT_OUTPUT})"
    )
    parser.add_argument("--check", action="store_true", help="do not write: exit 1 if the file is out of date")
    args = parser.parse_args(argv)
    text = render(build_document())
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != text:
            sys.stderr.write(f"{output} is out of date: run `uv run python -m chopchop.openapi`\n")
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {output}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
