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


@crm_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Reset a user's two-factor sign-in (a lost phone, when no other administrator can):
    they set it up again at their next sign-in."""
    from crm.auth import two_factor

    user = auth_services.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    two_factor.reset(None, user)
    click.echo(f"Two-factor sign-in of {user.email} reset; their sessions ended.")


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
    click.echo(f"admin@demo.crm also asks for a code: add the key {demo.DEMO_TOTP_SECRET} to an "
               "authenticator app, or run `flask --app wsgi crm demo-code`.")


@crm_cli.command("demo-code")
def demo_code() -> None:
    """Print the demo administrator's current sign-in code (from the public demo key)."""
    import pyotp

    from crm import demo

    click.echo(pyotp.TOTP(demo.DEMO_TOTP_SECRET).now())


class _ProgressBars:
    """One terminal progress bar per table being written."""

    def __init__(self):
        self.bar = None

    def start(self, label: str, total: int) -> None:
        self.bar = click.progressbar(length=max(total, 1), label=f"{label:<26}", width=30,
                                     show_pos=True, file=sys.stderr)
        self.bar.render_progress()

    def advance(self, count: int) -> None:
        self.bar.update(min(count, self.bar.length - self.bar.pos))

    def finish(self) -> None:
        self.bar.update(self.bar.length - self.bar.pos)
        self.bar.render_finish()


@crm_cli.command("seed-synthetic")
@click.option("--scale", type=click.FloatRange(min=0.0001, max=10.0), default=1.0,
              show_default=True, help="1 = 10,000 organizations, 100,000 people, 20,000 projects, "
              "200,000 transitions, 300,000 follow-ups, 500,000 measurements.")
@click.option("--seed", type=int, default=2024, show_default=True,
              help="The same seed on the same day gives the same data.")
def seed_synthetic(scale: float, seed: int) -> None:
    """Fill the database with a large synthetic dataset (bulk inserts), for benchmarks."""
    from crm.demo import synthetic

    counts = synthetic.target_counts(scale)
    click.echo(f"Writing synthetic data at scale {scale:g}: " + ", ".join(
        f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items()) + ".")
    try:
        summary = synthetic.seed_synthetic(scale, seed, progress=_ProgressBars())
    except synthetic.SyntheticDataPresent as error:
        raise click.ClickException(
            f"This database already holds synthetic data (users @{error}). Running again would "
            "mix two datasets. To start from an empty database: delete the SQLite file (or drop "
            "and create the PostgreSQL database), run `flask db upgrade`, then this command "
            "again.") from error
    width = max(len(name) for name in summary.counts)
    for name, rows in summary.counts.items():
        click.echo(f"  {name:<{width}} {rows:>10,}")
    click.echo(f"{summary.total:,} rows in {summary.seconds:.1f} s.")


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
    from crm.jobs.runner import QUEUE_NAME, WithoutCommandChannel, redis_connection

    # Each job runs in a forked child: it must not inherit the parent's database connections.
    db.engine.dispose()
    connection = redis_connection()
    click.echo(f"Working on the queue {QUEUE_NAME!r} (Ctrl+C to stop)")
    worker_class = type("BurstWorker", (WithoutCommandChannel, Worker), {}) if burst else Worker
    worker_class([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(
        burst=burst)


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


@crm_cli.command("read-bounces")
@click.argument("paths", nargs=-1, required=True)
def read_bounces(paths: tuple[str, ...]) -> None:
    """Read delivery status reports (files, mbox files, or - for one on standard input, as a
    mail server pipes it) and mark the mailing recipients they say were not delivered."""
    import sys

    from crm.mailings import bounces

    found = [bounce for path in paths
             for report in bounces.read_reports(path, sys.stdin.buffer)
             for bounce in bounces.bounces_in(report)]
    click.echo(f"{bounces.record(found)} recipients marked returned undelivered "
               f"({len(found)} failures reported)")


@crm_cli.command("deliver-webhooks")
@click.option("--now", type=click.DateTime(), default=None,
              help="The time to act at, in UTC (default: now); for tests and catching up.")
def deliver_webhooks(now) -> None:
    """Send the webhook deliveries that are due, retries included (run it every minute)."""
    from crm.webhooks.delivery import deliver_due

    click.echo(f"{deliver_due(now)} webhook delivery attempts made.")
