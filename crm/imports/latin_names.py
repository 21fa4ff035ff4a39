"""Two Latin spellings of one Moroccan name: keys that let them meet, and the comparison
that decides. Transliterations vary in their vowels and a few consonants (Meryem / Maryam,
Othmane / Osman / Otmane, Ghita / Rita, Hamza / Hamsa, Lamine / Amine, Zineb / Zaynab),
surnames in their articles and doubled letters (El Fassi / Elfassi, Bennani / Benani);
different surnames that share their consonants (Ziani / Ouazzani) must not meet."""

from functools import lru_cache

from rapidfuzz import fuzz

from crm.common.text import has_arabic, to_latin, words
from crm.search.keys import ARTICLES

FIRST_NAME_MIN = 80  # rapidfuzz ratio of the canonical first names
SHORT_FIRST_NAME_MIN = 90  # of four letters or less: Said and Saad are two names
SURNAME_MIN = 86


@lru_cache(maxsize=100_000)
def canonical(text: str, first_name: bool = False, unglue: bool = False,
              articles: bool = False) -> str:
    """Letters only, vowels and the consonants that vary folded, articles and doubled letters
    dropped, no final vowel; `unglue`: an article glued to a surname dropped too ("Elfassi"
    as "Fassi", which also makes "Alaoui" "Aoui": both forms are compared); `articles`: the
    articles kept ("Ben Moussa" as "Benmoussa")."""
    parts = [w for w in words(text) if first_name or articles or w not in ARTICLES]
    latin = "".join(to_latin(w) for w in parts).lower()
    if unglue and latin.startswith(("el", "al")) and len(latin) > 5:
        latin = latin[2:]
    if latin.startswith("gh"):
        latin = "r" + latin[2:]  # Ghita, Rita
    for old, new in (("th", "t"), ("ou", "u"), ("o", "u"), ("ee", "i"), ("e", "a"),
                     ("y", "i"), ("z", "s"), ("w", "u"), ("q", "k"), ("'", "")):
        latin = latin.replace(old, new)
    letters = [c for c in latin if c.isalpha()]
    folded = "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])
    return folded[:-1] if len(folded) > 3 and folded[-1] in "aiu" else folded


def _consonants(key: str) -> str:
    return "".join(c for c in key if c not in "aiu")


def block_keys(first: str, last: str) -> set[str]:
    """The keys under which a Latin name's variants are looked for: the surname's consonants
    (with and without a glued article) and the first name's first sound (a leading l
    dropped: Lamine is al-Amine)."""
    if not (first and last) or has_arabic(first + last):
        return set()
    first_key = canonical(first, first_name=True)
    if first_key.startswith("l") and len(first_key) > 3 and first_key[1] in "aiu":
        first_key = first_key[1:]
    surnames = {_consonants(form) for form in _surname_forms(last)}
    return {f"~{surname}|{first_key[:1]}" for surname in surnames if surname and first_key}


def _surname_forms(last: str) -> set[str]:
    """A surname with its articles dropped, kept, and a glued article dropped."""
    return {canonical(last), canonical(last, unglue=True), canonical(last, articles=True)}


def _first_names_agree(a: str, b: str) -> bool:
    x, y = canonical(a, first_name=True), canonical(b, first_name=True)
    if not x or not y:
        return False
    if len(x) == 1 or len(y) == 1:  # an initial: "M. Bennani"
        return x[0] == y[0]
    candidates = {(x, y), (x.removeprefix("l"), y), (x, y.removeprefix("l"))}
    needed = FIRST_NAME_MIN if min(len(x), len(y)) > 4 else SHORT_FIRST_NAME_MIN
    return max(fuzz.ratio(p, q) for p, q in candidates) >= needed


def latin_score(first_a: str, last_a: str, first_b: str, last_b: str) -> int | None:
    """100 or 0 when both names are in Latin letters with a first and a last name; None when
    this comparison cannot tell (another script, a missing part)."""
    if not (first_a and last_a and first_b and last_b) or has_arabic(
            first_a + last_a + first_b + last_b):
        return None
    surname = max(fuzz.ratio(x, y) for x in _surname_forms(last_a)
                  for y in _surname_forms(last_b))
    if surname < SURNAME_MIN:
        return 0
    return 100 if _first_names_agree(first_a, first_b) else 0
