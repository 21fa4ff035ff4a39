"""Which uploads are accepted: the kind read from the content, the size, the name shown."""

import re
import unicodedata
import zipfile
import zlib
from typing import BinaryIO

import puremagic

# kind -> (extension, MIME type). Only these are ever stored or served.
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpeg": ("jpg", "image/jpeg"),
    "webp": ("webp", "image/webp"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": ("odt", "application/vnd.oasis.opendocument.text"),
    "ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "doc": ("doc", "application/msword"),
    "xls": ("xls", "application/vnd.ms-excel"),
}

# The file picker's `accept`: a hint to the browser only; the content decides.
ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.odt,.ods,.doc,.xls"
HEAD_BYTES = 8 * 1024
NAME_MAX = 120
_CHUNK = 64 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# puremagic names the kind; its data also has loose rows ("RIFF" alone is webp, the text
# "\x89PNG" is png, JPEG 2000 is image/jpeg), so the format's own signature must confirm it.
_MAGIC_KINDS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpeg",
                "image/webp": "webp"}
_SIGNATURES = {
    "pdf": re.compile(rb"%PDF-"),
    "png": re.compile(rb"\x89PNG\r\n\x1a\n"),
    "jpeg": re.compile(rb"\xff\xd8\xff"),
    "webp": re.compile(rb"RIFF.{4}WEBP", re.DOTALL),
}
_OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx",
                "ppt/presentation.xml": "pptx"}
_ODF_TYPES = {"application/vnd.oasis.opendocument.text": "odt",
              "application/vnd.oasis.opendocument.spreadsheet": "ods"}
# What a malformed, encrypted or oddly compressed zip may raise while being read.
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, zlib.error)
# Bidi embeddings, overrides and isolates: they let "cod.exe" display as "exe.doc".
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_DROPPED_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
# An old extension of one of these kinds is replaced; any other stays part of the name.
_KNOWN_EXTENSIONS = {ext for ext, _ in ALLOWED.values()} | {"jpeg", "jpe"}


class RefusedFile(ValueError):
    """An upload that is not stored; `reason` is "empty", "too-large" or "type"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(head: bytes, *, stream: BinaryIO | None = None, filename: str = "") -> str | None:
    """The kind of a file from its first bytes, or None when it is not one we accept.

    Zip-based office files are decided by their entries, so they need the whole `stream`;
    OLE2 files (.doc, .xls) look alike inside, so only for them the `filename` decides."""
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(stream) if stream is not None else None
    if head.startswith(_OLE2_MAGIC):
        return _ole2_kind(filename)
    return _magic_kind(head[:HEAD_BYTES])


def _magic_kind(head: bytes) -> str | None:
    """Ask puremagic for its best guesses, then confirm with the format's signature."""
    try:
        # Header rows only: footer rows would read the end of a slice, not of the file.
        found = [m for m in puremagic.magic_string(head) if m.offset >= 0]
    except (puremagic.PureError, ValueError):
        return None
    if not found:
        return None
    best = max(m.confidence for m in found)
    kinds = {_MAGIC_KINDS.get(m.mime_type) for m in found if m.confidence == best} - {None}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    return kind if _SIGNATURES[kind].match(head) else None


def _zip_kind(stream: BinaryIO) -> str | None:
    """An office document by the entries in its central directory, never by its name."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            kinds = [kind for part, kind in _OOXML_PARTS.items() if part in names]
            if "[Content_Types].xml" not in names:
                kinds = []
            if "mimetype" in names:
                kinds.append(_ODF_TYPES.get(_odf_mimetype(archive)))
    except _ZIP_ERRORS:
        return None
    finally:
        stream.seek(0)
    return kinds[0] if len(kinds) == 1 else None


def _odf_mimetype(archive: zipfile.ZipFile) -> str:
    """The `mimetype` entry of an OpenDocument file, read no further than needed."""
    with archive.open("mimetype") as entry:
        return entry.read(100).decode("ascii").strip()


def _ole2_kind(filename: str) -> str | None:
    """.doc or .xls: both are OLE2 compound files, told apart by their extension."""
    extension = _last_component(filename).rpartition(".")[2].lower()
    return extension if extension in ("doc", "xls") else None


def check(stream: BinaryIO, filename: str, max_bytes: int) -> tuple[str, int]:
    """The kind and size of an upload, or RefusedFile; leaves the stream at its start."""
    try:
        stream.seek(0)
        head = stream.read(HEAD_BYTES)
        size = _measure(stream, len(head), max_bytes)
        if size == 0:
            raise RefusedFile("empty")
        if size > max_bytes:
            raise RefusedFile("too-large")
        stream.seek(0)
        kind = sniff(head, stream=stream, filename=filename)
        if kind is None:
            raise RefusedFile("type")
        return kind, size
    finally:
        stream.seek(0)


def _measure(stream: BinaryIO, size: int, max_bytes: int) -> int:
    """The size by reading on, stopping as soon as it passes `max_bytes`."""
    while size <= max_bytes:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
    return size


def safe_name(filename: str, kind: str) -> str:
    """The name shown to users and sent in Content-Disposition, with the kind's extension."""
    extension = ALLOWED[kind][0]
    name = unicodedata.normalize("NFC", _last_component(filename))
    name = "".join(c for c in name if _kept(c))
    stem, dot, old = name.rpartition(".")
    if not dot or old.strip().lower() not in _KNOWN_EXTENSIONS:
        stem = name
    stem = _trim(stem)[: NAME_MAX - len(extension) - 1]
    return f"{_trim(stem) or 'document'}.{extension}"


def _last_component(filename: str) -> str:
    return re.split(r"[/\\]", filename or "")[-1]


def _kept(char: str) -> bool:
    return unicodedata.category(char) not in _DROPPED_CATEGORIES and char not in _BIDI_CONTROLS


def _trim(text: str) -> str:
    """Without surrounding spaces and dots ("..", " .pdf" leave nothing)."""
    return text.strip().strip(".").strip()
