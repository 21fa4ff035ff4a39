"""Record ids read from forms and query strings: digits the id columns can hold, or nothing."""

# Ids and counts are 32-bit INTEGER columns on PostgreSQL: a larger number is no record.
INTEGER_MAX = 2**31 - 1


def parse_id(value) -> int | None:
    """The id written in `value` (ASCII digits, at most INTEGER_MAX), else None."""
    text = str(value if value is not None else "").strip()
    if text.isascii() and text.isdigit() and int(text) <= INTEGER_MAX:
        return int(text)
    return None
