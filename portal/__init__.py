"""Gmina Bezpieczna portal: the application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, session
from flask_babel import lazy_gettext as _l

from portal import db
from portal.config import load_config
from portal.extensions import babel, csrf, login_manager


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides PORTAL_* settings (tests pass the database URL here)."""
    app = Flask(__name__, instance_relative_config=True)
    instance = Path(app.instance_path)
    app.config.update(load_config(instance))
    if config:
        app.config.update(config)
    logging.basicConfig(level=logging.INFO)

    from portal.core.session_cookie import SessionCookie

    app.session_interface = SessionCookie()
    _init_database(app)
    from portal.notifications.services import send_after_commit

    send_after_commit(db.session)  # e-mails go out only after the change is committed
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_template_helpers(app)
    _register_security_headers(app)

    from portal.core.errors import register_error_pages

    register_error_pages(app)
    return app


def _init_database(app: Flask) -> None:
    # Tests bind the session themselves (to a connection inside a rolled-back transaction).
    if app.config.get("PORTAL_SESSION_BOUND_EXTERNALLY"):
        return
    engine = db.make_engine(app.config["SQLALCHEMY_DATABASE_URL"])
    app.extensions["portal_engine"] = engine
    db.session.remove()
    db.session.configure(bind=engine)

    @app.teardown_appcontext
    def _remove_session(_exc):
        db.session.remove()


def _select_locale() -> str:
    from flask import current_app, has_request_context

    if not has_request_context():  # CLI commands speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = session.get("lang")
    if lang in current_app.config["PORTAL_LOCALES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_extensions(app: Flask) -> None:
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    from portal.core.i18n import template_gettext, template_ngettext

    # `_` straight to our gettext: Jinja's i18n alias would look `gettext` up again per call.
    app.jinja_env.globals.update(gettext=template_gettext, ngettext=template_ngettext,
                                 _=template_gettext)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Zaloguj się, aby zobaczyć tę stronę.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"


def _register_blueprints(app: Flask) -> None:
    from portal.auth.views import bp as auth_bp
    from portal.main.views import bp as main_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.police_data.views import bp as police_data_bp
    from portal.public.views import bp as public_bp
    from portal.review.views import bp as review_bp
    from portal.scoring.views import bp as scoring_bp
    from portal.submissions.views import bp as submissions_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(submissions_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(police_data_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(scoring_bp)


def _register_cli(app: Flask) -> None:
    from portal.cli import portal_cli

    app.cli.add_command(portal_cli)


def _register_template_helpers(app: Flask) -> None:
    from portal.core import formatting, read_only, urls

    urls.install(app)
    read_only.install(app)
    app.jinja_env.filters["money"] = formatting.money
    app.jinja_env.filters["number"] = formatting.number
    app.jinja_env.filters["datetime"] = formatting.local_datetime
    app.jinja_env.filters["date"] = formatting.local_date

    from portal.core.csrf import csrf_token

    # Flask-WTF's context processor offers its own csrf_token(); this one, run after it, wins.
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.context_processor
    def _inject():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale()), "csrf_token": csrf_token}


# Scripts and styles come only from this site; inline styles are allowed because the server-side
# SVG charts and progress bars set widths and colours in style attributes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
