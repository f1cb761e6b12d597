"""``python -m chopchop.cli``: the ``chopchop`` command."""

from chopchop.cli import main

main()
