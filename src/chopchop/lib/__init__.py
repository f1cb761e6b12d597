"""Cross-cutting building blocks that know nothing about the domain."""
