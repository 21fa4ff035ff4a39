"""Turning names, emails and phones into search tokens, and queries into prefixes."""

from functools import lru_cache

from crm.common.phones import digits_for_search
from crm.common.text import has_arabic, to_latin, words

MAX_TOKEN = 120
SKELETON_MARK = "~"  # tokens that are name skeletons, for duplicate matching, not search
FULL_NAME = SKELETON_MARK + "="  # the skeleton of a whole name


def _arabic_variants(word: str) -> list[str]:
    """العمراني is also found as عمراني: the article is often left out when typing."""
    if has_arabic(word) and word.startswith("ال") and len(word) > 3:
        return [word[2:]]
    return []


def name_tokens(*names: str | None) -> set[str]:
    tokens = set()
    for name in names:
        parts = words(name)
        for part in parts:
            tokens.add(part)
            tokens.update(_arabic_variants(part))
        # "El Amrani" is also typed "elamrani"
        tokens.update(a + b for a, b in zip(parts, parts[1:], strict=False))
    return tokens


def email_tokens(email: str | None) -> set[str]:
    if not email:
        return set()
    email = email.lower()
    return {email, email.split("@")[0]}


def phone_tokens(e164: str | None) -> set[str]:
    return {e164.lstrip("+")} if e164 else set()


@lru_cache(maxsize=100_000)
def word_skeleton(word: str) -> str:
    """The consonants of one word in Latin letters, spelling variants folded."""
    latin = to_latin(word).replace("ch", "sh").replace("ou", "w").replace("q", "k")
    latin = latin.replace("c", "s").replace("'", "")
    kept = [c for c in latin if c.isalpha() and c not in "aeiouyw`"]
    collapsed = "".join(c for i, c in enumerate(kept) if i == 0 or c != kept[i - 1])
    # a final h is often only a written vowel (taa marbuta, "Abdellah" / "Abdella")
    return collapsed[:-1] if len(collapsed) > 2 and collapsed.endswith("h") else collapsed


@lru_cache(maxsize=100_000)
def skeleton(text: str | None, strip_articles: bool = False) -> str:
    """Consonants of a name: "Mohamed El Amrani" and "محمد العمراني" meet. A name's skeleton
    is its words' skeletons put together, so a full name's is its parts' (which repeat from
    one person to the next, and are cached)."""
    parts = [w for w in words(text) if w not in ARTICLES]
    if strip_articles:
        parts = [_word_variants(w)[-1] for w in parts]
    return "".join(word_skeleton(w) for w in parts)


def _word_variants(word: str) -> list[str]:
    """"elamrani" is also "amrani", "العمراني" also "عمراني": the article may be glued on."""
    variants = [word]
    if word.startswith(("el", "al")) and len(word) > 4 and not has_arabic(word):
        variants.append(word[2:])
    if has_arabic(word) and word.startswith("ال") and len(word) > 3:
        variants.append(word[2:])
    return variants


def skeleton_tokens(*names: str | None) -> set[str]:
    """Word skeletons, articles dropped or glued, marked so that search never sees them."""
    tokens = set()
    for name in names:
        parts = words(name)
        for index, word in enumerate(parts):
            if word in ARTICLES:
                if index + 1 < len(parts):  # "El Amrani" also reads "Elamrani"
                    tokens.add(SKELETON_MARK + word_skeleton(word + parts[index + 1]))
                continue
            for variant in _word_variants(word):
                key = word_skeleton(variant)
                if len(key) >= 2:
                    tokens.add(SKELETON_MARK + key)
    return tokens


def full_name_keys(first: str | None, last: str | None, arabic: str | None) -> list[str]:
    """Skeletons of the whole name, with and without articles, in both scripts."""
    keys = {skeleton(first, strip) + skeleton(last, strip) for strip in (False, True)}
    keys |= {skeleton(arabic, strip) for strip in (False, True)}
    return sorted(k for k in keys if len(k) >= 3)


def person_name_tokens(first: str | None, last: str | None, arabic: str | None) -> set[str]:
    """The blocking keys under which a person's possible duplicates are looked for."""
    return skeleton_tokens(last, arabic) | {
        FULL_NAME + key for key in full_name_keys(first, last, arabic)}


ARTICLES = {"el", "al", "de", "du", "la", "le", "les", "des", "d", "l", "ben", "bin", "ibn",
            "ait", "ou", "bent", "و", "بن", "ابن"}


def query_prefixes(query: str) -> list[str]:
    """The token prefixes a query asks for: every word must be found (AND)."""
    phone = digits_for_search(query)
    if phone:
        return [phone]
    return [w[:MAX_TOKEN] for w in words(query)][:6]


def clip(tokens: set[str]) -> set[str]:
    return {t[:MAX_TOKEN] for t in tokens if t}
