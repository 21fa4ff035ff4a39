"""Text folding shared by search and duplicate matching (Latin and Arabic scripts)."""

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF]")
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",  # alef with hamza or madda -> bare alef
        "ؤ": "و", "ئ": "ي",  # hamza seats
        "ة": "ه",  # taa marbuta
        "ى": "ي",  # alef maqsura
        "\u0640": None,  # tatweel
    }
)
_NOT_WORD = re.compile(r"[^\w@.+]+", re.UNICODE)


def has_arabic(text: str) -> bool:
    return bool(ARABIC_LETTERS.search(text or ""))


@lru_cache(maxsize=100_000)  # names repeat: an import folds the same few thousand words
def fold(text: str | None) -> str:
    """Lower case, without accents, Arabic diacritics, tatweel or hamza/alef variants."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).translate(_ARABIC_FOLD).casefold()


@lru_cache(maxsize=100_000)
def words(text: str | None) -> tuple[str, ...]:
    """The folded words of a text, punctuation removed (cached: names repeat)."""
    return tuple(w for w in _NOT_WORD.sub(" ", fold(text)).replace("_", " ").split() if w)


def to_latin(text: str) -> str:
    """A Latin-letter rendering of any script (Arabic included), lower case."""
    return anyascii(fold(text)).lower()
