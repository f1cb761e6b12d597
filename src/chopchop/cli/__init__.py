"""The ``chopchop`` command: Litestar's CLI with the app preloaded, plus serve, workers (litestar-saq's), db, users
and seed. The commands live in this package's modules; ``ChopchopCLIPlugin`` (``cli/plugin.py``) adds them."""

from __future__ import annotations

import os
import sys

import click

from chopchop.cli.paths import APP_PATH
from chopchop.cli.serve import share_metrics


def main() -> None:
    """Entry point of the ``chopchop`` console script."""
    os.environ.setdefault("LITESTAR_APP", APP_PATH)
    if sys.argv[1:2] == ["serve"]:
        # Before the app (and prometheus_client) is imported: worker processes forked from this one keep the
        # metric storage it chose.
        share_metrics()
    from litestar.cli.main import litestar_group

    from chopchop.settings import SettingsError

    try:
        litestar_group()
    except SettingsError as exc:
        # A configuration mistake is the operator's to fix: one clear line, no traceback.
        click.echo(f"chopchop: configuration error: {exc}", err=True)
        sys.exit(2)
