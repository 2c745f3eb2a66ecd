"""Forms of the Police data admin pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, SelectField

from portal.police_data.models import KIND_LABELS


class UploadForm(FlaskForm):
    file = FileField(
        _l("Plik CSV lub XLSX"),
        validators=[FileRequired(_l("Wybierz plik.")),
                    FileAllowed(["csv", "xlsx"], _l("Dozwolone są pliki .csv i .xlsx."))],
    )
    kind = SelectField(
        _l("Rodzaj danych"),
        choices=[SelectChoice("", _l("rozpoznaj z nagłówka pliku")),
                 *(SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items())],
        default="",
    )


class ConfirmImportForm(FlaskForm):
    """Only the CSRF token: confirming imports the staged file."""
