"""Password hashing with scrypt from the standard library (memory-hard, salted)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
_PREFIX = "scrypt"


def hash_password(password: str) -> str:
    """A self-describing hash: scrypt$N$r$p$salt$digest."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    parts = [_PREFIX, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)]
    return "$".join(parts)


def verify_password(password: str, stored: str) -> bool:
    try:
        prefix, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if prefix != _PREFIX:
        return False
    candidate = hashlib.scrypt(
        password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(candidate, _unb64(digest))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)
