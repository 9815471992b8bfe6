"""Benchmarks and the extraction evaluation gate; see `make bench` and `make eval`."""
