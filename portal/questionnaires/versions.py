"""Registering questionnaire versions and loading the definition an edition uses."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select

from portal.core.errors import DomainError
from portal.db import session
from portal.questionnaires.definition import Questionnaire
from portal.questionnaires.loader import load_questionnaire
from portal.questionnaires.models import QuestionnaireVersion

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS_DIR = PROJECT_ROOT / "questionnaires"


def definition_path(version: str, root: Path = DEFINITIONS_DIR) -> Path:
    if not version.replace("-", "").replace("_", "").isalnum():
        raise DomainError(_("Niepoprawna nazwa wersji: %(v)s", v=version))
    return root / version / "questionnaire.yaml"


def register_version(version: str, root: Path = DEFINITIONS_DIR) -> QuestionnaireVersion:
    """Snapshot `questionnaires/<version>/questionnaire.yaml` into the database.

    Registering the same file again is a no-op; a changed file under a registered version is
    refused, because answers already point at the old definition.
    """
    path = definition_path(version, root)
    if not path.exists():
        raise DomainError(_("Brak pliku definicji: %(path)s", path=str(path)))
    text = path.read_text(encoding="utf-8")
    loaded = load_questionnaire(text, str(path))
    if loaded.questionnaire.version != version:
        raise DomainError(
            _(
                "Plik %(path)s deklaruje wersję %(found)s, a nie %(v)s.",
                path=str(path),
                found=loaded.questionnaire.version,
                v=version,
            )
        )
    existing = session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.version == version)
    )
    if existing is not None:
        if existing.sha256 != loaded.sha256:
            raise DomainError(
                _(
                    "Wersja %(v)s jest już używana i nie może się zmienić (zapisany SHA-256 "
                    "%(old)s, plik ma %(new)s). Utwórz nową wersję ankiety.",
                    v=version,
                    old=existing.sha256[:12],
                    new=loaded.sha256[:12],
                )
            )
        return existing
    record = QuestionnaireVersion(
        version=version, sha256=loaded.sha256, source_text=text, source_name=path.name
    )
    session.add(record)
    session.flush()
    return record


# Parsed definitions by SHA-256 of their snapshot: a snapshot never changes, so the parsed form
# can live for the process, and the hash alone finds it (the text is loaded only on a miss).
_PARSED: dict[str, Questionnaire] = {}
_PARSED_LIMIT = 16


def definition_for(record: QuestionnaireVersion) -> Questionnaire:
    """The parsed definition of a stored version (from its snapshot, never from the file)."""
    questionnaire = _PARSED.get(record.sha256)
    if questionnaire is None:
        questionnaire = load_questionnaire(
            record.source_text, f"questionnaire {record.version}"
        ).questionnaire
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[record.sha256] = questionnaire
    return questionnaire
