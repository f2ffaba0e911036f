"""Tests of the mock (mock_backend/) and the SDK (contracts/sdk/)."""
