"""Comments: what users write under recipes."""
