"""Thin Flask blueprints: read the inputs, call one domain operation, serialise the result."""
