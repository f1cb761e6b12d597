"""The comments area (domain/comments): comments on recipes and their counts."""
