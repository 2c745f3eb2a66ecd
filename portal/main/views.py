"""The home page: sends each user where their work is."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from portal.core.read_only import reads_only

bp = Blueprint("main", __name__)


@bp.route("/")
@reads_only
def index():
    if current_user.is_authenticated and current_user.is_official:
        return redirect(url_for("submissions.dashboard"))
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}
