"""Chop-chop: a recipe-sharing REST API."""

__version__ = "0.2.0"
