"""The detector protocol every recognizer implements."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from hybridchain.core.findings import Finding

__all__ = ["Detector"]


@runtime_checkable
class Detector(Protocol):
    """Finds entities in one piece of normalized text.

    Offsets in the returned findings index ``text`` as given; the scanner maps
    them back to the original text.
    """

    name: str
    """Short stable name, recorded on findings and in errors."""

    def detect(self, text: str) -> Iterable[Finding]:
        """Return the findings in ``text``."""
        ...
