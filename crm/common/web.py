"""What every domain's views share: the acting user, a missing record as a 404 and showing a
broken rule to the user."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, abort, flash, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from crm.common.forms import conflict_rows
from crm.common.ids import INTEGER_MAX, parse_id
from crm.common.records import ConflictError
from crm.errors import ServiceError


def actor():
    """The logged-in user as a plain object, to hand to services."""
    return current_user._get_current_object()


T = TypeVar("T")


def found_or_404(record: T | None) -> T:
    """The record a URL names, or a 404 when there is none (or none this user may know of)."""
    if record is None:
        abort(404)
    return record


def report_service_error(form, error: ServiceError) -> None:
    """A business-rule error goes next to its field, or in a flash when it names none."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error.message))
    else:
        flash(str(error.message), "danger")


def private_link_headers(response):
    """A page behind a secret link (an application's, an unsubscribe link): its address is
    never sent on to another site, nor indexed."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def flash_form_errors(form) -> None:
    """A form posted from another page (a panel, a list) says what was wrong in flashes,
    one per field, on the page it goes back to."""
    for errors in form.errors.values():
        flash(" ".join(str(error) for error in errors), "danger")


@dataclass
class Submission:
    """What came of a submitted edit form: saved (with what `save` returned), or not, with
    the differences to show when someone else saved the record first."""

    saved: bool = False
    result: object = None
    conflict: list | None = None


def submit(form, fields: list[str], save: Callable[[], object]) -> Submission:
    """The edit loop every domain shares: when the form is valid, `save()`. A version
    conflict compares what the user typed with what is saved (`fields`) and gives the form the
    saved version, so that saving again overwrites knowingly; a broken rule goes next to its
    field. Nothing the user typed is lost either way."""
    if not form.validate_on_submit():
        return Submission()
    try:
        result = save()
    except ConflictError as error:
        form.version.data = error.record.version
        return Submission(conflict=conflict_rows(form, error.record, fields))
    except ServiceError as error:
        report_service_error(form, error)
        return Submission()
    return Submission(saved=True, result=result)


class IdConverter(IntegerConverter):
    """`<int:...>` in every URL: a number the id columns can hold (32-bit INTEGER on
    PostgreSQL), so a larger one is a 404 rather than an overflow in the database."""

    def __init__(self, map, fixed_digits=0, min=None, max=INTEGER_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _refuse_bad_query() -> None:
    """A NUL byte in the path or query string (PostgreSQL refuses it in text) or an id-like
    filter larger than any id is a 400; `page` is clamped by the list instead, and the search
    texts (`q`, `person_q`, `org_q`) may be long phone numbers."""
    if "\x00" in request.path:
        abort(400)
    for name, value in request.args.items(multi=True):
        if "\x00" in value or "\x00" in name:
            abort(400)
        if _is_id_filter(name) and value.strip().isdigit() and parse_id(value) is None:
            abort(400)  # digits no id column holds, or digits int() does not read (²)


def _is_id_filter(name: str) -> bool:
    return name != "page" and name != "q" and not name.endswith("_q")


def register_input_guards(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_bad_query)


# A page following a background job (an import, a bulk action, a mailing) asks for its
# progress a quarter of a second after it opens, then twice as late each time, until its own
# pace: a small job is over before the first second is out, and its user sees it then.
FIRST_POLL_MS = 250


def next_poll(every_s: int) -> tuple[str, int]:
    """The htmx trigger of the next progress question, and the `polls` to send with it (how
    many this page asked before; anything unreadable is none). The early questions come with
    the page's own pace as well, should one of them fail."""
    value = request.args.get("polls", "")
    asked = min(int(value), 8) if value.isascii() and value.isdigit() and len(value) < 4 else 0
    delay_ms = FIRST_POLL_MS << asked
    if delay_ms >= every_s * 1000:
        return f"every {every_s}s", asked + 1
    return f"load delay:{delay_ms}ms, every {every_s}s", asked + 1


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["next_poll"] = next_poll
