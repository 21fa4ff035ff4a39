"""Starting a task in the background, and running it with an application context."""

import logging
import threading

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)
QUEUE_NAME = "crm"


def _task(name: str):
    """Tasks by name, so that RQ stores a plain string and imports nothing at enqueue time."""
    from crm.auth import reset
    from crm.bulk import services as bulk
    from crm.imports import services as imports
    from crm.mailings import sending
    from crm.webhooks import delivery as webhooks

    return {"imports.analyse": imports.analyse_job, "imports.run": imports.run_job,
            "auth.send_reset": reset.send_reset, "bulk.run": bulk.run,
            "mailings.send": sending.run, "webhooks.deliver": webhooks.deliver}[name]


def run_task(name: str, job_id: int) -> None:
    """Entry point of every background task, in an RQ worker or a thread."""
    if has_app_context():
        _task(name)(job_id)
        return
    from crm import create_app

    with create_app().app_context():
        _task(name)(job_id)


class WithoutCommandChannel:
    """For an RQ worker run in burst mode (it empties the queue and exits): no channel for
    remote commands (stop, kill), which such a run never gets, and whose closing sometimes
    held the exit for a minute (rq issue #1613). Put it before the worker class."""

    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass


def _run_in_thread(app: Flask, name: str, job_id: int) -> None:
    with app.app_context():
        try:
            _task(name)(job_id)
        except Exception:  # the task records its failure on the job; never kill silently
            log.exception("background task %s for job %s failed", name, job_id)


def redis_connection():
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"])


def enqueue(name: str, job_id: int) -> None:
    """Run the task (on the record `job_id`) in the background according to JOB_RUNNER: rq,
    thread or inline. The caller commits first: the task reads what is in the database."""
    runner = current_app.config["JOB_RUNNER"]
    if runner == "inline":
        _task(name)(job_id)
    elif runner == "rq":
        from rq import Queue

        Queue(QUEUE_NAME, connection=redis_connection()).enqueue(
            run_task, name, job_id, job_timeout=3600)
    else:
        app = current_app._get_current_object()
        threading.Thread(target=_run_in_thread, args=(app, name, job_id), daemon=True).start()
