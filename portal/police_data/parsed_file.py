"""What a reader returns for any kind of import file: its validated rows and its problems."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.municipalities.gus_files import Problems
from portal.police_data.models import ImportKind


@dataclass
class ParsedFile:
    """Validated rows of one file, with what was wrong (errors) or worth knowing (notes)."""

    kind: ImportKind
    rows: list = field(default_factory=list)
    rows_read: int = 0
    duplicates: int = 0
    errors: Problems = field(default_factory=Problems)
    notes: Problems = field(default_factory=Problems)
