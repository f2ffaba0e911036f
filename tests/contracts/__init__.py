"""Tests of the contract tooling (normaliser, drift, allow-list, mutants, targets, safety, self-check)."""
