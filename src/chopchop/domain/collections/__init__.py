"""Collections (cookbooks): users' named, ordered lists of recipes, public or private."""
