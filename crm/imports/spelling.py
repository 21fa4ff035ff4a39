"""Which of two spellings of one person's name to keep: the cleaner one, whichever line of
the file it came from ("Chraïbi" rather than "CHRAÏBI", "Fatima Zahra" rather than "Fatima")."""

import unicodedata


def _word_quality(word: str) -> int:
    """2: capitalised as a name is ("Chraïbi", "El", "McKenzie"); 1: all one case."""
    letters = [c for c in word if c.isalpha()]
    if not letters or not any(c.isupper() or c.islower() for c in letters):
        return 2  # a script without case (Arabic)
    return 2 if letters[0].isupper() and any(c.islower() for c in letters[1:]) else 1


def _accents(text: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", text) if unicodedata.combining(c))


def name_quality(first: str, last: str) -> tuple:
    """Higher is cleaner: well-cased words, then more words (more complete), then accents."""
    words = f"{first or ''} {last or ''}".split()
    cased = min((_word_quality(w) for w in words), default=0)
    return cased, len(words), len("".join(words)), _accents(" ".join(words))


def cleaner(values: dict, other: dict) -> bool:
    """Whether `other` spells the (Latin) name better than `values`."""
    if not (other.get("first_name") or other.get("last_name")):
        return False
    return name_quality(other.get("first_name"), other.get("last_name")) > name_quality(
        values.get("first_name"), values.get("last_name"))
