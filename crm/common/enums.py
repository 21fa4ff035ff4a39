"""Enums stored by value, with translated labels for the screens."""

import enum

import sqlalchemy as sa
from flask_babel import get_locale

# (enum class, language) -> {member: label}: catalogs do not change while the app runs.
_TRANSLATED: dict[tuple[type, str], dict] = {}


class LabelledEnum(enum.StrEnum):
    """A string enum whose members have a translated label (define `_labels()` in subclasses)."""

    @classmethod
    def _labels(cls) -> dict:
        return {}

    @property
    def label(self) -> str:
        return self._translated().get(self, self.value)

    @classmethod
    def _translated(cls) -> dict:
        """The labels in the current language, translated once per language."""
        key = (cls, str(get_locale()))
        labels = _TRANSLATED.get(key)
        if labels is None:
            labels = _TRANSLATED[key] = {m: str(text) for m, text in cls._labels().items()}
        return labels

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        labels = cls._translated()
        return [(member.value, labels.get(member, member.value)) for member in cls]


def enum_type(enum_cls: type[enum.Enum], length: int = 30) -> sa.Enum:
    """A portable column type storing the enum's value (not its name) as VARCHAR."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
