"""The workbench's session: a signed cookie (HMAC-SHA256 with a server secret) and CSRF tokens.

The cookie holds the SHA-256 of the API key the user signed in with (never the key), a random
CSRF token and the time it was issued. Every request looks the digest up in the key ring again,
so a key taken out of the configuration ends its sessions. Every form carries the CSRF token;
a POST whose token does not match the session's is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass

COOKIE = "openimr_session"
MAX_AGE_SECONDS = 12 * 60 * 60  # a working day; then sign in again
SECRET_ENV = "OPENIMR_SESSION_SECRET"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def session_secret() -> bytes:
    """$OPENIMR_SESSION_SECRET, else a random secret for this process (sessions end on restart;
    `openimr serve --workers N` sets one secret for all its processes)."""
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return hashlib.sha256(configured.encode("utf-8")).digest()
    return secrets.token_bytes(32)


@dataclass(frozen=True)
class Session:
    csrf: str
    key_digest: str | None = None  # None: not signed in (the login form's pre-session)
    issued: int = 0


class SessionSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, session: Session) -> str:
        body = {"c": session.csrf, "k": session.key_digest, "t": session.issued}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
        return f"{payload}.{self._mac(payload)}"

    def loads(self, token: str | None, now: float | None = None) -> Session | None:
        """The session in a cookie, or None when it is absent, forged, malformed or expired."""
        if not token or token.count(".") != 1:
            return None
        payload, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            body = json.loads(_unb64(payload))
            session = Session(csrf=str(body["c"]), key_digest=body["k"], issued=int(body["t"]))
        except (ValueError, KeyError, TypeError):
            return None
        if (now if now is not None else time.time()) - session.issued > MAX_AGE_SECONDS:
            return None
        return session

    def seal(self, text: str) -> str:
        """A short message (the next page's notice) that only this server can have written."""
        payload = _b64(text.encode("utf-8"))
        return f"{payload}.{self._mac(payload)}"

    def unseal(self, token: str | None) -> str | None:
        if not token or token.count(".") != 1:
            return None
        payload, mac = token.split(".")
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            return _unb64(payload).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None


def new_session(key_digest: str | None = None) -> Session:
    return Session(csrf=secrets.token_urlsafe(32), key_digest=key_digest, issued=int(time.time()))


def csrf_matches(session: Session | None, presented: str | None) -> bool:
    return bool(session and presented) and hmac.compare_digest(session.csrf, presented or "")
