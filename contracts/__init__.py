"""Contract tooling for the Permanent mock: the Python SDK, the contract suite and its targets."""
