"""The administrators' outbox: every notification, its delivery status, and a retry for failures."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.core.access import role_required
from portal.db import session
from portal.notifications import services
from portal.notifications.models import STATUS_LABELS, OutboxMessage, OutboxStatus

bp = Blueprint("notifications", __name__)


@bp.route("/admin/outbox")
@role_required("admin")
def outbox():
    status = request.args.get("status", "")
    if status not in {s.value for s in OutboxStatus}:
        status = ""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = current_app.config["PAGE_SIZE"]
    messages, total = services.outbox_page(status=status or None, page=page, per_page=per_page)
    pages = max((total + per_page - 1) // per_page, 1)
    if page > pages:
        abort(404)
    return render_template("notifications/outbox.html", messages=messages, total=total,
                           page=page, pages=pages, status=status, statuses=STATUS_LABELS)


@bp.route("/admin/outbox/<int:message_id>")
@role_required("admin")
def show(message_id: int):
    message = session.get(OutboxMessage, message_id) or abort(404)
    return render_template("notifications/message.html", message=message)


@bp.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@role_required("admin")
def retry(message_id: int):
    message = session.get(OutboxMessage, message_id) or abort(404)
    if not message.can_retry:
        flash(_("Ponowić można tylko wiadomość, której nie udało się wysłać."), "error")
        return redirect(url_for(".show", message_id=message.id))
    services.retry(message)
    session.commit()  # delivery happens after this commit
    if message.status == OutboxStatus.SENT:
        flash(_("Wiadomość została wysłana."), "success")
    elif message.status == OutboxStatus.LOGGED:
        flash(_("Serwer poczty nie jest skonfigurowany: wiadomość zapisano tylko w dzienniku."),
              "warning")
    else:
        flash(_("Ponowna wysyłka nie powiodła się: %(error)s", error=message.error or ""),
              "error")
    return redirect(url_for(".show", message_id=message.id))
