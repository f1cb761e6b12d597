"""Importing recipes from web pages (schema.org Recipe), as drafts of the importing user."""
