"""Phone numbers: parsed with Morocco as the default region, stored in E.164."""

from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "MA"


def to_e164(raw: str | None) -> str | None:
    """The E.164 form of a valid number, None when empty; ValueError when invalid."""
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from error
    # "Possible" (the right length for the country) rather than "valid": the library's list of
    # allocated ranges lags behind the operators, and a real attendee must not be refused.
    if not phonenumbers.is_possible_number(number):
        raise ValueError("invalid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def display(e164: str | None) -> str:
    """National format for Moroccan numbers, international for the others (remembered: a
    list page parses and formats each of its numbers again on every visit)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164  # a stored value that is not a number (an import's, a mark): as it is
    if number.country_code == 212:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def digits_for_search(text: str) -> str | None:
    """The E.164 digits a typed (maybe partial) phone number starts with, or None if not one."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 4 or len(digits) < len(text.replace(" ", "").replace("-", "")) - 1:
        return None
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "212" + digits[1:]
    return digits
