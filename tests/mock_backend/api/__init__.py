"""Tests of mock_backend.api (the HTTP routes)."""
