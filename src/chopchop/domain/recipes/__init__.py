"""Recipes: the recipe CRUD, the ingredient catalogue, tags, likes, lists with filters and search, demo data."""
