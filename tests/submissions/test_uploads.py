"""Evidence files: checked by type and content, stored outside the web root, sent only to
the people who may see the submission."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from portal.db import session
from portal.submissions.models import Answer
from tests import factories
from tests.submissions.conftest import revisions_token, section_url

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, submission, section, files: dict):
    url = section_url(submission, section)
    token = revisions_token(client.get(url).get_data(as_text=True))
    data = {"_revisions": token, **{k: (io.BytesIO(v[1]), v[0]) for k, v in files.items()}}
    return client.post(url, data=data, content_type="multipart/form-data")


def test_pdf_is_stored_and_downloaded_by_the_gmina_as_an_attachment(logged_in, submission, app):
    response = _upload(logged_in, submission, "budget",
                       {"budget_rb28s_file": ("Rb-28S.pdf", PDF)})
    assert response.status_code == 302

    meta = session.scalar(select(Answer.value).where(Answer.item_key == "budget_rb28s_file"))
    assert meta["name"] == "Rb-28S.pdf" and meta["size"] == len(PDF)
    stored = Path(app.config["UPLOAD_FOLDER"]) / meta["stored_as"]
    assert stored.read_bytes() == PDF
    assert "static" not in stored.parts  # never inside the web root
    download = logged_in.get(f"/submissions/{submission.id}/files/budget_rb28s_file")
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_file_whose_content_is_not_what_its_extension_says_is_refused(logged_in, submission):
    response = _upload(logged_in, submission, "budget",
                       {"budget_rb28s_file": ("rb28s.pdf", b"MZ\x90\x00 this is an exe")})
    assert response.status_code == 422
    assert "nie odpowiada rozszerzeniu" in response.get_data(as_text=True)
    assert session.scalar(select(Answer).where(Answer.item_key == "budget_rb28s_file")) is None


def test_disallowed_extension_is_refused_with_the_allowed_list(logged_in, submission):
    response = _upload(logged_in, submission, "budget",
                       {"budget_rb28s_file": ("script.html", b"<script>alert(1)</script>")})
    assert response.status_code == 422
    assert "niedozwolony typ pliku" in response.get_data(as_text=True).lower()


def test_evidence_document_is_attached_to_an_answer(logged_in, submission):
    response = _upload(logged_in, submission, "cctv",
                       {"cctv_signage__evidence": ("tablica.pdf", PDF)})
    assert response.status_code == 302
    answer = session.scalar(select(Answer).where(Answer.item_key == "cctv_signage"))
    assert answer.evidence["name"] == "tablica.pdf"
    download = logged_in.get(f"/submissions/{submission.id}/evidence/cctv_signage")
    assert download.data == PDF


def test_another_gminas_official_cannot_download_the_file(app, logged_in, submission):
    _upload(logged_in, submission, "budget", {"budget_rb28s_file": ("Rb-28S.pdf", PDF)})
    stranger = factories.official(factories.pilot_gmina("302101"))
    other = app.test_client()
    factories.login(other, stranger)
    assert other.get(f"/submissions/{submission.id}/files/budget_rb28s_file").status_code == 404
