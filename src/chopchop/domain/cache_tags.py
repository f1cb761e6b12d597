"""The response-cache tags of the API: which cached reads each write makes stale.

A cached GET is stamped with the generations of its tags (see ``chopchop.lib.cache``); a write bumps the
tags of everything it changes. Coarse tags cost cache hits, missing tags cost correctness: when a
response shows a new kind of data, give it the tag of the writes that change that data.
"""

from __future__ import annotations

from uuid import UUID

# Every recipe list and count: recipe lists, a user's recipes and likes, the ingredient catalogue.
RECIPES = "recipes"
# The user directory and public profiles (their counts of recipes, likes received, comments).
USERS = "users"
# Any shown display name, and anything an account deletion removes: part of every cached response.
PROFILES = "profiles"
# Single comments read by id.
COMMENTS = "comments"
# Templates formatted with a route's path parameters.
RECIPE_TEMPLATE = "recipe:{recipe_id}"
RECIPE_COMMENTS_TEMPLATE = "comments-of:{recipe_id}"


def recipe(recipe_id: UUID) -> str:
    return RECIPE_TEMPLATE.format(recipe_id=recipe_id)


def recipe_comments(recipe_id: UUID) -> str:
    return RECIPE_COMMENTS_TEMPLATE.format(recipe_id=recipe_id)


# Collections: one collection (its fields and its recipes) and a user's list of public collections. Their reads
# also carry RECIPES (the summaries and counts they show) and PROFILES.
COLLECTION_TEMPLATE = "collection:{collection_id}"
USER_COLLECTIONS_TEMPLATE = "collections-of:{user_id}"
# Who follows whom: the followers and following lists (the profile's counts are under USERS).
FOLLOWS = "follows"


def collection(collection_id: UUID) -> str:
    return COLLECTION_TEMPLATE.format(collection_id=collection_id)


def user_collections(user_id: UUID) -> str:
    return USER_COLLECTIONS_TEMPLATE.format(user_id=user_id)
