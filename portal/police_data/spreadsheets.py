"""Opening an uploaded CSV or XLSX safely into plain rows of cells; no validation of content.

Everything here guards the server: the size of the file, the unpacked size of an XLSX (a zip
bomb), the number of rows and columns, and a file that is not what its extension says.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from portal.municipalities.gus_files import ImportFailed, ImportIssue, undecodable_at

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ROWS = 100_000
MAX_COLUMNS = 400

Value = str | int | float | date | datetime | None

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


@dataclass
class Grid:
    """The non-blank rows of one sheet (or of the CSV) as (line, cells); line 1 is the first."""

    name: str
    rows: list[tuple[int, list[Value]]] = field(default_factory=list)


@dataclass
class RawFile:
    """The sheets of a file in their order; a CSV has one sheet named ""."""

    format: str  # "csv" or "xlsx"
    sheets: dict[str, Grid]

    @property
    def first(self) -> Grid:
        return next(iter(self.sheets.values()))


def fail(message: str, line: int = 1, column: str = "") -> ImportFailed:
    return ImportFailed([ImportIssue(line, column, message)])


def open_file(data: bytes, file_name: str) -> RawFile:
    """Read `data` as the format its extension names; raise `ImportFailed` if it is not one."""
    if len(data) > MAX_FILE_BYTES:
        raise fail(_("Plik ma %(mb).1f MB; największy dopuszczalny to %(max)d MB.",
                     mb=len(data) / 2**20, max=MAX_FILE_BYTES // 2**20), line=0)
    if not data.strip():
        raise fail(_("Plik jest pusty."), line=0)
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension == "xlsx":
        return RawFile("xlsx", read_xlsx(data))
    if extension in ("csv", "txt"):
        return RawFile("csv", {"": read_csv(data)})
    raise fail(_("Nieobsługiwany typ pliku „%(name)s”: prześlij plik .csv albo .xlsx.",
                 name=file_name), line=0)


# -- CSV ----------------------------------------------------------------------------------------


def read_csv(data: bytes) -> Grid:
    """The rows of a `;`- or `,`-separated UTF-8 file (with or without BOM)."""
    if data.startswith(_ZIP_MAGIC):
        raise fail(_("Plik .csv jest w rzeczywistości arkuszem XLSX (archiwum ZIP); zmień jego "
                     "rozszerzenie na .xlsx."), line=0)
    if data.startswith(_OLE_MAGIC) or b"\x00" in data[:65536]:
        raise fail(_("Plik .csv zawiera dane binarne, a nie tekst CSV. Zapisz dane jako "
                     "„CSV UTF-8” albo jako skoroszyt .xlsx."), line=0)
    text = decode(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = Grid("")
    try:
        for values in reader:
            if not "".join(values).strip():
                continue
            if len(values) > MAX_COLUMNS:
                raise fail(_("Wiersz ma więcej niż %(max)d kolumn.", max=MAX_COLUMNS),
                           line=reader.line_num)
            grid.rows.append((reader.line_num, list(values)))
            if len(grid.rows) > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as exc:
        raise fail(_("Błąd składni CSV: %(error)s.", error=str(exc)), line=reader.line_num) from exc
    return grid


def sniff_delimiter(text: str) -> str:
    """`;` (GUS, Polish Excel) or `,`, whichever the header line uses more."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return "," if header.count(",") > header.count(";") else ";"


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, or fail naming the line and column of the first bad byte.

    Like the GUS readers, we refuse to guess Windows-1250: nearly any bytes decode as cp1250, so
    a wrong guess would corrupt names silently; the message tells the user how to re-save.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        header = data.split(b"\n", 1)[0].decode("cp1250", "replace")
        line, column, cp1250 = undecodable_at(data, exc, sniff_delimiter(header))
        if cp1250:
            message = _(
                "Plik nie jest zapisany w UTF-8 (prawdopodobnie Windows-1250, jak zapisuje Excel "
                "„CSV (rozdzielany przecinkami)”). Zapisz go jako „CSV UTF-8” albo jako .xlsx."
            )
        else:
            message = _("Plik nie jest zapisany w UTF-8. Zapisz go jako „CSV UTF-8”.")
        raise ImportFailed([ImportIssue(line, column, message)]) from exc


def _too_many_rows() -> ImportFailed:
    return fail(_("Plik ma więcej niż %(max)d wierszy danych; podziel go na mniejsze pliki.",
                  max=MAX_ROWS), line=MAX_ROWS + 2)


# -- XLSX ---------------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> dict[str, Grid]:
    """Every sheet of a workbook, values only (formulas are not evaluated: cached values)."""
    if not data.startswith(_ZIP_MAGIC):
        if data.startswith(_OLE_MAGIC):
            message = _("To plik w starym formacie .xls, a nie .xlsx; zapisz go jako .xlsx.")
        else:
            message = _("Plik .xlsx nie jest skoroszytem Excela (nie jest archiwum ZIP).")
        raise fail(message, line=0)
    check_zip(data)
    from openpyxl import load_workbook  # heavy import, only when a workbook is uploaded

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise fail(_("Nie udało się odczytać skoroszytu: %(error)s.", error=type(exc).__name__),
                   line=0) from exc
    try:
        sheets: dict[str, Grid] = {}
        total = 0
        for sheet in workbook.worksheets:
            grid = _read_sheet(sheet, MAX_ROWS + 1 - total)
            total += len(grid.rows)
            sheets[sheet.title] = grid
    finally:
        workbook.close()
    if not sheets:
        raise fail(_("Skoroszyt nie zawiera arkuszy."), line=0)
    return sheets


def check_zip(data: bytes) -> None:
    """Refuse a workbook whose parts would unpack to more than the limit (a zip bomb).

    zipfile stops decompressing an entry at its declared size, so the declared sizes checked here
    bound what openpyxl can unpack.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise fail(_("Plik .xlsx jest uszkodzony (niepoprawne archiwum ZIP)."), line=0) from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise fail(_("Skoroszyt ma zbyt wiele części (%(n)d).", n=len(entries)), line=0)
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise fail(_("Skoroszyt po rozpakowaniu zajmowałby %(mb)d MB; limit to %(max)d MB.",
                     mb=unpacked // 2**20, max=MAX_UNPACKED_BYTES // 2**20), line=0)
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise fail(_("Archiwum ZIP nie jest skoroszytem .xlsx (brak xl/workbook.xml)."), line=0)


def _read_sheet(sheet, max_rows: int) -> Grid:
    # A sheet's declared dimension may claim 16 384 columns; ignore it and read actual cells.
    sheet.reset_dimensions()
    grid = Grid(sheet.title)
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = list(values)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        if not cells or all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if len(cells) > MAX_COLUMNS:
            raise fail(_("Arkusz „%(sheet)s” ma więcej niż %(max)d kolumn.",
                         sheet=sheet.title, max=MAX_COLUMNS), line=line)
        grid.rows.append((line, cells))
        if len(grid.rows) > max_rows:
            raise _too_many_rows()
    return grid
