"""Evidence files: checked by extension, size and content, stored outside the web root."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from portal.core.errors import DomainError

DEFAULT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "xlsx", "docx", "odt", "ods")
# The first bytes each allowed format must start with: a renamed .exe is refused.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "xlsx": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def clean_filename(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    name = SAFE_NAME.sub("_", name).strip(" .") or "plik"
    return name[:150]


def store_upload(upload: FileStorage, *, folder: Path, label: str,
                 extensions: tuple[str, ...] | None, max_size_mb: int | float) -> dict:
    """Check and store one uploaded file; returns the metadata kept as the answer's value."""
    name = clean_filename(upload.filename or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = tuple(e.lower() for e in (extensions or DEFAULT_EXTENSIONS))
    if extension not in allowed:
        raise DomainError(_("%(label)s: niedozwolony typ pliku „%(name)s”. Dozwolone: %(ext)s.",
                            label=label, name=name, ext=", ".join(allowed)))
    data = upload.read(int(max_size_mb * 1024 * 1024) + 1)
    if len(data) > max_size_mb * 1024 * 1024:
        raise DomainError(_("%(label)s: plik „%(name)s” jest większy niż %(mb)s MB.",
                            label=label, name=name, mb=max_size_mb))
    if not data:
        raise DomainError(_("%(label)s: plik „%(name)s” jest pusty.", label=label, name=name))
    if not data.startswith(SIGNATURES.get(extension, (b"",))):
        raise DomainError(_("%(label)s: zawartość pliku „%(name)s” nie odpowiada rozszerzeniu "
                            ".%(ext)s.", label=label, name=name, ext=extension))
    digest = hashlib.sha256(data).hexdigest()
    target = folder / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return {"name": name, "sha256": digest, "size": len(data),
            "stored_as": f"{digest[:2]}/{digest}", "content_type": CONTENT_TYPES[extension]}


def stored_path(folder: Path, meta: dict) -> Path:
    digest = str(meta.get("sha256", ""))
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise DomainError(_("Niepoprawne metadane pliku."))
    return folder / digest[:2] / digest
