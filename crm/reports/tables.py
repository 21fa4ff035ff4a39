"""What a report hands to its page and its exports: typed columns, rows, a chart."""

from __future__ import annotations

from dataclasses import dataclass, field


def share(part, whole) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when there is no whole."""
    return round(100.0 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # text, int, number (1 decimal), money (MAD), days (1 decimal), percent (0–100, 1 decimal)
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass
class Chart:
    """Drawn by static/js/charts.js (see its contract); the table holds the same numbers."""

    type: str
    labels: list[str]
    series: list[dict]  # {"label": str, "values": [number | None, ...]}
    summary: str  # one sentence for screen readers


@dataclass
class ReportTable:
    columns: list[Column]
    rows: list[list]
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)

    def column_values(self, key: str) -> list:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]
