"""Login, logout and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth.forms import LoginForm
from portal.auth.models import User
from portal.auth.services import authenticate, language_after_login, remember_language
from portal.auth.signed_in import SignedInUser, as_signed_in, signed_in_user
from portal.db import session as db_session
from portal.extensions import login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    return signed_in_user(int(user_id))


def safe_next(target: str | None) -> str | None:
    """Only relative paths on this site may be used as a redirect after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user: User | SignedInUser) -> str:
    if user.is_official:
        return url_for("submissions.dashboard")
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            db_session.commit()  # keep the failed-attempt counter
            flash(_("Nieprawidłowy e-mail lub hasło."), "error")
        else:
            chosen = session.get("lang")
            if chosen not in current_app.config["PORTAL_LOCALES"]:
                chosen = None
            language = language_after_login(user, chosen)
            db_session.commit()
            session.clear()  # a fresh session on login defeats session fixation
            if language in current_app.config["PORTAL_LOCALES"]:
                session["lang"] = language
            login_user(as_signed_in(user))
            return redirect(safe_next(form.next.data) or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    language = session.get("lang")
    session.clear()
    if language is not None:  # the login page stays in the language the person reads
        session["lang"] = language
    flash(_("Wylogowano."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code in current_app.config["PORTAL_LOCALES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            remember_language(current_user.record(), code)
            db_session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))
