"""Configuration read from PORTAL_* environment variables when create_app() runs."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path


def _default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'portal.db'}"


def load_config(instance_path: Path) -> dict:
    """Build the Flask config mapping; nothing is read at import time."""
    env = os.environ
    secret = env.get("PORTAL_SECRET_KEY")
    if not secret:
        secret = _instance_secret(instance_path)
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URL": env.get("PORTAL_DATABASE_URL")
        or _default_database_url(instance_path),
        "UPLOAD_FOLDER": env.get("PORTAL_UPLOAD_FOLDER") or str(instance_path / "uploads"),
        "MAX_CONTENT_LENGTH": int(env.get("PORTAL_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "pl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Warsaw",
        "PORTAL_LOCALES": ("pl", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get("PORTAL_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "PAGE_SIZE": 50,
        **_mail_config(env),
    }


def _mail_config(env) -> dict:
    """E-mail settings; without PORTAL_SMTP_HOST messages are only logged and kept in the outbox."""
    ssl = env.get("PORTAL_SMTP_SSL", "0") == "1"
    starttls = env.get("PORTAL_SMTP_STARTTLS", "0") == "1"
    default_port = "465" if ssl else "587" if starttls else "25"
    return {
        "SMTP_HOST": env.get("PORTAL_SMTP_HOST") or None,
        "SMTP_PORT": int(env.get("PORTAL_SMTP_PORT") or default_port),
        "SMTP_USER": env.get("PORTAL_SMTP_USER") or None,
        "SMTP_PASSWORD": env.get("PORTAL_SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": starttls,
        "SMTP_SSL": ssl,
        "MAIL_FROM": env.get("PORTAL_MAIL_FROM")
        or "Gmina Bezpieczna <no-reply@gminabezpieczna.pl>",
        "BASE_URL": env.get("PORTAL_BASE_URL") or "http://127.0.0.1:5000",
    }


def _instance_secret(instance_path: Path) -> str:
    """Keep a random secret in the instance folder so sessions survive restarts of `make run`.

    Several workers may start at once: the file is created exclusively, and whoever loses the
    race reads the winner's secret, so every process signs sessions with the same key.
    """
    path = instance_path / "secret_key"
    instance_path.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the winner may not have written it yet
            value = path.read_text().strip()
            if value:
                return value
            time.sleep(0.01)
        raise RuntimeError(f"{path} is empty; delete it or set PORTAL_SECRET_KEY") from None
    value = secrets.token_hex(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
