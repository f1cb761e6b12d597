"""The project's commands, added to Litestar's CLI group by a plugin of the app."""

from __future__ import annotations

import click
from litestar.plugins import CLIPlugin

from chopchop.cli.db import db_group
from chopchop.cli.seed import seed_command
from chopchop.cli.serve import serve
from chopchop.cli.users import users_group
from chopchop.cli.workers import worker, workers_embedded


class ChopchopCLIPlugin(CLIPlugin):
    """Adds serve, worker, db, users and seed; and `workers` where litestar-saq did not (the embedded mode)."""

    def on_cli_init(self, cli: click.Group) -> None:
        cli.add_command(serve)
        # Server mode: litestar-saq's plugin added its `workers` group (run, status) before this plugin runs.
        if "workers" not in cli.commands:
            cli.add_command(workers_embedded)
        cli.add_command(worker)
        cli.add_command(db_group)
        cli.add_command(users_group)
        cli.add_command(seed_command)
