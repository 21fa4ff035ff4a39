"""Full names split into first and last name, knowing Moroccan compound first names
("Fatima Zahra", "Abdel Ilah", "Mohamed Amine", "Lalla Salma") and surname particles
("El Amrani", "Ben Moussa", "Ait Taleb")."""

from crm.common.text import fold

# Words that begin a compound first name, and the words that may follow them.
_FIRST_PREFIXES = {"abd", "abdel", "abdul", "abdal", "abdou", "lalla", "moulay", "sidi",
                   "mly", "my"}
_COMPOUNDS = {
    "fatima": {"zahra", "zohra", "ezzahra", "ezzohra", "azzahra", "zahrae", "ez", "el"},
    "mohamed": {"amine", "reda", "ali", "yassine", "salah", "karim", "mehdi", "taha", "anas",
                "ayoub", "achraf"},
    "mohammed": {"amine", "reda", "ali", "yassine", "salah", "karim", "mehdi", "taha"},
    "nour": {"eddine", "el", "elhouda", "al"}, "noor": {"eddine"}, "nor": {"eddine"},
    "sidi": set(), "lalla": set(), "moulay": set(),
    "ahmed": {"amine", "reda"}, "said": set(), "saad": {"eddine"}, "salah": {"eddine"},
    "badr": {"eddine"}, "nasr": {"eddine"}, "kamal": {"eddine"}, "alae": {"eddine"},
    "ala": {"eddine"}, "zine": {"eddine", "el"}, "nour el": {"houda"}, "oum": {"kaltoum"},
}
_LINKS = {"el", "al", "ed", "ad", "ez", "az", "es", "as", "ech", "ach"}
# After a link, only these end a first name: "Nour El Houda" is a first name, "El Amrani" a
# surname (a particle: El, Ben, Ait... begins the surname).
_AFTER_LINK = {"houda", "hoda", "islam", "imane", "abidine", "kader", "kbir", "aziz", "ilah",
               "hak", "haq", "latif", "majid", "rahim", "rahman", "razak", "ghani", "jalil",
               "karim", "wahab", "hadi", "zahra", "zohra", "hafid", "hamid", "hakim", "khalek"}


def _first_name_length(words: list[str]) -> int:
    """How many of the leading words make the first name (at least one)."""
    keys = [fold(w).replace("-", "") for w in words]
    length = 1
    if keys[0] in _FIRST_PREFIXES and len(words) > 2:
        length = 2  # Abdel Ilah, Lalla Salma, Moulay Hassan
        if keys[1] in _LINKS:
            length = 3 if len(words) > 3 and keys[2] in _AFTER_LINK else 1  # Abd El Kader
    elif keys[0] in _COMPOUNDS and len(words) > 2 and keys[1] in _COMPOUNDS[keys[0]]:
        length = 2  # Fatima Zahra, Mohamed Amine, Nour Eddine
        if keys[1] in _LINKS:
            length = 3 if len(words) > 3 and keys[2] in _AFTER_LINK else 1  # Nour El Houda
    return length


def split_full_name(text: str) -> tuple[str, str]:
    """(first name, last name) of a full name as registration tools write it."""
    text = " ".join((text or "").split())
    if not text:
        return "", ""
    if "," in text:  # "TAZI, Fatima Zahra"
        last, first = (part.strip() for part in text.split(",", 1))
        return first, last
    words = text.split(" ")
    if len(words) == 1:
        return words[0], ""
    upper = [w.isupper() and len(w) > 1 for w in words]
    if upper[0] and not all(upper):  # "TAZI Fatima Zahra": the surname in capitals first
        count = next(i for i, u in enumerate(upper) if not u)
        return " ".join(words[count:]), " ".join(words[:count])
    length = _first_name_length(words)
    return " ".join(words[:length]), " ".join(words[length:])
