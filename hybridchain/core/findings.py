"""What a detector found, and the report of a whole scan."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hybridchain.core.sensitivity import Sensitivity

__all__ = ["Finding", "SensitivityReport"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected entity: its type and position, never its value.

    ``start`` and ``end`` index the text piece named by ``message_index`` and
    ``path`` (the whole string when the input was a plain string).

    >>> Finding("EMAIL_ADDRESS", 8, 25, 1.0).entity_type
    'EMAIL_ADDRESS'
    """

    entity_type: str
    """Presidio-style entity name, e.g. ``EMAIL_ADDRESS`` or ``SECRET``."""
    start: int
    """Offset of the first character in the original text piece."""
    end: int
    """Offset one past the last character in the original text piece."""
    score: float
    """Detector confidence in ``[0, 1]``."""
    detector: str = ""
    """Name of the detector that produced the finding."""
    level: Sensitivity | None = None
    """Level set by the detector itself (markers, keywords); ``None`` lets the policy decide."""
    message_index: int | None = None
    """Index of the message in the conversation, ``None`` for a plain string."""
    path: str = ""
    """Where in the message the text piece lives, e.g. ``content`` or ``tool_calls[0].args.to``."""

    def at(self, message_index: int | None, path: str) -> Finding:
        """Return a copy located in the given message and text piece."""
        return replace(self, message_index=message_index, path=path)

    def shifted(self, start: int, end: int) -> Finding:
        """Return a copy with new offsets."""
        return replace(self, start=start, end=end)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping (types and positions only)."""
        return {
            "entity_type": self.entity_type,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 3),
            "detector": self.detector,
            "message_index": self.message_index,
            "path": self.path,
        }


@dataclass(frozen=True, slots=True)
class SensitivityReport:
    """The result of scanning one request.

    >>> SensitivityReport(Sensitivity.PUBLIC).is_sensitive
    False
    """

    level: Sensitivity
    """The highest level any finding (or a detector failure) raised."""
    findings: tuple[Finding, ...] = ()
    """Every finding, ordered by message, text piece and offset."""
    errors: tuple[str, ...] = field(default=())
    """Names of detectors that failed or timed out (the request then fails closed)."""

    @property
    def is_sensitive(self) -> bool:
        """Whether anything above ``PUBLIC`` was found."""
        return self.level > Sensitivity.PUBLIC

    @property
    def entity_types(self) -> list[str]:
        """Sorted distinct entity types found."""
        return sorted({f.entity_type for f in self.findings})

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready mapping (types and positions only)."""
        return {
            "level": str(self.level),
            "findings": [f.to_dict() for f in self.findings],
            "errors": list(self.errors),
        }
