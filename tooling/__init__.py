"""Test and benchmark tooling, used from the repository (never installed): the synthetic site
generator (sitegen) and sample records and pages (samples)."""
