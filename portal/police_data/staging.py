"""Uploaded files waiting for the admin's confirmation, between the preview and the import.

The bytes are kept in the instance folder (outside the web root) under a random name; pages refer
to them only by a signed, expiring token that also binds the uploader and the file's SHA-256, so a
token cannot be forged, reused by another user, or pointed at a different file.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "police-data-upload"
MAX_AGE_SECONDS = 2 * 3600
_STORED_NAME = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class StagedFile:
    path: Path
    file_name: str
    kind: str | None
    data: bytes


def stage(folder: Path, data: bytes, *, file_name: str, kind: str | None, user_id: int,
          secret: str) -> str:
    """Store `data` and return the token that refers to it."""
    folder.mkdir(parents=True, exist_ok=True)
    purge_old(folder)
    stored = secrets.token_hex(16)
    (folder / stored).write_bytes(data)
    payload = {"f": stored, "n": file_name, "k": kind, "u": user_id,
               "h": hashlib.sha256(data).hexdigest()}
    return URLSafeTimedSerializer(secret, salt=SALT).dumps(payload)


def load(folder: Path, token: str, *, user_id: int, secret: str) -> StagedFile | None:
    """The staged file of a valid, unexpired token of this user; None otherwise."""
    try:
        payload = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    if payload.get("u") != user_id or not _STORED_NAME.fullmatch(str(payload.get("f"))):
        return None
    path = folder / payload["f"]
    if not path.is_file():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != payload.get("h"):
        return None
    return StagedFile(path, str(payload["n"]), payload.get("k"), data)


def discard(staged: StagedFile) -> None:
    staged.path.unlink(missing_ok=True)


def purge_old(folder: Path) -> None:
    """Remove staged files older than a token can live (abandoned previews)."""
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        if _STORED_NAME.fullmatch(path.name) and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
