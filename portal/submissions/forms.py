"""Forms of the official's journey (the section forms are built from the definition)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from portal.submissions.section_page import SectionPage  # noqa: F401  (re-exported for views)


class DeclarationForm(FlaskForm):
    name = StringField(_l("Imię i nazwisko osoby składającej oświadczenie"),
                       validators=[DataRequired(_l("Podaj imię i nazwisko.")), Length(max=200)])
    position = StringField(_l("Stanowisko"),
                           validators=[DataRequired(_l("Podaj stanowisko.")), Length(max=200)])
    accept = BooleanField(
        _l("Oświadczam, że dane podane w ankiecie są zgodne z prawdą i ze stanem faktycznym."),
        validators=[DataRequired(_l("Potwierdź oświadczenie."))],
    )


class SimpleActionForm(FlaskForm):
    """A form with only the CSRF token, for buttons that post an action."""
