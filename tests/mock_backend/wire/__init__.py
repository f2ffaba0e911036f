"""Tests of mock_backend.wire."""
