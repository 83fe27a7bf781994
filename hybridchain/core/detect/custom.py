"""User-supplied recognizers: a regular expression, or any callable."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from hybridchain.core.findings import Finding
from hybridchain.core.policy import RegexRecognizerConfig
from hybridchain.core.sensitivity import Sensitivity

__all__ = ["CallableRecognizer", "RegexRecognizer"]


class RegexRecognizer:
    r"""Report every match of a regular expression as one entity type.

    The pattern is the user's: keep it free of nested quantifiers, since Python's
    ``re`` backtracks.

    >>> r = RegexRecognizer("EMPLOYEE_ID", r"\bEMP-\d{6}\b")
    >>> [(f.start, f.end) for f in r.detect("owner EMP-004211")]
    [(6, 16)]
    """

    def __init__(
        self,
        entity_type: str,
        pattern: str | re.Pattern[str],
        *,
        score: float = 0.85,
        level: Sensitivity | None = None,
        validate: Callable[[str], bool] | None = None,
        name: str | None = None,
    ) -> None:
        """Build the recognizer.

        Args:
            entity_type: Entity type of every match.
            pattern: The regular expression (string or compiled).
            score: Score of every match.
            level: Level of a match; ``None`` lets the policy decide.
            validate: Optional check on the matched value (a checksum, say).
            name: Detector name; defaults to ``regex:<entity_type>``.
        """
        self.name = name or f"regex:{entity_type}"
        self._entity_type = entity_type
        self._pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self._score = score
        self._level = level
        self._validate = validate

    @classmethod
    def from_config(cls, config: RegexRecognizerConfig) -> RegexRecognizer:
        """Build a recognizer from its configuration entry."""
        flags = re.IGNORECASE if config.ignore_case else 0
        return cls(
            config.entity_type,
            re.compile(config.pattern, flags),
            score=config.score,
            level=config.level,
        )

    def detect(self, text: str) -> list[Finding]:
        """Return one finding per (validated) match."""
        return [
            Finding(
                self._entity_type, m.start(), m.end(), self._score, self.name, level=self._level
            )
            for m in self._pattern.finditer(text)
            if m.end() > m.start() and (self._validate is None or self._validate(m.group()))
        ]


class CallableRecognizer:
    """Wrap a function that returns ``(start, end)`` spans, or findings, for a text.

    >>> r = CallableRecognizer("TICKET", lambda t: [(0, 4)] if t.startswith("T-42") else [])
    >>> r.detect("T-42 is late")[0].entity_type
    'TICKET'
    """

    def __init__(
        self,
        entity_type: str,
        func: Callable[[str], Iterable[tuple[int, int] | Finding]],
        *,
        score: float = 0.85,
        level: Sensitivity | None = None,
        name: str | None = None,
    ) -> None:
        """Build the recognizer.

        Args:
            entity_type: Entity type of spans returned as tuples.
            func: The function; findings it returns are kept as they are.
            score: Score of spans returned as tuples.
            level: Level of spans returned as tuples.
            name: Detector name; defaults to ``callable:<entity_type>``.
        """
        self.name = name or f"callable:{entity_type}"
        self._entity_type = entity_type
        self._func = func
        self._score = score
        self._level = level

    def detect(self, text: str) -> list[Finding]:
        """Call the function and convert its spans to findings."""
        findings = []
        for item in self._func(text):
            if isinstance(item, Finding):
                findings.append(item)
            else:
                start, end = item
                findings.append(
                    Finding(self._entity_type, start, end, self._score, self.name, self._level)
                )
        return findings
