"""Command line: `flask crm ...` for operations, `flask translate ...` for the catalogs."""

import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from crm.auth import services as auth_services
from crm.auth.models import Role
from crm.errors import ServiceError

crm_cli = AppGroup("crm", help="Operate the CRM.")
translate_cli = AppGroup("translate", help="Extract, update and compile translations.")

ROOT = Path(__file__).resolve().parent.parent


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@crm_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--language", type=click.Choice(["ar", "fr", "en"]), default="fr")
def create_user(email: str, role: str, language: str) -> None:
    """Create or update a user; the password is read from a prompt or standard input."""
    password = _read_password()
    try:
        user, created = auth_services.upsert_user(email, password, Role(role), language)
    except ServiceError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"{'Created' if created else 'Updated'} {user.email} ({user.role.value})")


@crm_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no user yet.")
def seed_demo(if_empty: bool) -> None:
    """Load the demo data (idempotent) and print the demo logins."""
    from crm import demo

    if if_empty and not demo.is_database_empty():
        click.echo("The database already holds data: demo data not loaded.")
    else:
        demo.seed_demo()
        click.echo("Demo data loaded.")
    click.echo(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
    for email, role, _language, _name in demo.DEMO_USERS:
        click.echo(f"  {role.value:<10} {email}")


# Babel skips folders starting with "_" by default; templates/_macros must be read too.
EXTRACT_ARGS = ("extract", "-F", "babel.cfg", "-k", "_l", "-k", "_n:1,2", "--ignore-dirs", ".*",
                "--no-location", "--sort-output")


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", *args]
    subprocess.run(command, check=True, cwd=ROOT)


@translate_cli.command("extract")
def extract() -> None:
    """Extract messages into messages.pot."""
    _pybabel(*EXTRACT_ARGS, "-o", "messages.pot", ".")


@translate_cli.command("update")
def update() -> None:
    """Extract, then merge new messages into every catalog."""
    extract.callback()
    _pybabel("update", "-i", "messages.pot", "-d", "translations", "--no-fuzzy-matching",
             "--ignore-obsolete")


@translate_cli.command("compile")
def compile_catalogs() -> None:
    """Compile the catalogs into .mo files."""
    _pybabel("compile", "-d", "translations")


@translate_cli.command("init")
@click.argument("language")
def init(language: str) -> None:
    """Start a catalog for a new language."""
    extract.callback()
    _pybabel("init", "-i", "messages.pot", "-d", "translations", "-l", language)
    click.echo(f"Languages configured: {', '.join(current_app.config['LANGUAGES'])}")


@crm_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst: bool) -> None:
    """Run the background jobs (attendee imports) queued in Redis; needs REDIS_URL."""
    if not current_app.config["REDIS_URL"]:
        raise click.ClickException(
            "REDIS_URL is not set: there is no queue to work on. Without Redis, background "
            "jobs run inside the application process and need no worker.")
    from rq import Queue, Worker

    from crm.extensions import db
    from crm.jobs.runner import QUEUE_NAME, redis_connection

    # Each job runs in a forked child: it must not inherit the parent's database connections.
    db.engine.dispose()
    connection = redis_connection()
    click.echo(f"Working on the queue {QUEUE_NAME!r} (Ctrl+C to stop)")
    Worker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=burst)


@crm_cli.command("send-reminders")
def send_reminders() -> None:
    """Email each user their overdue and due-soon follow-ups (run it once a day)."""
    import smtplib

    from crm.followups.reminders import send_reminders as send

    try:
        count = send()
    except (OSError, smtplib.SMTPException) as error:
        raise click.ClickException(f"The mail server refused the reminders: {error}") from error
    click.echo(f"{count} reminder email{'s' if count != 1 else ''} sent.")
