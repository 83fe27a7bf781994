"""Ordered sensitivity levels."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Sensitivity"]


class Sensitivity(IntEnum):
    """How far a piece of data may travel, ordered ``PUBLIC < ... < RESTRICTED``.

    Levels compare as integers and parse from their names, case-insensitively:

    >>> Sensitivity("confidential") > Sensitivity.INTERNAL
    True
    """

    PUBLIC = 0
    """May go anywhere, the cloud included."""
    INTERNAL = 1
    """For the organisation; the default policy still lets it reach the cloud."""
    CONFIDENTIAL = 2
    """Personal data and secrets: the default policy keeps it on the local network."""
    RESTRICTED = 3
    """The most guarded level; also what a failed detector yields (fail closed)."""

    @classmethod
    def _missing_(cls, value: object) -> Sensitivity | None:
        if isinstance(value, str):
            member = cls.__members__.get(value.strip().upper())
            if member is not None:
                return member
        return None

    @classmethod
    def parse(cls, value: str | int) -> Sensitivity:
        """Return the level named (``"confidential"``) or numbered (``2``) by ``value``.

        Raises:
            ValueError: If ``value`` names no level.
        """
        if isinstance(value, str):
            member = cls._missing_(value)
            if member is None:
                names = ", ".join(m.name.lower() for m in cls)
                raise ValueError(f"{value!r} is not a sensitivity level; use one of: {names}")
            return member
        return cls(value)

    def __str__(self) -> str:
        return self.name.lower()
