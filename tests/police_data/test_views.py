"""Admin pages: upload -> preview -> confirm, access by role, CSRF, escaping, templates."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from portal.db import session
from portal.police_data.models import PoliceImportBatch
from portal.police_data.readers import detect_kind, read_file
from portal.police_data.services import import_file
from portal.police_data.spreadsheets import open_file
from tests import factories
from tests.police_data.conftest import CRIME_HEADER, crime_line, csv_bytes

LIST = "/admin/police"


def upload(client, data: bytes, name: str = "policja.csv", kind: str = ""):
    return client.post(f"{LIST}/uploads", data={"file": (io.BytesIO(data), name), "kind": kind},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    return re.search(r"/admin/police/uploads/([^/?\"]+)$", response.headers["Location"]).group(1)


@pytest.fixture
def admin_client(client, pilot):
    factories.login(client, factories.admin())
    return client


def test_admin_uploads_previews_and_confirms_an_import(admin_client, crime_csv):
    uploaded = upload(admin_client, crime_csv([crime_line(), crime_line(teryt="3021092")]))
    assert uploaded.status_code == 302
    token = token_of(uploaded)

    page = admin_client.get(f"{LIST}/uploads/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Podgląd importu" in html and "Importuj dane" in html
    assert "dopasowano po pierwszych sześciu cyfrach" in html  # the note on 3021092
    assert session.scalar(select(PoliceImportBatch)) is None  # previewing writes nothing

    confirmed = admin_client.post(f"{LIST}/uploads/{token}")

    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith(LIST)
    batch = session.scalar(select(PoliceImportBatch))
    assert batch.rows_count == 2 and batch.imported_by.role == "admin"
    listing = admin_client.get(LIST).get_data(as_text=True)
    assert "policja.csv" in listing and batch.sha256[:16] in listing and "bieżąca" in listing
    # The staged file is gone: the token cannot be confirmed twice.
    assert admin_client.post(f"{LIST}/uploads/{token}").status_code == 404


def test_preview_lists_each_error_and_offers_no_import(admin_client):
    data = csv_bytes(CRIME_HEADER, [crime_line(confirmed="abc"), crime_line(teryt="9999992")])
    token = token_of(upload(admin_client, data))

    html = admin_client.get(f"{LIST}/uploads/{token}").get_data(as_text=True)

    assert "nic nie zostanie zaimportowane" in html
    assert "przestepstwa_stwierdzone" in html and "9999992" in html
    assert "Importuj dane" not in html
    assert admin_client.post(f"{LIST}/uploads/{token}").status_code == 302
    assert session.scalar(select(PoliceImportBatch)) is None


def test_file_content_is_escaped_on_the_preview(admin_client):
    data = csv_bytes(CRIME_HEADER, [crime_line(category="<script>alert(1)</script>")])
    token = token_of(upload(admin_client, data))

    html = admin_client.get(f"{LIST}/uploads/{token}").get_data(as_text=True)

    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_upload_without_a_file_or_with_a_wrong_extension_shows_the_form_errors(admin_client):
    assert upload(admin_client, b"x", name="policja.exe").status_code == 400
    response = admin_client.post(f"{LIST}/uploads", data={"kind": ""})
    assert response.status_code == 400 and "Wybierz plik" in response.get_data(as_text=True)


def test_a_token_of_another_admin_or_a_forged_one_is_404(client, pilot, crime_csv):
    factories.login(client, factories.admin())
    token = token_of(upload(client, crime_csv()))
    client.post("/logout")
    factories.login(client, factories.admin())

    assert client.get(f"{LIST}/uploads/{token}").status_code == 404
    assert client.get(f"{LIST}/uploads/{token[:-2]}xx").status_code == 404


def test_the_chosen_kind_overrides_detection(admin_client, crime_csv):
    token = token_of(upload(admin_client, crime_csv(), kind="kmzb"))
    html = admin_client.get(f"{LIST}/uploads/{token}").get_data(as_text=True)
    assert "Brak kolumny category_code" in html


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", LIST), ("post", f"{LIST}/uploads"), ("get", f"{LIST}/uploads/abc"),
     ("post", f"{LIST}/uploads/abc"), ("get", f"{LIST}/templates/crime.csv")],
)
def test_officials_get_403_on_every_page(client, pilot, method, path):
    factories.login(client, factories.official())
    assert getattr(client, method)(path).status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", LIST, 200), ("get", f"{LIST}/templates/kmzb.xlsx", 200),
     ("post", f"{LIST}/uploads", 403), ("get", f"{LIST}/uploads/abc", 403),
     ("post", f"{LIST}/uploads/abc", 403)],
)
def test_reviewers_may_view_but_not_import(client, pilot, method, path, status):
    factories.login(client, factories.reviewer())
    assert getattr(client, method)(path).status_code == status


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_reviewers_see_the_list_without_the_upload_form(client, pilot):
    factories.login(client, factories.reviewer())
    html = client.get(LIST).get_data(as_text=True)
    assert "Dane Policji" in html and 'enctype="multipart/form-data"' not in html


def test_upload_and_confirm_need_a_csrf_token(csrf_client, pilot, crime_csv):
    user = factories.admin()
    page = csrf_client.get("/login").get_data(as_text=True)
    login_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    csrf_client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                     "csrf_token": login_token})

    assert upload(csrf_client, crime_csv()).status_code == 400
    assert csrf_client.post(f"{LIST}/uploads/abc").status_code == 400
    assert session.scalar(select(PoliceImportBatch)) is None


def test_demo_batches_are_labelled_on_the_list(admin_client, crime_csv):
    import_file(crime_csv(), "demo.csv", is_demo=True)
    html = admin_client.get(LIST).get_data(as_text=True)
    assert "dane demonstracyjne" in html


def test_the_batch_list_is_paginated(admin_client, crime_csv, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for confirmed in (1, 2, 3):
        import_file(crime_csv([crime_line(confirmed=str(confirmed), detected="0")]),
                    f"v{confirmed}.csv")

    first = admin_client.get(LIST).get_data(as_text=True)
    second = admin_client.get(f"{LIST}?page=2").get_data(as_text=True)

    assert "v3.csv" in first and "v1.csv" not in first and "strona 1 z 2" in first
    assert "v1.csv" in second and "v3.csv" not in second


@pytest.mark.parametrize(("kind", "extension"),
                         [("crime", "csv"), ("crime", "xlsx"), ("kmzb", "csv"), ("kmzb", "xlsx")])
def test_downloaded_templates_read_back_as_valid_files(admin_client, kind, extension):
    response = admin_client.get(f"{LIST}/templates/{kind}.{extension}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]

    raw = open_file(response.data, f"wzor.{extension}")
    parsed = read_file(raw, detect_kind(raw))

    assert parsed.kind == kind and len(parsed.rows) == 1 and not parsed.errors


def test_an_unknown_template_is_404(admin_client):
    assert admin_client.get(f"{LIST}/templates/bdl.csv").status_code == 404
    assert admin_client.get(f"{LIST}/templates/crime.pdf").status_code == 404
