"""Enums stored by value, with translated labels for the screens."""

import enum

import sqlalchemy as sa


class LabelledEnum(enum.StrEnum):
    """A string enum whose members have a translated label (define `_labels()` in subclasses)."""

    @classmethod
    def _labels(cls) -> dict:
        return {}

    @property
    def label(self) -> str:
        return str(self._labels().get(self, self.value))

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


def enum_type(enum_cls: type[enum.Enum], length: int = 30) -> sa.Enum:
    """A portable column type storing the enum's value (not its name) as VARCHAR."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
