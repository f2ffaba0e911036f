"""Tests of mock_backend.domain.security: password hashes, signatures and access tokens."""

from __future__ import annotations

from datetime import datetime

from mock_backend.domain.clock import epoch
from mock_backend.domain.security import Signer, check_password, hash_password

NOW = datetime(2024, 3, 1, 12, 0, 0)
#: 32-byte secrets, the length RFC 7518 asks for HS256 (PyJWT warns below it).
SECRET = b"s" * 32
OTHER_SECRET = b"o" * 32


def test_check_password_right_password_matches() -> None:
    """A password matches its own hash."""
    assert check_password("demo-password", hash_password("demo-password"))


def test_check_password_wrong_password_does_not_match() -> None:
    """Another password does not match."""
    assert not check_password("Demo-password", hash_password("demo-password"))


def test_hash_password_same_password_gets_different_salts() -> None:
    """Two hashes of one password differ (random salt)."""
    assert hash_password("x") != hash_password("x")


def test_verify_own_signature_passes() -> None:
    """A signature verifies with the same parts and secret."""
    signer = Signer(SECRET)
    assert signer.verify(signer.sign("download", "7", "123"), "download", "7", "123")


def test_verify_changed_part_fails() -> None:
    """A signature does not verify once any part changes."""
    signer = Signer(SECRET)
    assert not signer.verify(signer.sign("download", "7", "123"), "download", "7", "124")


def test_verify_other_secret_fails() -> None:
    """A signature made with another secret does not verify."""
    assert not Signer(SECRET).verify(Signer(OTHER_SECRET).sign("a"), "a")


def test_read_token_issued_token_gives_account_and_expiry() -> None:
    """A token the signer issued reads back as its account id and expiry."""
    signer = Signer(SECRET)
    token = signer.issue_token(account_id=7, subject="s", email="e@x", audience="app", now=NOW, ttl=60)
    claims = signer.read_token(token)
    assert claims is not None
    assert (claims.account_id, claims.expires_at) == (7, epoch(NOW) + 60)


def test_read_token_foreign_token_is_none() -> None:
    """A token signed with another secret is not one of ours."""
    token = Signer(OTHER_SECRET).issue_token(account_id=7, subject="s", email="e@x", audience="app", now=NOW, ttl=60)
    assert Signer(SECRET).read_token(token) is None


def test_read_token_garbage_is_none() -> None:
    """Something that is not a JWT reads as None, not an exception."""
    assert Signer(SECRET).read_token("not-a-token") is None
