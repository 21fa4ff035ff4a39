"""The S3 document store, against moto's S3-compatible HTTP server on a local port."""

import io
import os
import re
from types import SimpleNamespace

import pytest
from minio import Minio
from moto.server import ThreadedMotoServer

from crm.documents.storage import LocalStore, S3Store, store_for

BUCKET = "crm-documents"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def endpoint():
    """host:port of a moto server holding an empty private bucket, for this module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        address = f"{host}:{port}"
        client = Minio(address, access_key="testing", secret_key="testing", secure=False,
                       region="us-east-1")
        client.make_bucket(BUCKET)
        yield address
    finally:
        server.stop()


def _config(endpoint: str = "", **changes) -> dict:
    config = {"DOCUMENTS_FOLDER": "unused", "DOCUMENTS_STORE": "s3",
              "DOCUMENTS_S3_ENDPOINT": endpoint, "DOCUMENTS_S3_BUCKET": BUCKET,
              "DOCUMENTS_S3_ACCESS_KEY": "testing", "DOCUMENTS_S3_SECRET_KEY": "testing",
              "DOCUMENTS_S3_REGION": "us-east-1", "DOCUMENTS_S3_SECURE": False}
    return config | changes


@pytest.fixture
def store(endpoint) -> S3Store:
    return store_for(SimpleNamespace(config=_config(endpoint)))


def test_store_for_gives_an_s3_store(store):
    assert isinstance(store, S3Store)
    assert store.bucket == BUCKET


@pytest.mark.parametrize("size", [len(PDF), 3 * 1024 * 1024])
def test_saved_bytes_come_back(store, size):
    payload = (PDF * (size // len(PDF) + 1))[:size]
    key = store.save(io.BytesIO(payload))
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key)
    with store.open(key) as stored:
        assert stored.read() == payload


def test_a_large_upload_goes_by_parts(store):
    # The smallest part S3 allows, so that 6 MB goes as a real multipart upload.
    store.part_size = 5 * 1024 * 1024
    payload = os.urandom(6 * 1024 * 1024)
    key = store.save(io.BytesIO(payload))
    info = store.client.stat_object(BUCKET, key)
    assert (info.size, info.etag.endswith("-2")) == (len(payload), True)  # two parts
    assert store.open(key).read() == payload


def test_save_reads_from_where_the_stream_stands(store):
    stream = io.BytesIO(b"skip" + PDF)
    stream.seek(4)
    assert store.open(store.save(stream)).read() == PDF


def test_two_saves_give_two_keys(store):
    assert store.save(io.BytesIO(b"one")) != store.save(io.BytesIO(b"one"))


def test_store_deletes(store):
    key = store.save(io.BytesIO(PDF))
    assert store.exists(key)
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)
    with pytest.raises(FileNotFoundError):
        store.open(key)


def test_a_key_never_saved_is_missing(store):
    key = "a" * 32
    assert not store.exists(key)
    store.delete(key)
    with pytest.raises(FileNotFoundError):
        store.open(key)


class _NoNetwork:
    def __getattr__(self, name):
        raise AssertionError(f"the client was used: {name}")


@pytest.mark.parametrize("key", [
    "../x", "", "a/b", "a" * 31 + ".", "../" + "a" * 29, "a" * 33, "a" * 32 + "\n", None,
])
@pytest.mark.parametrize("method", ["open", "delete", "exists"])
def test_store_refuses_other_keys(method, key):
    store = store_for(SimpleNamespace(config=_config("127.0.0.1:9")))
    store.client = _NoNetwork()
    with pytest.raises(ValueError):
        getattr(store, method)(key)


@pytest.mark.parametrize("missing", ["DOCUMENTS_S3_BUCKET", "DOCUMENTS_S3_ENDPOINT"])
def test_s3_without_endpoint_or_bucket_is_refused(missing):
    with pytest.raises(RuntimeError, match=f"CRM_{missing}"):
        store_for(SimpleNamespace(config=_config("127.0.0.1:9", **{missing: ""})))


def test_an_unknown_store_is_refused():
    with pytest.raises(RuntimeError, match="ftp"):
        store_for(SimpleNamespace(config=_config("127.0.0.1:9", DOCUMENTS_STORE="ftp")))


def test_the_default_is_the_folder(tmp_path):
    app = SimpleNamespace(config={"DOCUMENTS_FOLDER": str(tmp_path), "DOCUMENTS_STORE": "local"})
    assert isinstance(store_for(app), LocalStore)
    assert isinstance(store_for(SimpleNamespace(config={"DOCUMENTS_FOLDER": "x"})), LocalStore)



def test_the_application_keeps_documents_in_the_bucket_when_told(endpoint, app, client,
                                                                   login_as, tmp_path):
    from crm.auth.models import Role
    from crm.documents.models import Document
    from crm.extensions import db
    from tests.factories import make_organization

    app.config.update(_config(endpoint), DOCUMENTS_FOLDER=str(tmp_path))
    officer = login_as(Role.OFFICER)
    organization = make_organization(officer)
    client.post(f"/documents/organization/{organization.id}",
                data={"file": (io.BytesIO(PDF), "statuts.pdf")},
                content_type="multipart/form-data")
    document = db.session.scalar(db.select(Document))
    assert store_for(app).exists(document.key)
    assert list(tmp_path.iterdir()) == []  # nothing on the local disk
    assert client.get(f"/documents/{document.id}").data == PDF
