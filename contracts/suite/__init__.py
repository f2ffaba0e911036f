"""The contract suite: layers of checks that run once per configured target (see conftest.py)."""
