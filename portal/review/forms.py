"""Forms of the review pages; each decision carries the version the page was rendered with."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

COMMENT_LIMIT = 5000


class ActionForm(FlaskForm):
    """Only the CSRF token, for buttons such as "assign to me"."""


class AssignForm(FlaskForm):
    reviewer_id = SelectField(_l("Recenzent"), coerce=int,
                              validators=[InputRequired(_l("Wybierz recenzenta."))])


class VerifyForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(), NumberRange(min=0)])


class QueryForm(FlaskForm):
    version = IntegerField(validators=[InputRequired(), NumberRange(min=0)])
    comment = TextAreaField(_l("Pytanie do gminy"), validators=[
        DataRequired(_l("Wpisz treść pytania: gmina musi wiedzieć, co wyjaśnić lub poprawić.")),
        Length(max=COMMENT_LIMIT)])


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Odpowiedź"), validators=[
        DataRequired(_l("Wpisz treść odpowiedzi.")), Length(max=COMMENT_LIMIT)])


class CloseQueryForm(FlaskForm):
    comment = TextAreaField(_l("Komentarz przy zamknięciu (opcjonalnie)"),
                            validators=[Optional(), Length(max=COMMENT_LIMIT)])


class DecisionForm(FlaskForm):
    lock_version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    comment = TextAreaField(_l("Komentarz (opcjonalnie)"),
                            validators=[Optional(), Length(max=COMMENT_LIMIT)])


class ReopenForm(FlaskForm):
    lock_version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    reason = TextAreaField(_l("Powód ponownego otwarcia"), validators=[
        DataRequired(_l("Podaj powód ponownego otwarcia.")), Length(max=COMMENT_LIMIT)])


class BulkVerifyForm(FlaskForm):
    """The previewed items come as repeated `item` fields "key:version" (read by the view)."""

    lock_version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
