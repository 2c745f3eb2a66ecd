"""The file question type. Its value is metadata only; the upload storage keeps the bytes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_wtf.file import FileField
from wtforms import Field

from portal.questionnaires.definition import Item
from portal.questionnaires.itemtype import InvalidAnswer, ItemType, Json, current_locale
from portal.questionnaires.numbers import format_number

DEFAULT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
DEFAULT_MAX_SIZE_MB = Decimal(10)
MAX_SIZE_MB_LIMIT = Decimal(100)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_EXTENSION = re.compile(r"[a-z0-9]{1,10}")
_MEGABYTE = 1024 * 1024
_FIELDS = ("name", "sha256", "size", "stored_as")
_OPTIONAL_FIELDS = ("content_type",)  # recorded at upload, used when the file is sent back


class FileType(ItemType):
    name = "file"
    read_from_form = False
    extra_keys = frozenset({"extensions", "max_size_mb"})
    simple = False

    def parse(self, raw: object, item: Item) -> dict[str, Any] | None:
        """Accepts the metadata dict the upload storage returns (or None)."""
        if raw is None or raw == {}:
            return None
        if (
            not isinstance(raw, Mapping)
            or not set(_FIELDS) <= set(raw) <= set(_FIELDS + _OPTIONAL_FIELDS)
            or not _valid(raw)
        ):
            raise InvalidAnswer(_("Nieprawidłowe dane pliku."))
        return {key: raw[key] for key in _FIELDS + _OPTIONAL_FIELDS if key in raw}

    def check(self, value: Mapping[str, Any], item: Item) -> list[str]:
        errors = []
        extension = value["name"].rsplit(".", 1)[-1].lower() if "." in value["name"] else ""
        allowed = item.extensions or DEFAULT_EXTENSIONS
        if extension not in allowed:
            shown = ", ".join(allowed)
            errors.append(_("Niedozwolony typ pliku. Dozwolone: %(extensions)s.", extensions=shown))
        limit = item.max_size_mb or DEFAULT_MAX_SIZE_MB
        if value["size"] > limit * _MEGABYTE:
            locale = current_locale()
            size = format_number(Decimal(value["size"]) / _MEGABYTE, locale, 1)
            shown = format_number(limit, locale)
            errors.append(
                _("Plik jest za duży (%(size)s MB), dopuszczalne %(max)s MB.", size=size, max=shown)
            )
        return errors

    def to_json(self, value: Mapping[str, Any] | None, item: Item) -> Json:
        return None if value is None else dict(value)

    def format(self, value: Mapping[str, Any] | None, item: Item, locale: str | None = "pl") -> str:
        if not value:
            return ""
        size = format_number(Decimal(value["size"]) / _MEGABYTE, locale, 1)
        return f"{value['name']} ({size} MB)"

    def expression_value(self, value: Mapping[str, Any] | None, item: Item) -> object:
        return value["name"] if value else None

    def form_data(self, value: object, item: Item, locale: str | None) -> object:
        return None  # a file input cannot be pre-filled; the page lists the stored file

    def build_field(self, item: Item, locale: str | None, rows: int = 0) -> Field:
        extensions = item.extensions or DEFAULT_EXTENSIONS
        return FileField(
            item.label.get(locale),
            description=item.help.get(locale) if item.help else "",
            render_kw={"accept": ",".join(f".{ext}" for ext in extensions)},
        )

    def defaults(self, item_fields: Mapping[str, object]) -> dict[str, object]:
        return {"extensions": DEFAULT_EXTENSIONS, "max_size_mb": DEFAULT_MAX_SIZE_MB}

    def definition_errors(self, item: Item) -> list[str]:
        errors = [
            f"invalid extension {ext!r}" for ext in item.extensions if not _EXTENSION.fullmatch(ext)
        ]
        size = item.max_size_mb
        if size is not None and not 0 < size <= MAX_SIZE_MB_LIMIT:
            errors.append(f"max_size_mb must be between 0 and {MAX_SIZE_MB_LIMIT}")
        return errors


def _valid(raw: Mapping[str, Any]) -> bool:
    name, sha256, size, stored_as = (raw[key] for key in _FIELDS)
    return (
        isinstance(name, str)
        and 0 < len(name) <= 255
        and isinstance(sha256, str)
        and _SHA256.fullmatch(sha256) is not None
        and isinstance(size, int)
        and not isinstance(size, bool)
        and size >= 0
        and isinstance(stored_as, str)
        and 0 < len(stored_as) <= 500
    )
