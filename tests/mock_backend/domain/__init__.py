"""Tests of mock_backend.domain."""
