"""Benchmarks: measurements against a floor taken in the same run (see README)."""
