"""Pages per second from a real gunicorn: a list page against /healthz, in the same run.

gunicorn -w 4 serves `wsgi:app` on a free local port; a few clients (processes, each with an
http.client connection it reuses whenever the server keeps it open) ask for one page as fast
as the server answers, for a few seconds. The list page is asked with the session cookie of
one login done at the start (through the real form, CSRF token included). There is no
hello-world route (routes may not be added for a benchmark): /healthz, which runs one
`SELECT 1`, stands for it.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "instance" / "bench" / "gunicorn.log"


@dataclass
class Throughput:
    path: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str, port: int, workers: int = 4) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "CRM_ENV": "development",
           "CRM_JOB_RUNNER": "inline"}
    LOG.parent.mkdir(parents=True, exist_ok=True)
    log = LOG.open("w", encoding="utf-8")
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b",
               f"127.0.0.1:{port}", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log,
                            start_new_session=True)


def stop_gunicorn(server: subprocess.Popen) -> None:
    """TERM to the arbiter (it stops its workers), KILL to its group if it lingers."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited (code {server.returncode}); see {LOG}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {LOG}")


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def login(port: int, email: str, password: str) -> str:
    """The Cookie header of a session logged in through the login form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    page = connection.getresponse()
    cookies = _cookies(page)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      page.read().decode("utf-8"))
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    body = urlencode({"email": email, "password": password, "csrf_token": token.group(1)})
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    connection.request("POST", "/login", body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    cookies.update(_cookies(answer))
    if answer.status != 302:
        raise RuntimeError(f"login through gunicorn answered {answer.status}, not 302")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _client(port: int, path: str, headers: dict, seconds: float) -> tuple[list[float], int]:
    """One client: ask for `path` again and again for `seconds`, on one connection (opened
    again when the server closes it: gunicorn's sync workers answer `Connection: close`)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, errors = [], 0
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            connection.close()
            ok = False
        if ok:
            times.append(time.perf_counter() - started)
        else:
            errors += 1
    connection.close()
    return times, errors


def drive(port: int, path: str, cookie: str | None, clients: int = 8,
          seconds: float = 5.0) -> Throughput:
    """Ask for `path` from `clients` concurrent clients for `seconds`; count the 200 answers.
    Each client is a process: threads of one process, waiting on each other for the GIL at
    every read of a large page, held the list page to what one client could take."""
    headers = {"Cookie": cookie} if cookie else {}
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        out = pool.starmap(_client, [(port, path, headers, seconds)] * clients)
    elapsed = time.perf_counter() - started
    times = sorted(t for found, _errors in out for t in found)
    errors = sum(e for _found, e in out)
    return Throughput(path, len(times), errors, min(elapsed, seconds), _ms(times, 0.5),
                      _ms(times, 0.95))


def _ms(sorted_times: list[float], p: float) -> float:
    if not sorted_times:
        return float("nan")
    if len(sorted_times) == 1:
        return sorted_times[0] * 1000
    return statistics.quantiles(sorted_times, n=100, method="inclusive")[round(p * 100) - 1] * 1000


def compare_pages(database_url: str, email: str, password: str, list_paths: list[str],
                  clients: int, seconds: float) -> tuple[dict[str, Throughput], Throughput]:
    """({list page: throughput}, /healthz throughput) from one gunicorn, stopped whatever
    happens."""
    port = free_port()
    server = start_gunicorn(database_url, port)
    try:
        wait_until_up(port, server)
        cookie = login(port, email, password)
        # a short warm-up: every worker imports its templates and opens its connections
        for path in list_paths:
            drive(port, path, cookie, clients, 1.0)
        drive(port, "/healthz", None, clients, 0.5)
        listings = {path: drive(port, path, cookie, clients, seconds) for path in list_paths}
        hello = drive(port, "/healthz", None, clients, seconds)
        return listings, hello
    finally:
        stop_gunicorn(server)
