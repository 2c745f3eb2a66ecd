"""Forms of the scoring admin pages and of the right of reply."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class StartRunForm(FlaskForm):
    edition = SelectField(_l("Edycja"), coerce=int, validators=[InputRequired()])
    draws = IntegerField(_l("Liczba losowań analizy niepewności"),
                         validators=[Optional(), NumberRange(min=0, max=10000)])
    notes = TextAreaField(_l("Notatka"), validators=[Optional(), Length(max=2000)])


class DeadlineForm(FlaskForm):
    reply_deadline = DateField(_l("Zastrzeżenia można zgłaszać do (włącznie)"),
                               validators=[Optional()])


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the confirmation page's button."""


class DiscardForm(FlaskForm):
    """Discarding a draft cannot be undone: the admin ticks that they understand."""

    confirm = BooleanField(
        _l("Rozumiem, że projekt i jego wyniki zostaną trwale usunięte."),
        validators=[DataRequired(_l("Potwierdź, że chcesz odrzucić projekt."))])


class ObjectionForm(FlaskForm):
    indicator = SelectField(_l("Czego dotyczy zastrzeżenie"), validators=[Optional()])
    comment = TextAreaField(_l("Opis zastrzeżenia"),
                            validators=[DataRequired(_l("Opisz zastrzeżenie.")),
                                        Length(max=5000)])
    evidence = FileField(_l("Dokument potwierdzający (opcjonalnie)"))


class ResolveForm(FlaskForm):
    decision = RadioField(_l("Rozstrzygnięcie"),
                          choices=[SelectChoice("accept",
                                                _l("uwzględnij: ponownie otwórz ankietę gminy")),
                                   SelectChoice("reject", _l("odrzuć"))],
                          validators=[InputRequired(_l("Wybierz rozstrzygnięcie."))])
    resolution = TextAreaField(_l("Uzasadnienie"),
                               validators=[DataRequired(_l("Podaj uzasadnienie.")),
                                           Length(max=5000)])
