"""Tests of mock_backend, mirroring its tree."""
