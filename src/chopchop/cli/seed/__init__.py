"""Demo data: ``chopchop seed`` fills the database with realistic users, recipes, likes and comments, fast.

``command`` (the click command), ``run`` (one seed run), ``generate`` (users and batches of recipes with likes and
comments, reproducibly), ``recipes`` (one recipe's content), ``words`` (the vocabulary, ``words.json``), ``rows``
and ``pgcopy`` (a batch as Python rows or binary COPY payloads), ``load`` (bulk writes).
"""

from chopchop.cli.seed.command import seed_command

__all__ = ["seed_command"]
