"""The background runners for real: a thread of the application process, and RQ on Redis
(when CRM_TEST_REDIS_URL names a Redis database the tests may empty)."""

import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm.auth.models import Role
from crm.demo.forum import seed_forum
from crm.extensions import db
from crm.imports import services
from crm.imports.models import ImportJob, ImportStatus
from crm.people.models import Person
from crm.pipeline.services import ensure_default_stages
from tests.conftest import _empty_tables, _prepare_schema, build_app
from tests.factories import make_user

SHARED_FILE = (Path(__file__).resolve().parents[3] / "shared" / "data"
               / "wexchange2024_attendees.csv")
REDIS_URL = os.environ.get("CRM_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="CRM_TEST_REDIS_URL is not set")
# The tests that empty the queue run one after the other, on one pytest-xdist worker.
one_queue = pytest.mark.xdist_group("rq-queue")


def wait_for(job_id: int, status: ImportStatus, seconds: float = 30) -> ImportJob:
    """Poll the job's row, as the progress page does, until it reaches `status`."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()  # a new transaction sees what the runner committed
        job = db.session.get(ImportJob, job_id)
        if job.status in (status, ImportStatus.FAILED) or time.monotonic() > deadline:
            assert job.status == status, job.error or f"still {job.status} after {seconds} s"
            return job
        time.sleep(0.05)


def _people() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Person))


def test_the_thread_runner_analyses_and_imports_outside_the_request(tmp_path):
    app = build_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.sqlite3",
                    JOB_RUNNER="thread")
    with app.app_context():
        db.create_all()
        ensure_default_stages()
        forum = seed_forum()
        officer = make_user(Role.OFFICER)
        job = services.start_import(officer, forum, "attendees.csv", SHARED_FILE.read_bytes())
        services.confirm_mapping(officer, job, job.mapping)  # returns before the analysis ends
        job = wait_for(job.id, ImportStatus.PREVIEW)
        assert job.processed_rows == job.total_rows == 321
        assert sum(services.count_rows(job).values()) == 321

        services.run_import(officer, job)
        job = wait_for(job.id, ImportStatus.DONE)
        assert (job.created_count, job.rejected_count) == (260, 3)
        assert _people() == 260
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def redis_app():
    """An application that queues its jobs in Redis; the queue is emptied before and after."""
    from rq import Queue

    from crm.jobs.runner import QUEUE_NAME, redis_connection

    app = build_app(REDIS_URL=REDIS_URL, JOB_RUNNER="rq")
    with app.app_context():
        connection = redis_connection()
        queue = Queue(QUEUE_NAME, connection=connection)

        def flush() -> None:
            queue.empty()
            for key in connection.scan_iter("rq:*"):
                connection.delete(key)

        flush()
        _prepare_schema()
        ensure_default_stages()
        yield app, queue
        flush()
        db.session.rollback()
        _empty_tables()
        db.session.remove()


def _work(queue) -> None:
    from rq import SimpleWorker

    from crm.jobs.runner import WithoutCommandChannel

    class BurstWorker(WithoutCommandChannel, SimpleWorker):
        pass

    BurstWorker([queue], connection=queue.connection).work(burst=True)


@needs_redis
@one_queue
def test_the_rq_runner_queues_the_jobs_for_a_worker(redis_app):
    _app, queue = redis_app
    forum = seed_forum()
    officer = make_user(Role.OFFICER)
    job = services.start_import(officer, forum, "attendees.csv", SHARED_FILE.read_bytes())
    services.confirm_mapping(officer, job, job.mapping)
    assert queue.count == 1  # nothing ran in the request: a worker will
    assert db.session.get(ImportJob, job.id).status == ImportStatus.ANALYSING

    _work(queue)
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.status == ImportStatus.PREVIEW, job.error

    services.run_import(officer, job)
    assert queue.count == 1 and _people() == 0
    _work(queue)
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.status == ImportStatus.DONE, job.error
    assert job.created_count == 260 and _people() == 260
    assert queue.count == 0


def test_the_worker_command_refuses_to_start_without_redis(runner):
    result = runner.invoke(args=["crm", "worker"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


@needs_redis
@one_queue
def test_the_worker_command_works_the_queue(tmp_path):
    """`flask crm worker --burst`: a real (forking) RQ worker runs the queued analysis."""
    from rq import Queue

    from crm.jobs.runner import QUEUE_NAME, redis_connection

    app = build_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/w.sqlite3",
                    REDIS_URL=REDIS_URL, JOB_RUNNER="rq")
    with app.app_context():
        queue = Queue(QUEUE_NAME, connection=redis_connection())
        queue.empty()
        db.create_all()
        ensure_default_stages()
        forum = seed_forum()
        officer = make_user(Role.OFFICER)
        job = services.start_import(officer, forum, "attendees.csv", SHARED_FILE.read_bytes())
        services.confirm_mapping(officer, job, job.mapping)
        job_id = job.id
        db.session.remove()
    try:
        result = app.test_cli_runner().invoke(args=["crm", "worker", "--burst"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            assert db.session.get(ImportJob, job_id).status == ImportStatus.PREVIEW
            db.session.remove()
    finally:
        with app.app_context():
            queue.empty()
            db.engine.dispose()
