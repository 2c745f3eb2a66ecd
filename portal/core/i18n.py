"""Template gettext with the request's translations looked up once per request and locale.

Flask-Babel's template callables resolve the domain, the locale and its catalogue again on every
`_()` (about 15 µs each); the review page calls `_()` about a thousand times. These do the same
with the catalogue kept on `g`, checked against the current locale (so `force_locale` still
switches language), and format exactly as Jinja's new-style gettext does.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from flask import g, has_app_context
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def translations():
    """The current locale's catalogue, looked up once per request (and per forced locale)."""
    if not has_app_context():  # Flask-Babel's null translations
        return get_translations()
    # One trip through the `g` proxy, not three: a page asks this dozens of times.
    request_globals = g._get_current_object()
    # Flask-Babel keeps the request's locale (and a forced one) on g._flask_babel; reading it
    # there costs one lookup where get_locale() costs four.
    state = getattr(request_globals, "_flask_babel", None)
    locale = getattr(state, "babel_locale", None) or get_locale()
    cached = getattr(request_globals, "_portal_translations", None)
    if cached is None or cached[0] is not locale:
        cached = request_globals._portal_translations = (locale, get_translations())
    return cached[1]


def text_gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext (plain text) with the request's catalogue looked up once: for
    messages made many times a page, such as the review page's flags."""
    text = translations().ugettext(string)
    return text % variables if variables else text


@pass_context
def template_gettext(context: Context, string: str, **variables: Any) -> str:
    if context.eval_ctx.autoescape:
        return html_gettext(string, **variables)
    text = translations().ugettext(string)
    return text % variables if variables or "%" in text else text


# Catalogue -> message -> its translation as Markup, for messages without variables: a page
# asks for the same few dozen again and again. Catalogues live as long as the app (Flask-Babel
# caches them per locale), so this stays small.
_PLAIN: WeakKeyDictionary[Any, dict[str, Markup]] = WeakKeyDictionary()


def html_gettext(string: str, **variables: Any) -> Markup:
    """The translation as HTML with `variables` escaped: what `{{ _(...) }}` gives a template,
    for markup written in Python."""
    catalog = translations()
    if not variables:
        plain = _PLAIN.get(catalog)
        if plain is None:
            plain = _PLAIN[catalog] = {}
        text = plain.get(string)
        if text is None:
            text = Markup(catalog.ugettext(string))
            if "%" in text:
                text = text % {}  # always a format string, as in Jinja's new-style gettext
            plain[string] = text
        return text
    return Markup(catalog.ugettext(string)) % variables


@pass_context
def template_ngettext(context: Context, singular: str, plural: str, num: int,
                      **variables: Any) -> str:
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables
