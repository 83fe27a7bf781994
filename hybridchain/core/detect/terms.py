"""Detect fixed phrases: confidentiality markers, user keywords and deny-listed values."""

from __future__ import annotations

import re
from collections.abc import Mapping

from hybridchain.core.findings import Finding
from hybridchain.core.sensitivity import Sensitivity

__all__ = ["TermDetector"]


def _phrase_pattern(phrase: str) -> str:
    # Words may be separated by any run of blanks or a hyphen in the text.
    words = [re.escape(w) for w in re.split(r"[\s\-]+", phrase.strip()) if w]
    return r"[\s\-]{1,3}".join(words)


class TermDetector:
    """Find whole-word occurrences of fixed phrases, each with its own level.

    One alternation regex serves the whole list, so the cost grows with the text,
    not with the number of phrases searched one by one.

    >>> d = TermDetector({"internal use only": Sensitivity.INTERNAL}, entity_type="MARKER")
    >>> [f.level for f in d.detect("For Internal  Use Only.")]
    [<Sensitivity.INTERNAL: 1>]
    """

    def __init__(
        self,
        terms: Mapping[str, Sensitivity | None],
        *,
        entity_type: str,
        ignore_case: bool = True,
        name: str = "terms",
        score: float = 1.0,
    ) -> None:
        """Build the detector.

        Args:
            terms: Phrase → level (``None`` lets the policy decide by entity type).
            entity_type: Entity type of every match.
            ignore_case: Match regardless of case.
            name: Detector name recorded on findings.
            score: Score of every match.
        """
        self.name = name
        self._entity_type = entity_type
        self._score = score
        self._ignore_case = ignore_case
        fold = str.casefold if ignore_case else str
        self._levels = {
            fold(" ".join(re.split(r"[\s\-]+", k.strip()))): v
            for k, v in terms.items()
            if k.strip()
        }
        phrases = sorted((k for k in terms if k.strip()), key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(_phrase_pattern(p) for p in phrases) + r")(?!\w)",
                re.IGNORECASE if ignore_case else 0,
            )
            if phrases
            else None
        )

    def detect(self, text: str) -> list[Finding]:
        """Return one finding per phrase occurrence."""
        if self._pattern is None:
            return []
        fold = str.casefold if self._ignore_case else str
        findings = []
        for m in self._pattern.finditer(text):
            key = fold(" ".join(re.split(r"[\s\-]+", m.group())))
            findings.append(
                Finding(
                    self._entity_type,
                    m.start(),
                    m.end(),
                    self._score,
                    detector=self.name,
                    level=self._levels.get(key),
                )
            )
        return findings
