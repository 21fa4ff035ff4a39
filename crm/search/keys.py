"""Turning names, emails and phones into search tokens, and queries into prefixes."""

from crm.common.phones import digits_for_search
from crm.common.text import has_arabic, to_latin, words

MAX_TOKEN = 120
SKELETON_MARK = "~"  # tokens that are name skeletons, for duplicate matching, not search


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


def skeleton(text: str | None) -> str:
    """Consonants of a name in Latin letters: "Mohamed El Amrani" and "محمد العمراني" meet."""
    latin = to_latin(text or "")
    latin = latin.replace("ch", "sh").replace("ou", "w").replace("q", "k").replace("'", "")
    kept = [c for c in latin if c.isalpha() and c not in "aeiouyw`"]
    collapsed = [c for i, c in enumerate(kept) if i == 0 or c != kept[i - 1]]
    return "".join(collapsed)


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
                    tokens.add(SKELETON_MARK + skeleton(word + parts[index + 1]))
                continue
            for variant in _word_variants(word):
                key = skeleton(variant)
                if len(key) >= 2:
                    tokens.add(SKELETON_MARK + key)
    return tokens


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
