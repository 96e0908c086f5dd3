"""What a file is (from its bytes, never its name) and the text in it.

:func:`detect_media_type` asks ``filetype`` (magic numbers) for binary formats and sniffs
text itself (``filetype`` knows no text formats): UTF-8 or UTF-16 with a byte-order mark is
text, HTML when it starts like HTML. :func:`extract_text` reads PDF (pypdf), DOCX
(python-docx), HTML (tags, scripts and styles dropped) and plain text; images are OCR'd in
Russian, Kazakh and English when Debian's ``tesseract`` is installed, and skipped with a note
otherwise. A file that claims a format but cannot be read raises :class:`UnreadableFile`.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser

import filetype
from django.utils.translation import gettext as _

from casetracker.text import FORBIDDEN

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
TEXT = "text/plain"
IMAGES = frozenset({"image/jpeg", "image/png", "image/tiff", "image/gif", "image/webp", "image/bmp"})
#: The types a source's document may have.
ACCEPTED = frozenset({PDF, DOCX, HTML, TEXT, *IMAGES})
#: OCR languages (tesseract's names), used where installed.
OCR_LANGUAGES = ("rus", "kaz", "eng")
OCR_TIMEOUT_SECONDS = 300

_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|p|div|h[1-6])\b", re.I | re.S
)


class UnreadableFile(Exception):
    """The file is of an accepted type but its content cannot be read (a broken or encrypted PDF …)."""


@dataclass
class Extracted:
    text: str
    note: str = ""


def _decode_text(data: bytes) -> str | None:
    """The bytes as text when they are UTF-8 (or UTF-16/32 with a byte-order mark) with no NUL, else None."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if "\x00" in text else text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def detect_media_type(data: bytes) -> str:
    """The media type of ``data``, from its content; ``application/octet-stream`` when unknown."""
    kind = filetype.guess(data[:8192])
    if kind is not None:
        return kind.mime
    if _decode_text(data) is not None:
        head = data[:4096].lstrip(codecs.BOM_UTF8)
        return HTML if _HTML_START.match(head) else TEXT
    return "application/octet-stream"


class _TextOfHtml(HTMLParser):
    """HTML's visible text: tags dropped, scripts and styles skipped, blocks on their own lines."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"})
    SKIPPED = frozenset({"script", "style", "template", "noscript"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableFile(_("The PDF is encrypted (password-protected); upload an unprotected copy."))
        return "\n".join(page.extract_text() or "" for page in reader.pages).strip()
    except UnreadableFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as error:
        message = _("The PDF cannot be read (%(error)s); upload an undamaged copy.") % {"error": error}
        raise UnreadableFile(message) from error


def docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(
            _("The DOCX file cannot be read (%(error)s); upload an undamaged copy.") % {"error": error}
        ) from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines).strip()


def ocr_languages() -> list[str]:
    """The OCR languages of :data:`OCR_LANGUAGES` that the installed tesseract has (none without tesseract)."""
    binary = shutil.which("tesseract")
    if binary is None:
        return []
    listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    return [language for language in OCR_LANGUAGES if language in listed]


def image_text(data: bytes) -> Extracted:
    languages = ocr_languages()
    if not languages:
        return Extracted(
            "",
            _(
                "No text: the image was not OCR'd because tesseract is not installed on the server "
                "(apt-get install tesseract-ocr tesseract-ocr-rus tesseract-ocr-kaz)."
            ),
        )
    result = subprocess.run(
        [shutil.which("tesseract"), "stdin", "stdout", "-l", "+".join(languages)],
        input=data,
        capture_output=True,
        timeout=OCR_TIMEOUT_SECONDS,
    )
    if result.returncode != 0:
        raise UnreadableFile(_("The image cannot be read: %(error)s") % {"error": result.stderr.decode()[:200]})
    missing = [language for language in OCR_LANGUAGES if language not in languages]
    note = _("OCR'd without %(languages)s (not installed).") % {"languages": ", ".join(missing)} if missing else ""
    return Extracted(result.stdout.decode("utf-8", "replace").strip(), note)


def extract_text(data: bytes, media_type: str) -> Extracted:
    """The text of a file of ``media_type`` (one of :data:`ACCEPTED`), without control characters.

    PDFs hold form feeds, OCR output stray control codes: stored text refuses them
    (:mod:`casetracker.text`), so each becomes a space (a lone CR a line break).
    """
    extracted = _extract(data, media_type)
    extracted.text = FORBIDDEN.sub(lambda m: "\n" if m.group() == "\r" else " ", extracted.text)
    return extracted


def _extract(data: bytes, media_type: str) -> Extracted:
    if media_type == PDF:
        text = pdf_text(data)
        return Extracted(text, "" if text else _("The PDF has no text layer (a scan?); no text extracted."))
    if media_type == DOCX:
        return Extracted(docx_text(data))
    if media_type in (HTML, TEXT):
        text = _decode_text(data) or ""
        return Extracted(html_text(text) if media_type == HTML else text.strip())
    if media_type in IMAGES:
        return image_text(data)
    raise UnreadableFile(_("Files of type %(type)s are not accepted.") % {"type": media_type})
