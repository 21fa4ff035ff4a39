"""Static files named by their content, kept by browsers for a year.

`url_for("static", filename=...)` adds `v=`, the start of the file's SHA-256. A request that
carries the fingerprint of the file as it is now is answered with a year-long, immutable
`Cache-Control`: a page no longer asks again for its style sheets and scripts (five round
trips a page, each felt on a slow line). A changed file gets a new fingerprint, hence a new
address; an address without one, or with an old one, is answered as before (the browser
asks whether it changed each time).
"""

import hashlib
import os
import stat
from functools import lru_cache

from flask import Flask, current_app, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


def fingerprint(filename: str) -> str | None:
    """The first 12 hex digits of the static file's SHA-256, None when there is no such file.
    Read again whenever the file's size or modification time changes (`make run` serves
    files being edited)."""
    path = safe_join(current_app.static_folder, filename)
    try:
        status = os.stat(path) if path else None
    except OSError:
        return None
    if status is None or not stat.S_ISREG(status.st_mode):
        return None
    return _digest(path, status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=256)
def _digest(path: str, _mtime_ns: int, _size: int) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:12]


def _add_fingerprint(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = fingerprint(values["filename"])
        if version:
            values["v"] = version


def _keep_fingerprinted(response):
    version = request.args.get("v")
    if (version and request.endpoint == "static" and response.status_code in (200, 304)
            and version == fingerprint(request.view_args["filename"])):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    return response


def register_static_files(app: Flask) -> None:
    app.url_defaults(_add_fingerprint)
    app.after_request(_keep_fingerprinted)
