"""Secrets at work: password hashes, HMAC signatures and FusionAuth-style JWT access tokens."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt

from mock_backend.domain.clock import epoch

_ITERATIONS = 20_000
_ISSUER = "permanent-mock"
#: Distinct bearer tokens whose claims are kept, and the longest one kept (the mock's own are ~450 characters).
_CACHED_TOKENS = 4096
_CACHED_TOKEN_LENGTH = 2048


def hash_password(password: str, salt: bytes | None = None) -> str:
    """Return a salted PBKDF2 hash of `password` as `salt$hash` in hex."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8", "surrogatepass"), salt, _ITERATIONS)
    return f"{salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Tell whether `password` matches a hash made by `hash_password`."""
    salt_hex, _, _ = stored.partition("$")
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt_hex)), stored)


@dataclass(frozen=True)
class TokenClaims:
    """What a valid access token says."""

    account_id: int
    expires_at: int
    issued_at: int = 0
    audience: str = ""
    token_id: str = ""


class Signer:
    """HMAC-SHA256 signatures and JWTs under one secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        # Every authenticated request reads its bearer token; decoding and verifying a JWT costs more than the
        # rest of a small answer. A token's claims never change, so each distinct token is read once.
        self._cached_read = functools.lru_cache(maxsize=_CACHED_TOKENS)(self._read_token)

    def read_token(self, token: str) -> TokenClaims | None:
        """Return the claims of a token this signer issued (expiry unchecked), or None if it is not one."""
        # Only token-sized strings are cached, so a flood of huge garbage headers cannot fill memory.
        return self._cached_read(token) if len(token) <= _CACHED_TOKEN_LENGTH else self._read_token(token)

    def sign(self, *parts: str) -> str:
        """Return an URL-safe signature of the parts."""
        # hmac.digest is the one-shot C path: every listed file's download URL is signed on each answer.
        mac = hmac.digest(self._secret, "\n".join(parts).encode("utf-8", "surrogatepass"), "sha256")
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")

    def sign_hex(self, message: str) -> str:
        """Return a hex signature of one message (the form S3's X-Amz-Signature takes)."""
        return hmac.digest(self._secret, message.encode("utf-8", "surrogatepass"), "sha256").hex()

    def verify_hex(self, signature: str, message: str) -> bool:
        """Tell whether `signature` is the hex signature of `message`."""
        return hmac.compare_digest(self.sign_hex(message).encode(), signature.encode("utf-8", "surrogatepass"))

    def verify(self, signature: str, *parts: str) -> bool:
        """Tell whether `signature` signs the parts."""
        # Compare bytes: compare_digest refuses non-ASCII str, and a tampered URL may carry any text.
        return hmac.compare_digest(self.sign(*parts).encode(), signature.encode("utf-8", "surrogatepass"))

    def issue_token(self, *, account_id: int, subject: str, email: str, audience: str, now: datetime, ttl: int) -> str:
        """Return an HS256 JWT access token, shaped like FusionAuth's, that expires after `ttl` seconds."""
        issued = epoch(now)
        claims: dict[str, Any] = {
            "aud": audience,
            "exp": issued + ttl,
            "iat": issued,
            "iss": _ISSUER,
            "sub": subject,
            "jti": secrets.token_hex(8),
            "email": email,
            "accountId": account_id,
            "applicationId": audience,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def _read_token(self, token: str) -> TokenClaims | None:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                options={"verify_exp": False, "verify_aud": False, "verify_iat": False},
                issuer=_ISSUER,
            )
        except jwt.PyJWTError:
            return None
        account_id, expires = claims.get("accountId"), claims.get("exp")
        if not isinstance(account_id, int) or not isinstance(expires, int):
            return None
        issued, audience, token_id = claims.get("iat"), claims.get("aud"), claims.get("jti")
        return TokenClaims(
            account_id=account_id,
            expires_at=expires,
            issued_at=issued if isinstance(issued, int) else 0,
            audience=audience if isinstance(audience, str) else "",
            token_id=token_id if isinstance(token_id, str) else "",
        )
