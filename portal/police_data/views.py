"""Admin pages of Police data: batches, upload -> preview -> confirm, template downloads."""

from __future__ import annotations

import math
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.access import role_required
from portal.core.errors import DomainError
from portal.db import session
from portal.municipalities.gus_files import ImportFailed
from portal.police_data import file_templates, services, staging
from portal.police_data.forms import ConfirmImportForm, UploadForm
from portal.police_data.models import ImportKind

bp = Blueprint("police_data", __name__, url_prefix="/admin/police")

STAFF = ("admin", "reviewer")
MAX_ERRORS_SHOWN = 500


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "police"


def _staged_or_404(token: str) -> staging.StagedFile:
    staged = staging.load(_folder(), token, user_id=current_user.id,
                          secret=current_app.config["SECRET_KEY"])
    if staged is None:
        abort(404)
    return staged


def _render_batches(form: UploadForm | None, status: int = 200):
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = current_app.config.get("PAGE_SIZE", 50)
    listings, total = services.list_batches(page, per_page)
    return render_template(
        "police_data/batches.html", listings=listings, total=total, page=page,
        pages=max(math.ceil(total / per_page), 1), form=form,
    ), status


@bp.get("")
@role_required(*STAFF)
def batches():
    return _render_batches(UploadForm() if current_user.role == "admin" else None)


@bp.post("/uploads")
@role_required("admin")
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_batches(form, 400)
    token = staging.stage(_folder(), form.file.data.read(), file_name=form.file.data.filename,
                          kind=form.kind.data or None, user_id=current_user.id,
                          secret=current_app.config["SECRET_KEY"])
    return redirect(url_for(".preview", token=token))


@bp.get("/uploads/<token>")
@role_required("admin")
def preview(token: str):
    staged = _staged_or_404(token)
    kind = ImportKind(staged.kind) if staged.kind else None
    result = services.preview_import(staged.data, staged.file_name, kind)
    return render_template("police_data/preview.html", preview=result, token=token,
                           form=ConfirmImportForm(), max_errors=MAX_ERRORS_SHOWN)


@bp.post("/uploads/<token>")
@role_required("admin")
def confirm(token: str):
    if not ConfirmImportForm().validate_on_submit():
        abort(400)
    staged = _staged_or_404(token)
    kind = ImportKind(staged.kind) if staged.kind else None
    try:
        result = services.import_file(staged.data, staged.file_name, kind, actor=current_user)
    except ImportFailed as failed:
        session.rollback()
        flash(_("Nic nie zaimportowano: plik ma błędy (%(n)d).", n=len(failed.errors)), "error")
        return redirect(url_for(".preview", token=token))
    except DomainError as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".preview", token=token))
    session.commit()
    staging.discard(staged)
    batch = result.batch
    flash(_("Zaimportowano partię %(id)d: %(rows)d rekordów z pliku „%(name)s”.",
            id=batch.id, rows=batch.rows_count, name=batch.file_name), "success")
    return redirect(url_for(".batches"))


@bp.get("/templates/<kind>.<extension>")
@role_required(*STAFF)
def template(kind: str, extension: str):
    if kind not in file_templates.EXAMPLES or extension not in ("csv", "xlsx"):
        abort(404)
    import_kind = ImportKind(kind)
    if extension == "csv":
        data, mimetype = file_templates.template_csv(import_kind), file_templates.CSV_TYPE
    else:
        data, mimetype = file_templates.template_xlsx(import_kind), file_templates.XLSX_TYPE
    name = file_templates.template_name(import_kind, extension)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
