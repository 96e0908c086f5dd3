"""Documents on sources: upload (API, admin, command), storage by hash, download with the source's
visibility, text extraction, verified excerpts and the integrity check."""

import hashlib
import io
import time
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from cases.tests.factories import CitationFactory, SourceFactory
from casetracker.choices import Confidentiality
from casetracker.problems import errors_by_field
from sources.extraction import detect_media_type, ocr_languages
from sources.models import Citation, Document, documents_storage
from sources.services import document_add, document_prepare, match_key

from .pdf import make_pdf

pytestmark = pytest.mark.django_db

VERDICT = (
    "The Mangystau regional court found the defendant guilty of organising mass unrest.\n"
    "He was sentenced to seven years’ imprisonment in a general-regime colony.\n"
)


def upload(client, source, data: bytes, name="verdict.txt"):
    return client.post(
        f"/api/v1/sources/{source.pk}/documents/", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )


def add(source, data: bytes, name="verdict.txt", user=None) -> Document:
    return document_add(source=source, prepared=document_prepare(io.BytesIO(data), name=name), user=user)


@pytest.fixture
def staff_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


# -- upload --------------------------------------------------------------------------------------------


def test_api_upload_stores_the_file_with_its_hash_type_size_name_and_text(staff_client, staff_user):
    source = SourceFactory()
    response = upload(staff_client, source, VERDICT.encode(), name="приговор.txt")
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get(pk=body["id"])
    assert body["sha256"] == hashlib.sha256(VERDICT.encode()).hexdigest() == document.sha256
    assert body["size"] == len(VERDICT.encode())
    assert body["media_type"] == "text/plain"
    assert body["original_name"] == "приговор.txt"
    assert document.added_by == staff_user
    assert "seven years’ imprisonment" in document.text
    assert document.file.name == f"documents/{document.sha256[:2]}/{document.sha256[2:4]}/{document.sha256}"
    assert documents_storage().open(document.file.name).read() == VERDICT.encode()
    assert response["Location"].endswith(f"/api/v1/documents/{document.pk}/")


def test_the_same_bytes_twice_on_a_source_answer_with_the_existing_document(staff_client):
    source = SourceFactory()
    first = upload(staff_client, source, VERDICT.encode())
    again = upload(staff_client, source, VERDICT.encode(), name="copy.txt")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Document.objects.filter(source=source).count() == 1


def test_the_same_bytes_on_two_sources_are_stored_once(staff_client, tmp_path):
    one, two = SourceFactory(), SourceFactory()
    a, b = add(one, VERDICT.encode()), add(two, VERDICT.encode())
    assert a.pk != b.pk and a.file.name == b.file.name
    stored_dir = Path(documents_storage().path(a.file.name)).parent
    assert [p.name for p in stored_dir.iterdir()] == [a.sha256]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "empty.txt", "empty"),
        (b"%PDF-1.4\n this is not really a PDF", "broken.pdf", "cannot be read"),
        (b"\x00\x01\x02\x03binary junk\xff\xfe\x00", "junk.txt", "not accepted"),
    ],
)
def test_empty_unreadable_or_unaccepted_files_are_a_400_naming_the_field(staff_client, data, name, expected):
    response = upload(staff_client, SourceFactory(), data, name=name)
    assert response.status_code == 400, response.content
    assert expected in " ".join(errors_by_field(response.json())["file"])
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_a_400_naming_the_field(staff_client, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    response = upload(staff_client, SourceFactory(), b"x" * 101)
    assert response.status_code == 400
    assert "larger than the limit" in errors_by_field(response.json())["file"][0]


def test_no_file_is_a_400_naming_the_field(staff_client):
    response = staff_client.post(f"/api/v1/sources/{SourceFactory().pk}/documents/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in errors_by_field(response.json())


def test_anonymous_clients_and_users_without_the_permission_cannot_upload(client, django_user_model):
    source = SourceFactory()
    assert upload(client, source, b"text").status_code in (401, 403)
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)
    assert upload(client, source, b"text").status_code == 403
    assert not Document.objects.exists()


def test_a_document_never_changes_its_file():
    document = add(SourceFactory(), VERDICT.encode())
    document.sha256 = "0" * 64
    with pytest.raises(ValueError, match="new document"):
        document.save()


def test_a_new_version_is_a_new_document_and_the_history_keeps_both():
    source = SourceFactory()
    first, second = add(source, b"version one"), add(source, b"version two")
    assert first.pk != second.pk
    assert Document.history.filter(source=source).count() == 2


# -- types and text ----------------------------------------------------------------------------------------


def test_media_type_comes_from_the_content_not_the_name(staff_client):
    source = SourceFactory()
    pdf = make_pdf(["The court found him guilty."])
    response = upload(staff_client, source, pdf, name="looks-like.txt")
    assert response.json()["media_type"] == "application/pdf"
    html = b"<!DOCTYPE html><html><body><p>Verdict &amp; appeal</p><script>alert(1)</script></body></html>"
    assert detect_media_type(html) == "text/html"
    assert add(source, html, name="page.pdf").text == "Verdict & appeal"


def test_docx_text_is_extracted():
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Суд признал подсудимого виновным.")
    document.save(buffer)
    stored = add(SourceFactory(), buffer.getvalue(), name="verdict.docx")
    assert stored.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "Суд признал подсудимого виновным." in stored.text


PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f00000000049454e44ae426082"
)


@pytest.mark.skipif(bool(ocr_languages()), reason="tesseract is installed: the OCR path is tested instead")
def test_an_image_without_tesseract_is_stored_with_a_note():
    stored = add(SourceFactory(), PNG_1X1, name="hearing.png")
    assert stored.media_type == "image/png"
    assert stored.text == ""
    assert "tesseract is not installed" in stored.extraction_note


@pytest.mark.skipif(not ocr_languages(), reason="needs Debian's tesseract-ocr")
def test_an_image_is_ocrd_when_tesseract_is_installed():
    stored = add(SourceFactory(), PNG_1X1, name="hearing.png")
    assert "not installed" not in stored.extraction_note


def test_a_twenty_page_pdf_is_uploaded_and_its_text_extracted_quickly(staff_client):
    pages = [f"Page {n} of the verdict.\nWitness {n} testified about the events of 16 December." for n in range(20)]
    pdf = make_pdf(pages)
    started = time.perf_counter()
    response = upload(staff_client, SourceFactory(), pdf, name="verdict.pdf")
    seconds = time.perf_counter() - started
    assert response.status_code == 201
    document = Document.objects.get(pk=response.json()["id"])
    assert "Page 19 of the verdict." in document.text and "Witness 0 testified" in document.text
    print(f"\n20-page PDF upload+extract: {seconds * 1000:.0f} ms")
    assert seconds < 5


# -- downloads and visibility --------------------------------------------------------------------------------


def test_download_streams_the_bytes_with_type_and_rfc6266_filename(client):
    document = add(SourceFactory(), make_pdf(["Verdict"]), name="Приговор №1.pdf")
    response = client.get(f"/api/v1/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == documents_storage().open(document.file.name).read()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "%D0%9F%D1%80%D0%B8%D0%B3%D0%BE%D0%B2%D0%BE%D1%80" in response["Content-Disposition"]


def test_a_confidential_sources_file_is_a_404_for_those_who_may_not_see_it(client, staff_client, senior_user):
    secret = SourceFactory(title="Interview", confidentiality=Confidentiality.CONFIDENTIAL)
    document = add(secret, b"Zqx-secret testimony")
    for who in (client, staff_client):
        assert who.get(f"/api/v1/documents/{document.pk}/download/").status_code == 404
        assert who.get(f"/api/v1/documents/{document.pk}/").status_code == 404
        assert who.get(f"/admin/sources/document/{document.pk}/download/").status_code in (302, 404)
        assert document.pk not in [d["id"] for d in who.get("/api/v1/documents/").json()["results"]]
    senior = Client()
    senior.force_login(senior_user)
    assert senior.get(f"/api/v1/documents/{document.pk}/download/").status_code == 200
    assert senior.get(f"/admin/sources/document/{document.pk}/download/").status_code == 200


def test_files_are_not_served_as_public_media(client):
    document = add(SourceFactory(), b"public verdict")
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/{document.file.name}").status_code == 404


def test_document_detail_shows_its_text_and_the_list_does_not(client):
    document = add(SourceFactory(), VERDICT.encode())
    detail = client.get(f"/api/v1/documents/{document.pk}/").json()
    assert "seven years" in detail["text"]
    listed = client.get("/api/v1/documents/").json()["results"][0]
    assert "text" not in listed and listed["text_length"] == len(document.text)
    assert client.get(f"/api/v1/sources/{document.source_id}/documents/").json()[0]["id"] == document.pk


def test_document_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    source = SourceFactory()
    for n in range(3):
        add(source, f"document {n}".encode())
    with django_assert_max_num_queries(15) as few:
        client.get("/api/v1/documents/")
    for n in range(3, 15):
        add(source, f"document {n}".encode())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/documents/")


# -- admin ---------------------------------------------------------------------------------------------------


def test_admin_upload_on_the_source_page_adds_a_document(superuser):
    client = Client()
    client.force_login(superuser)
    source = SourceFactory(title="Verdict", published="2012-12")
    page = client.get(f"/admin/sources/source/{source.pk}/change/")
    assert b'enctype="multipart/form-data"' in page.content and b"new_document" in page.content
    data = {
        "title": source.title,
        "kind": source.kind,
        "published": "2012-12",
        "confidentiality": source.confidentiality,
        "new_document": SimpleUploadedFile("verdict.txt", VERDICT.encode()),
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "0",
    }
    response = client.post(f"/admin/sources/source/{source.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = Document.objects.get(source=source)
    assert document.added_by == superuser
    page = client.get(f"/admin/sources/source/{source.pk}/change/")
    assert document.sha256.encode() in page.content
    admin_page = client.get(f"/admin/sources/document/{document.pk}/change/")
    assert b"seven years" in admin_page.content
    assert client.get(f"/admin/sources/document/{document.pk}/download/").status_code == 200
    data["new_document"] = SimpleUploadedFile("empty.txt", b"")
    refused = client.post(f"/admin/sources/source/{source.pk}/change/", data)
    assert refused.status_code == 200 and "file is empty" in refused.content.decode()
    assert Document.objects.filter(source=source).count() == 1


def test_admin_source_search_finds_a_source_by_its_documents_text(superuser):
    client = Client()
    client.force_login(superuser)
    source = SourceFactory(title="Court papers")
    SourceFactory(title="Something else")
    add(source, "Показания свидетеля Қайрат о событиях".encode())
    response = client.get("/admin/sources/source/", {"q": "свидетеля"})
    assert "Court papers" in response.content.decode() and "Something else" not in response.content.decode()


# -- verified excerpts -------------------------------------------------------------------------------------------


def test_match_key_makes_quotes_dashes_whitespace_and_case_uniform():
    assert match_key("«Seven  years’ — Imprisonment»") == match_key('"seven years\' - imprisonment"')


def test_a_citation_is_verified_against_its_sources_documents(client):
    source = SourceFactory()
    found = CitationFactory(source=source, excerpt="sentenced to  seven years' IMPRISONMENT")
    missing = CitationFactory(source=source, excerpt="acquitted of all charges")
    assert Citation.objects.get(pk=found.pk).verified is None  # nothing to check against yet
    document = add(source, VERDICT.encode())
    found.refresh_from_db()
    missing.refresh_from_db()
    assert (found.verified, found.verified_document) == (True, document)
    assert (missing.verified, missing.verified_document) == (False, None)
    body = client.get(f"/api/v1/citations/{found.pk}/").json()
    assert body["verified"] is True and body["verified_document"]["id"] == document.pk
    later = CitationFactory(source=source, excerpt="“organising mass unrest”")
    assert Citation.objects.get(pk=later.pk).verified is True


def test_admin_lists_unverified_citations(superuser):
    source = SourceFactory()
    add(source, VERDICT.encode())
    CitationFactory(source=source, excerpt="Qpb-not-in-the-verdict")
    CitationFactory(source=source, excerpt="found the defendant guilty")
    client = Client()
    client.force_login(superuser)
    page = client.get("/admin/sources/citation/", {"verified": "no"}).content.decode()
    assert "Qpb-not-in-the-verdict" in page and "found the defendant guilty" not in page


def test_verify_citations_rechecks_everything_and_reports(capsys):
    source = SourceFactory()
    add(source, VERDICT.encode())
    CitationFactory(source=source, excerpt="found the defendant guilty")
    bad = CitationFactory(source=source, excerpt="Qpb-missing-phrase")
    CitationFactory(excerpt="no document here")
    Citation.objects.update(verified=None)
    call_command("verify_citations")
    out = capsys.readouterr().out
    assert "1 verified, 1 not found" in out and "1 unchecked" in out
    assert f"citation {bad.pk}" in out


# The seed's documents live beside the checkout (never in the repository): ../shared/sources/.
SHARED_SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "sources"


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="the seed's documents are not beside the checkout")
def test_every_seeded_excerpt_verifies_against_the_seeds_documents(capsys):
    from django.apps import apps

    call_command("load_seed", verbosity=0)
    for source in apps.get_model("sources", "Source").objects.all():
        path = SHARED_SOURCES / source.reference
        assert path.is_file(), f"{path} is missing"
        call_command("add_document", str(source.pk), str(path))
    citations = Citation.objects.all()
    assert citations.count() >= 50
    assert not citations.exclude(verified=True).exists(), list(citations.exclude(verified=True).values("excerpt"))
    # Every other seeded excerpt (status changes, figures, allegations) is in its source's documents too.
    checked = 0
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if model._meta.app_label != "cases" or not {"excerpt", "source"} <= names:
            continue
        for excerpt, source_id in model._base_manager.exclude(excerpt="").values_list("excerpt", "source_id"):
            texts = [match_key(d.text) for d in Document.objects.filter(source_id=source_id)]
            assert any(match_key(excerpt) in t for t in texts), excerpt
            checked += 1
    assert checked > 0


# -- commands -------------------------------------------------------------------------------------------------


def test_add_document_command_adds_files_and_says_what_to_do_on_errors(tmp_path, capsys):
    source = SourceFactory()
    good = tmp_path / "verdict.txt"
    good.write_text(VERDICT)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="2 of 3"):
        call_command("add_document", str(source.pk), str(good), str(empty), str(tmp_path / "missing.pdf"))
    captured = capsys.readouterr()
    assert "[1/3]" in captured.out and "added as document" in captured.out
    assert "The file is empty" in captured.err and "no such file" in captured.err
    assert Document.objects.filter(source=source).count() == 1
    with pytest.raises(CommandError, match="No source with id 999999"):
        call_command("add_document", "999999", str(good))


def test_verify_documents_finds_a_corrupted_and_a_missing_file(capsys):
    a = add(SourceFactory(), b"first file")
    b = add(SourceFactory(), b"second file")
    call_command("verify_documents")
    assert "All 2 document(s) match" in capsys.readouterr().out
    Path(documents_storage().path(a.file.name)).write_bytes(b"first file, tampered")
    Path(documents_storage().path(b.file.name)).unlink()
    with pytest.raises(CommandError, match="2 of 2"):
        call_command("verify_documents")
    err = capsys.readouterr().err
    assert f"CHANGED document {a.pk}" in err and f"MISSING document {b.pk}" in err


def test_an_ellipsis_stands_for_words_left_out_in_order():
    source = SourceFactory()
    add(source, VERDICT.encode())
    ok = CitationFactory(source=source, excerpt="found the defendant guilty … seven years")
    reversed_order = CitationFactory(source=source, excerpt="seven years ... found the defendant guilty")
    assert Citation.objects.get(pk=ok.pk).verified is True
    assert Citation.objects.get(pk=reversed_order.pk).verified is False


def test_control_characters_in_extracted_text_become_spaces(staff_client):
    response = upload(staff_client, SourceFactory(), b"page one\x0cpage two\x07end\r\n")
    assert response.status_code == 201
    assert Document.objects.get(pk=response.json()["id"]).text == "page one page two end"
