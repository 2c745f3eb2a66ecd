"""Loading and validating a questionnaire YAML file, reporting every problem with its line."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.questionnaires.definition import Item, Questionnaire, Section
from portal.questionnaires.item_reader import Invalid, ItemReader, Problems, read_key, read_text
from portal.questionnaires.references import cycle_errors, reference_errors
from portal.questionnaires.yaml_source import YamlMap, YamlProblem, read_yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
MIN_YEAR, MAX_YEAR = 2000, 2100
VERSION_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,31}", re.ASCII)
TOP_KEYS = frozenset({"version", "reference_year", "title", "sections"})
SECTION_KEYS = frozenset({"key", "title", "description", "items"})


@dataclass(frozen=True)
class DefinitionError:
    line: int | None
    key: str | None  # the item or section concerned; None for the file as a whole
    message: str

    def describe(self, source_name: str) -> str:
        """`PATH:LINE: [key] message`, the form editors and CI jump to."""
        where = f"{source_name}:{self.line}:" if self.line else f"{source_name}:"
        return f"{where} [{self.key}] {self.message}" if self.key else f"{where} {self.message}"


class QuestionnaireInvalid(Exception):
    """The file has problems; `errors` lists all of them, in file order."""

    def __init__(self, errors: list[DefinitionError], source_name: str = "<questionnaire>"):
        super().__init__(f"{len(errors)} problem(s) in {source_name}")
        self.errors = errors
        self.source_name = source_name

    def __str__(self) -> str:
        lines = [f"{self.source_name} has {len(self.errors)} problem(s):"]
        lines += [error.describe(self.source_name) for error in self.errors]
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadedQuestionnaire:
    questionnaire: Questionnaire
    sha256: str  # of the exact UTF-8 bytes, recorded with every edition that uses the version
    text: str


def load_questionnaire(text: str, source_name: str = "<questionnaire>") -> LoadedQuestionnaire:
    """Parse and validate; raises QuestionnaireInvalid listing every problem found."""
    problems = Problems()
    questionnaire = _read(text, problems)
    if problems.entries or questionnaire is None:
        errors = [DefinitionError(*entry) for entry in problems.entries]
        errors.sort(key=lambda error: error.line or 0)
        raise QuestionnaireInvalid(errors, source_name)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedQuestionnaire(questionnaire, digest, text)


def load_questionnaire_file(path: str | Path) -> LoadedQuestionnaire:
    """Load `questionnaires/<version>/questionnaire.yaml`; the version must match the folder."""
    path = Path(path)
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        problem = DefinitionError(None, None, f"file larger than {MAX_FILE_BYTES} bytes")
        raise QuestionnaireInvalid([problem], str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = DefinitionError(None, None, f"not UTF-8 text: {error}")
        raise QuestionnaireInvalid([problem], str(path)) from None
    loaded = load_questionnaire(text, str(path))
    version = loaded.questionnaire.version
    if version != path.parent.name:
        message = f"version {version!r} must equal the folder name {path.parent.name!r}"
        raise QuestionnaireInvalid([DefinitionError(1, None, message)], str(path))
    return loaded


def _read(text: str, problems: Problems) -> Questionnaire | None:
    try:
        data, duplicates = read_yaml(text)
    except YamlProblem as error:
        problems.add(error.line, None, error.message)
        return None
    for line, message in duplicates:
        problems.add(line, None, message)
    if not isinstance(data, YamlMap):
        problems.add(1, None, "the file must be a mapping with version, reference_year, ...")
        return None
    return _document(data, problems)


def _document(data: YamlMap, problems: Problems) -> Questionnaire | None:
    for name in sorted(set(map(str, data)) - TOP_KEYS):
        problems.add(data.line_of(name), None, f"unknown key {name!r}")
    for name in sorted(TOP_KEYS - set(data)):
        problems.add(1, None, f"missing required key {name!r}")
    version = _version(data, problems)
    reference_year = _reference_year(data, problems)
    title = _field(data, "title", read_text, None, problems)
    reader = ItemReader(problems, reference_year or MAX_YEAR)
    sections = _sections(data, reader, problems)
    _check_duplicates(sections, reader, problems)
    if None in (version, reference_year, title):
        return None
    return Questionnaire(version, reference_year, title, sections)  # type: ignore[arg-type]


def _version(data: YamlMap, problems: Problems) -> str | None:
    raw = data.get("version")
    if isinstance(raw, str) and VERSION_PATTERN.fullmatch(raw):
        return raw
    if "version" in data:
        hint = ' (quote it: version: "2018")' if isinstance(raw, int) else ""
        problems.add(data.line_of("version"), None, f"version must be a short text{hint}")
    return None


def _reference_year(data: YamlMap, problems: Problems) -> int | None:
    raw = data.get("reference_year")
    if isinstance(raw, int) and not isinstance(raw, bool) and MIN_YEAR <= raw <= MAX_YEAR:
        return raw
    if "reference_year" in data:
        message = f"reference_year must be a year between {MIN_YEAR} and {MAX_YEAR}"
        problems.add(data.line_of("reference_year"), None, message)
    return None


def _field(
    data: YamlMap, name: str, reader: Callable[[object], Any], key: str | None, problems: Problems
) -> Any:
    """Read data[name] with reader; record and return None when missing or invalid."""
    if name not in data:
        return None
    try:
        return reader(data[name])
    except Invalid as error:
        problems.add(data.line_of(name), key, f"{name}: {error}")
        return None


def _sections(data: YamlMap, reader: ItemReader, problems: Problems) -> tuple[Section, ...]:
    raw = data.get("sections")
    if "sections" in data and (not isinstance(raw, list) or not raw):
        problems.add(data.line_of("sections"), None, "sections must be a non-empty list")
        return ()
    sections = []
    for number, entry in enumerate(raw or [], start=1):
        section = _section(entry, number, data.line_of("sections"), reader, problems)
        if section is not None:
            sections.append(section)
    return tuple(sections)


def _section(
    raw: object, number: int, line: int, reader: ItemReader, problems: Problems
) -> Section | None:
    label = f"section {number}"
    if not isinstance(raw, YamlMap):
        problems.add(line, label, "a section must be a mapping with key, title and items")
        return None
    key = _field(raw, "key", read_key, label, problems) or label
    for name in sorted(set(map(str, raw)) - SECTION_KEYS):
        problems.add(raw.line_of(name), key, f"unknown key {name!r} in a section")
    for name in sorted({"key", "title", "items"} - set(raw)):
        problems.add(raw.line, key, f"missing required key {name!r}")
    title = _field(raw, "title", read_text, key, problems)
    description = _field(raw, "description", read_text, key, problems)
    items = _items(raw, key, reader, problems)
    if title is None:
        return None
    return Section(key, title, items, description, raw.line)


def _items(raw: YamlMap, key: str, reader: ItemReader, problems: Problems) -> tuple[Item, ...]:
    entries = raw.get("items")
    if "items" in raw and (not isinstance(entries, list) or not entries):
        problems.add(raw.line_of("items"), key, "items must be a non-empty list")
        return ()
    items = (
        reader.read(entry, raw.line_of("items"), f"{key}.items[{number}]")
        for number, entry in enumerate(entries or [], start=1)
    )
    return tuple(item for item in items if item is not None)


def _check_duplicates(
    sections: tuple[Section, ...], reader: ItemReader, problems: Problems
) -> None:
    """Duplicate keys, then references between the items (which need unique keys)."""
    seen_sections: set[str] = set()
    for section in sections:
        if section.key in seen_sections:
            problems.add(section.line, section.key, "duplicate section key")
        seen_sections.add(section.key)
    first_line: dict[str, int | None] = {}
    for key, line in reader.top_level_keys:  # includes items too broken to build
        if key in first_line:
            problems.add(line, key, f"duplicate item key (first used on line {first_line[key]})")
        first_line.setdefault(key, line)
    items: dict[str, Item] = {}
    for section in sections:
        for item in section.items:
            items.setdefault(item.key, item)
    for item, field, message in [*reference_errors(items), *cycle_errors(items)]:
        problems.add(item.lines.get(field, item.line), item.key, message)
