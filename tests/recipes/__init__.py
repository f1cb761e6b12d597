"""The recipes area (domain/recipes): recipes, their lists and filters, likes."""
