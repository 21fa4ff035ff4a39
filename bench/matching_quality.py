"""Precision and recall of duplicate matching on the shared forum attendee file.

    .venv/bin/python bench/matching_quality.py [path/to/attendees.csv]

Within the file: every pair of valid lines the matcher puts together is compared with the
groups of the .truth.json beside the file. Against the database: the first line of each
group is imported into an empty database, then the other lines are matched against it.
Invalid lines are compared with the truth's bad lines.
"""

import itertools
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import TestingConfig  # noqa: E402
from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.imports import matching  # noqa: E402
from crm.imports.mapping import guess_mapping  # noqa: E402
from crm.imports.reading import read_table  # noqa: E402
from crm.imports.rows import clean_row  # noqa: E402
from crm.people import services as people  # noqa: E402

FILENAME = "wexchange2024_attendees.csv"
# Where the shared data lives: $CRM_SHARED_DATA, else "shared/data" beside the clone (as the
# tests find it), else beside the clone's parent.
PLACES = [Path(p) for p in [os.environ.get("CRM_SHARED_DATA", "")] if p] + [
    ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]


def _default_file() -> Path:
    for place in PLACES:
        if (place / FILENAME).is_file():
            return place / FILENAME
    print(f"{FILENAME} not found; looked in:", *PLACES, sep="\n  ", file=sys.stderr)
    print("Give its path as the argument, or set CRM_SHARED_DATA.", file=sys.stderr)
    sys.exit(2)


def _pairs(groups) -> set[tuple[int, int]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}


def _score(found: set, truth: set) -> tuple[float, float]:
    hits = len(found & truth)
    return (hits / len(found) if found else 1.0, hits / len(truth) if truth else 1.0)


def by_line_values(rows, line: int) -> dict:
    return next(r.values for r in rows if r.line == line)


def main(path: Path) -> None:
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    table = read_table(path.name, path.read_bytes())
    app = create_app(TestingConfig)
    with app.app_context():
        db.create_all()
        mapping = guess_mapping(table.headers)
        rows = [clean_row(n, cells, mapping, lambda name: 1)
                for n, cells in enumerate(table.rows, start=2)]
        valid = [r for r in rows if r.is_valid]
        invalid = {r.line for r in rows if not r.is_valid}
        ids = [matching.identity(r.line, r.values["first_name"], r.values["last_name"],
                                 r.values["name_arabic"], r.values["email"], r.values["phone"])
               for r in valid]
        groups: dict[int, list[int]] = {}
        for line, (root, _reasons) in matching.cluster(ids).items():
            groups.setdefault(root, [root]).append(line)
        truth_pairs = _pairs(truth["duplicate_line_groups"])
        within = _score(_pairs(groups.values()), truth_pairs)
        blind = [matching.identity(i.key, by_line_values(valid, i.key)["first_name"],
                                   by_line_values(valid, i.key)["last_name"],
                                   by_line_values(valid, i.key)["name_arabic"], None, None)
                 for i in ids]
        blind_groups: dict[int, list[int]] = {}
        for line, (root, _reasons) in matching.cluster(blind).items():
            blind_groups.setdefault(root, [root]).append(line)
        within_by_name = _score(_pairs(blind_groups.values()), truth_pairs)

        firsts = {min(g) for g in truth["duplicate_line_groups"]}
        by_line = {r.line: r for r in valid}
        person_line = {}
        for line in sorted(firsts):
            v = by_line[line].values
            person = people.create_person(None, first_name=v["first_name"],
                                          last_name=v["last_name"],
                                          name_arabic=v["name_arabic"], email=v["email"],
                                          phone=v["phone"])
            person_line[person.id] = line
        others = [i for i in ids if i.key not in firsts]
        found = {tuple(sorted((line, person_line[pid])))
                 for line, (pid, _r) in matching.match_known(others).items()}
        against = _score(found, truth_pairs)
        # The harder case: later lines without email or phone, so only names can tell.
        nameless = [matching.identity(i.key, by_line[i.key].values["first_name"],
                                      by_line[i.key].values["last_name"],
                                      by_line[i.key].values["name_arabic"], None, None)
                    for i in others]
        found = {tuple(sorted((line, person_line[pid])))
                 for line, (pid, _r) in matching.match_known(nameless).items()}
        by_name = _score(found, truth_pairs)
        if "-v" in sys.argv:
            for a, b in sorted(found - truth_pairs):
                print("wrong:", by_line[a].values["first_name"], by_line[a].values["last_name"],
                      by_line[a].values["name_arabic"], "|", by_line[b].values)
            for a, b in sorted(truth_pairs - found):
                print("missed:", by_line[a].values, "|", by_line[b].values)
    bad = set(truth["bad_lines"])
    print(f"file: {path.name} ({len(table.rows)} lines, {len(truth_pairs)} duplicate pairs)")
    full, names = "P 1.000 / R 1.000", "P >= 0.97 / R >= 0.92"  # issue 14's targets
    print(f"{'':32}{'precision':>10}{'recall':>8}   target")
    for label, (precision, recall), target in (
            ("duplicates within the file", within, full),
            ("  the same, by names alone", within_by_name, names),
            ("matches against the database", against, full),
            ("  the same, by names alone", by_name, names),
            ("invalid lines", _score(invalid, bad), full)):
        print(f"{label:32}{precision:>10.3f}{recall:>8.3f}   {target}")


if __name__ == "__main__":
    paths = [a for a in sys.argv[1:] if not a.startswith("-")]
    main(Path(paths[0]) if paths else _default_file())
