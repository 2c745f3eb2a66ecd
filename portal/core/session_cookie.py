"""The session cookie as Flask signs it, with its serializer made once per set of keys.

Flask's SecureCookieSessionInterface builds a new itsdangerous serializer (with its signer
settings) on every request, only to read the cookie: about 1% of a page's time. The keys change
only with the configuration, so one serializer per (secret key, fallback keys) serves every
request; a key rotated in the configuration gets its own.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

_MAX_KEY_SETS = 8


class SessionCookie(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            if len(self._serializers) >= _MAX_KEY_SETS:
                self._serializers.clear()
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer
