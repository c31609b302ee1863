"""Benchmarks that print figures (not timed tests); run them all with ``python -m bench``."""
