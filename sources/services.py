"""Writes and checks on documents and citations: adding a file, verifying excerpts, re-hashing.

Every surface (the admin's upload field, ``POST /api/v1/sources/{id}/documents/``,
``manage.py add_document``) adds a document through :func:`document_prepare` and
:func:`document_add`, so the checks, the hash, the text and the verification of the
source's citations are the same everywhere.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .extraction import ACCEPTED, UnreadableFile, detect_media_type, extract_text
from .models import Citation, Document, Source, document_path, documents_storage

FILE_FIELD = "file"
_CHUNK = 1024 * 1024


@dataclass
class PreparedDocument:
    """A checked upload: its bytes, hash, type and text, not yet stored."""

    data: bytes
    sha256: str
    media_type: str
    original_name: str
    text: str
    note: str = ""
    size: int = field(init=False)

    def __post_init__(self):
        self.size = len(self.data)


def _file_error(message: str) -> ValidationError:
    return ValidationError({FILE_FIELD: [message]})


def _read_limited(upload, limit: int) -> bytes:
    """All of ``upload``'s bytes, or a ValidationError as soon as there are more than ``limit``."""
    chunks, total = [], 0
    try:
        if hasattr(upload, "seek"):
            upload.seek(0)
        while True:
            chunk = upload.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise _file_error(
                    _(
                        "The file is larger than the limit of %(limit)s; split it or ask an administrator to raise "
                        "DOCUMENT_MAX_MB."
                    )
                    % {"limit": filesizeformat(limit)}
                )
            chunks.append(chunk)
    except OSError as error:
        raise _file_error(_("The file could not be read (%(error)s); upload it again.") % {"error": error}) from error
    return b"".join(chunks)


def _clean_name(name: str) -> str:
    # Only the last path part; no control characters (Content-Disposition and the admin show it).
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "document"


def document_prepare(upload, *, name: str | None = None) -> PreparedDocument:
    """Read, hash, type and extract an uploaded file; a ValidationError naming ``file`` when it is empty,
    too large, of a type not accepted, or unreadable."""
    limit = settings.DOCUMENT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _file_error(
            _(
                "The file is larger than the limit of %(limit)s; split it or ask an administrator to raise "
                "DOCUMENT_MAX_MB."
            )
            % {"limit": filesizeformat(limit)}
        )
    data = _read_limited(upload, limit)
    if not data:
        raise _file_error(_("The file is empty; choose the file again."))
    media_type = detect_media_type(data)
    if media_type not in ACCEPTED:
        raise _file_error(
            _(
                "This kind of file (%(type)s) is not accepted. Upload a PDF, DOCX, HTML or plain-text file, or an "
                "image (JPEG, PNG, TIFF, GIF, WebP)."
            )
            % {"type": media_type}
        )
    try:
        extracted = extract_text(data, media_type)
    except UnreadableFile as error:
        raise _file_error(str(error)) from error
    return PreparedDocument(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        original_name=_clean_name(name or getattr(upload, "name", "") or ""),
        text=extracted.text,
        note=extracted.note,
    )


def document_add(*, source: Source, prepared: PreparedDocument, user=None) -> Document:
    """Attach a prepared file to ``source``: the existing document when the source already has these bytes
    (``already_recorded`` is then True), else a new one; the bytes are stored once, under their hash."""
    existing = Document.objects.filter(source=source, sha256=prepared.sha256).first()
    if existing is not None:
        existing.already_recorded = True
        return existing
    storage = documents_storage()
    name = document_path(prepared.sha256)
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(prepared.data))
        if saved != name:  # a storage that renames on collision: never here, but never silently
            raise RuntimeError(f"The storage saved {name} as {saved}; it must not rename files.")
    with transaction.atomic():
        document = Document(
            source=source,
            file=name,
            sha256=prepared.sha256,
            size=prepared.size,
            media_type=prepared.media_type,
            original_name=prepared.original_name,
            added_by=user if getattr(user, "is_authenticated", False) else None,
            text=prepared.text,
            extraction_note=prepared.note,
        )
        document.full_clean(validate_unique=False)
        document.save()
        # Citations already found in another document stay verified; the others are checked again.
        citations_verify(Citation.objects.filter(source=source).exclude(verified=True))
    document.already_recorded = False
    return document


# -- verified excerpts ------------------------------------------------------------------------------------

_QUOTES_AND_DASHES = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟«»″", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "\u00ad": None,  # soft hyphen
        "\u00a0": " ",
    }
)


def match_key(text: str) -> str:
    """Text as excerpts are compared: quotes, dashes, whitespace and case made uniform."""
    return " ".join((text or "").translate(_QUOTES_AND_DASHES).casefold().split())


def _occurs_in(parts: list[str], key: str) -> bool:
    position = 0
    for part in parts:
        found = key.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def excerpt_found_in(excerpt: str, documents) -> Document | None:
    """The first of ``documents`` (pairs of a document and its ``match_key``-ed text) that contains ``excerpt``.

    Quotation marks around the whole excerpt are not part of the quotation; an ellipsis (… or ...)
    stands for words left out, so the parts around it must occur in that order.
    """
    wanted = match_key(excerpt).strip("\"' ")
    parts = [part.strip() for part in re.split(r"…|\.\.\.", wanted) if part.strip()]
    if not parts:
        return None
    for document, key in documents:
        if _occurs_in(parts, key):
            return document
    return None


def citations_verify(citations) -> dict[str, int]:
    """Check each citation's excerpt against its source's document text and store the result.

    ``verified`` is None while the source has no document with text; True with the document
    it was found in; False otherwise. Documents are read once per source; results are written
    with ``update()`` (derived values, no new version in the history).
    """
    counts = {"verified": 0, "unverified": 0, "unchecked": 0}
    citations = list(
        citations.select_related(None).only("id", "source_id", "excerpt", "verified", "verified_document_id")
    )
    source_ids = {citation.source_id for citation in citations}
    texts: dict[int, list] = {source_id: [] for source_id in source_ids}
    for document in (
        Document.objects.filter(source_id__in=source_ids)
        .exclude(text="")
        .only("id", "source_id", "text")
        .order_by("id")
    ):
        texts[document.source_id].append((document, match_key(document.text)))
    changes: dict[tuple, list[int]] = {}
    for citation in citations:
        documents = texts.get(citation.source_id) or []
        if not documents:
            verified, document_id = None, None
            counts["unchecked"] += 1
        else:
            found = excerpt_found_in(citation.excerpt, documents)
            verified, document_id = found is not None, found.id if found else None
            counts["verified" if verified else "unverified"] += 1
        citation.verified, citation.verified_document_id = verified, document_id
        changes.setdefault((verified, document_id), []).append(citation.id)
    for (verified, document_id), ids in changes.items():
        Citation.objects.filter(id__in=ids).update(verified=verified, verified_document_id=document_id)
    return counts


# -- integrity ----------------------------------------------------------------------------------------------


@dataclass
class IntegrityProblem:
    document: Document
    problem: str  # "missing" or "mismatch"
    found: str = ""


def documents_verify_integrity(documents=None, *, progress=None):
    """Re-hash every stored file; yield an :class:`IntegrityProblem` for each missing or changed one."""
    documents = Document.objects.all() if documents is None else documents
    checked_files: dict[str, str | None] = {}
    for document in documents.select_related("source").order_by("id").iterator(chunk_size=500):
        name = document.file.name
        if name not in checked_files:
            checked_files[name] = _hash_stored(document)
        digest = checked_files[name]
        if progress:
            progress(document)
        if digest is None:
            yield IntegrityProblem(document, "missing")
        elif digest != document.sha256:
            yield IntegrityProblem(document, "mismatch", digest)


def _hash_stored(document: Document) -> str | None:
    storage = documents_storage()
    if not storage.exists(document.file.name):
        return None
    digest = hashlib.sha256()
    with storage.open(document.file.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
