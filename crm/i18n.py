"""Languages: choosing the locale, its text direction, and Babel formatters for templates."""

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, dates, numbers
from flask import Flask, current_app, has_request_context, request
from flask_babel import (
    format_currency,
    format_date,
    get_locale,
    get_translations,
    gettext,
    to_user_timezone,
)
from flask_login import current_user

from crm.common.places import city_label

LANGUAGE_COOKIE = "lang"
# Each language is named in itself in the switcher, so anyone can find their own.
NATIVE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}


def select_locale() -> str:
    """The user's preference, then the switcher's cookie, then the browser's Accept-Language.
    An API client's Accept-Language comes first: a program asks for the language it shows
    (a person reading the API's documentation page is served as on any page)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI, background jobs: callers use force_locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if (request.path.startswith("/api/") and "Authorization" in request.headers
            and request.accept_languages.best_match(languages)):
        return request.accept_languages.best_match(languages)
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def in_reader_language(record, field: str) -> str:
    """`record.<field>_<lang>` in the reader's language, else French, English, Arabic."""
    lang = str(get_locale() or "fr")
    for code in (lang, "fr", "en", "ar"):
        text = getattr(record, f"{field}_{code}", "") or ""
        if text.strip():
            return text
    return ""


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def list_separator() -> str:
    """", " between the items of a list, "، " (the Arabic comma) on Arabic pages."""
    if has_request_context() and str(get_locale()).startswith("ar"):
        return "، "
    return ", "


def join_list(items) -> str:
    """The items (strings, numbers, labels) as a list in the reader's language."""
    return list_separator().join(str(item) for item in items)


def text_direction() -> str:
    return Locale.parse(str(get_locale())).text_direction


def format_number(number, format: str | None = None) -> str:
    """`flask_babel.format_decimal`, remembered: the same counts come back on every row of a
    report, and Babel applies its pattern anew each time."""
    return _formatted(type(number), number, format, str(get_locale()))


@lru_cache(maxsize=8192)
def _formatted(_type: type, number, format: str | None, locale: str) -> str:
    return numbers.format_decimal(number, format=format, locale=locale)


def format_day(value: date | datetime | None, format: str | None = None) -> str:
    """`flask_babel.format_date` (the `dateformat` filter), remembered per day: a list shows
    the same days on many rows, and Babel applies its pattern anew each time."""
    if value is None:
        return format_date(value, format)  # today, as Flask-Babel does
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return _formatted_day(value, format or "medium", str(get_locale()))


@lru_cache(maxsize=8192)
def _formatted_day(day: date, format: str, locale: str) -> str:
    return dates.format_date(day, format=format, locale=locale)


def format_size(size: int) -> str:
    """A file's size in kilobytes or megabytes, in the reader's language."""
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=format_number(max(1, round(size / 1024))))
    return gettext("%(size)s MB", size=format_number(round(size / (1024 * 1024), 1)))


def format_mad(amount: Decimal | int | None) -> str:
    """A Moroccan dirham amount, formatted for the current locale."""
    if amount is None:
        return ""
    return format_currency(amount, "MAD")


def install_template_gettext(app: Flask) -> None:
    """The templates' `_`, `gettext`, `ngettext`, `pgettext` and `npgettext`: Jinja's new-style
    callables, as Flask-Babel installs them, reading the catalog of the current locale (a
    forced one included) from a dict kept per locale. Flask-Babel finds it again on each call,
    through five lookups in `g`: 30 µs a message, and a list page shows about fifty."""
    catalogs = {}

    def catalog():
        locale = get_locale()
        found = catalogs.get(locale)
        if found is None:
            found = catalogs[locale] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalog().ugettext(string),
        ngettext=lambda singular, plural, n: catalog().ungettext(singular, plural, n),
        pgettext=lambda context, string: catalog().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: catalog().unpgettext(
            context, singular, plural, n),
        newstyle=True,
    )
    # `_` is the same callable rather than Jinja's alias, which looks `gettext` up on each call.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]


def register_i18n(app: Flask) -> None:
    install_template_gettext(app)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["mad"] = format_mad
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["dateformat"] = format_day
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["city"] = city_label
    app.jinja_env.filters["commas"] = join_list
    app.jinja_env.globals["list_separator"] = list_separator

    @app.context_processor
    def inject_language():
        return {
            "lang": str(get_locale()),
            "text_direction": text_direction(),
            "language_names": NATIVE_NAMES,
            "languages": app.config["LANGUAGES"],
        }
