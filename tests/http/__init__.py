"""The HTTP edge: hostile bytes and text, query strings, links, rate limits."""
