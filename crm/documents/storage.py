"""Where document bytes live: files under random keys, outside the web root."""

import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import Flask

# Exactly what `secrets.token_urlsafe(24)` gives: no dot, no slash, so no path tricks.
_KEY = re.compile(r"[A-Za-z0-9_-]{32}")


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
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError("Not a document key.")
        return self.folder / key[:2] / key


def store_for(app: Flask) -> LocalStore:
    """The document store of the application."""
    # The config key DOCUMENTS_STORE will choose an S3 store here once there is one.
    return LocalStore(Path(app.config["DOCUMENTS_FOLDER"]))
