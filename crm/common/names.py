"""One display rule for names written in two scripts: the reader's script first.

People, organizations, projects and funders have a Latin name and an Arabic one. An Arabic
page shows the Arabic name first, French and English pages the Latin one; the other name is
shown beside it on the record's own page and in lists, where both help. Templates, exports
and emails all go through `display_name` and `other_name`."""

from flask import has_app_context
from flask_babel import get_locale

from crm.common.text import has_arabic


def reader_reads_arabic() -> bool:
    """Whether the current page or email is in Arabic (the locale of the request, or the one
    forced for an email: `force_locale`)."""
    if not has_app_context():
        return False
    locale = get_locale()
    return locale is not None and locale.language == "ar"


def in_reader_order(latin: str, arabic: str) -> tuple[str, str]:
    """(the name to show, the other one or ""), the reader's script first."""
    latin, arabic = (latin or "").strip(), (arabic or "").strip()
    first, second = (arabic, latin) if reader_reads_arabic() else (latin, arabic)
    if not first:
        return second, ""
    return first, second if second != first else ""


def in_query_order(query: str, latin: str, arabic: str) -> tuple[str, str]:
    """(name, other name) with the name in the script the search was typed in first."""
    latin, arabic = (latin or "").strip(), (arabic or "").strip()
    if not (query or "").strip() or not (latin and arabic):
        return in_reader_order(latin, arabic)
    first, second = (arabic, latin) if has_arabic(query) else (latin, arabic)
    return first, second if second != first else ""


class NamedInTwoScripts:
    """For models with a Latin and an Arabic name (`_latin_name`, `_arabic_name`)."""

    @property
    def _latin_name(self) -> str:
        return self.name

    @property
    def _arabic_name(self) -> str:
        return self.name_arabic

    @property
    def display_name(self) -> str:
        return in_reader_order(self._latin_name, self._arabic_name)[0]

    @property
    def other_name(self) -> str:
        """The name in the other script, when there is one to show beside `display_name`."""
        return in_reader_order(self._latin_name, self._arabic_name)[1]

    def names_for_query(self, query: str) -> tuple[str, str]:
        """(name, other name), the one in the script of `query` first (search results)."""
        if getattr(self, "anonymized_at", None) is not None:
            return self.display_name, ""
        return in_query_order(query, self._latin_name, self._arabic_name)

    @property
    def other_name_lang(self) -> str:
        """The `lang` of `other_name`: "ar" when it is the Arabic name."""
        return "" if reader_reads_arabic() else "ar"
