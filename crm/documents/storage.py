"""Where document bytes live: files under random keys, outside the web root, or objects
in a private bucket of an S3-compatible store."""

import io
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

import urllib3
from flask import Flask
from minio import Minio
from minio.error import S3Error

# Exactly what `secrets.token_urlsafe(24)` gives: no dot, no slash, so no path tricks.
_KEY = re.compile(r"[A-Za-z0-9_-]{32}")

# What the S3 API answers for an object (or, from a HEAD request, anything) that is not there.
_MISSING = {"NoSuchKey", "NotFound"}


def _checked(key: str) -> str:
    """The key itself when it is one `save` could have made; ValueError otherwise."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError("Not a document key.")
    return key


class LocalStore:
    """Document files on the local disk, in two-character subfolders of one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def save(self, stream: BinaryIO) -> str:
        """Copy the stream (from where it stands) to a new file; return its key."""
        key = secrets.token_urlsafe(24)
        path = self._path(key)
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        # mkstemp creates the file with mode 0o600; the key appears only once it is whole.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        """The stored file for reading; FileNotFoundError when there is none."""
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        """Remove the file; a missing one is not an error."""
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _path(self, key: str) -> Path:
        key = _checked(key)
        return self.folder / key[:2] / key


def _http_client() -> urllib3.PoolManager:
    """A store that does not answer fails a request in seconds, not minutes (the client's
    default waits five minutes and retries five times)."""
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=60),
        retries=urllib3.Retry(total=2, backoff_factor=0.2,
                              status_forcelist=[500, 502, 503, 504]))


class S3Store:
    """Document objects in one bucket of an S3-compatible store (AWS S3, MinIO, ...).

    The bucket is not created here: an administrator creates it beforehand and keeps it
    private. Objects are written without any ACL and no public or presigned URL is ever
    built; the bytes go out only through the application.
    """

    # Uploads go by parts of this size (S3 wants at least 5 MiB); a document up to it is
    # sent in a single request.
    PART_SIZE = 10 * 1024 * 1024

    def __init__(self, endpoint: str, bucket: str, access_key: str, secret_key: str,
                 secure: bool = True, region: str | None = None) -> None:
        self.bucket = bucket
        self.part_size = self.PART_SIZE
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key,
                            secure=secure, region=region or None, http_client=_http_client())

    def save(self, stream: BinaryIO) -> str:
        """Stream the upload (from where it stands) to a new object; return its key."""
        key = secrets.token_urlsafe(24)
        self.client.put_object(bucket_name=self.bucket, object_name=key, data=stream,
                               length=-1, part_size=self.part_size,
                               content_type="application/octet-stream")
        return key

    def open(self, key: str) -> BinaryIO:
        """The object's bytes, read into memory (documents are small); FileNotFoundError
        when there is none."""
        key = _checked(key)
        try:
            response = self.client.get_object(bucket_name=self.bucket, object_name=key)
        except S3Error as error:
            if error.code in _MISSING:
                raise FileNotFoundError(f"No document object {key}.") from error
            raise
        try:
            return io.BytesIO(response.read())
        finally:
            response.close()
            response.release_conn()

    def delete(self, key: str) -> None:
        """Remove the object; a missing one is not an error (S3 answers the same)."""
        key = _checked(key)
        self.client.remove_object(bucket_name=self.bucket, object_name=key)

    def exists(self, key: str) -> bool:
        key = _checked(key)
        try:
            self.client.stat_object(bucket_name=self.bucket, object_name=key)
        except S3Error as error:
            if error.code in _MISSING:
                return False
            raise
        return True


def store_for(app: Flask) -> LocalStore | S3Store:
    """The document store chosen by DOCUMENTS_STORE: "local" (the folder) or "s3"."""
    config = app.config
    kind = config.get("DOCUMENTS_STORE", "local")
    if kind == "local":
        return LocalStore(Path(config["DOCUMENTS_FOLDER"]))
    if kind != "s3":
        raise RuntimeError(f'CRM_DOCUMENTS_STORE must be "local" or "s3", not {kind!r}.')
    missing = [f"CRM_{name}" for name in ("DOCUMENTS_S3_ENDPOINT", "DOCUMENTS_S3_BUCKET")
               if not config.get(name)]
    if missing:
        raise RuntimeError(f"The S3 document store needs {' and '.join(missing)}.")
    return S3Store(config["DOCUMENTS_S3_ENDPOINT"], config["DOCUMENTS_S3_BUCKET"],
                   config.get("DOCUMENTS_S3_ACCESS_KEY", ""),
                   config.get("DOCUMENTS_S3_SECRET_KEY", ""),
                   secure=config.get("DOCUMENTS_S3_SECURE", True),
                   region=config.get("DOCUMENTS_S3_REGION") or None)
