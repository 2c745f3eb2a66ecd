"""Error pages and the domain exception base class."""

from __future__ import annotations

from flask import Flask, render_template


class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user as is."""


def register_error_pages(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _render_error)


def _render_error(error):
    code = getattr(error, "code", 500) or 500
    return render_template("errors/error.html", code=code), code
