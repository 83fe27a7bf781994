"""Run detectors over every piece of text in a request and judge its level."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from hybridchain.core.detect.base import Detector
from hybridchain.core.findings import Finding, SensitivityReport
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.core.text.normalize import normalize
from hybridchain.core.text.walk import walk_input

__all__ = ["Scanner", "TextPiece", "collect_pieces"]

logger = logging.getLogger("hybridchain.scan")

# Detectors that may block (a model, a service) run in these threads so a hang
# becomes a timeout instead of a stuck request.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hybridchain-detect")


@dataclass(frozen=True, slots=True)
class TextPiece:
    """One piece of text a model would see, and where it lives in the request."""

    text: str
    """The text as the model would see it."""
    message_index: int | None
    """Index of its message, ``None`` for a plain string."""
    path: str
    """Where it lives inside the message (``content``, ``tool_calls[0].args.to``, …)."""


def collect_pieces(
    value: Any, walk: Callable[[Any, Callable[[str, int | None, str], str]], Any] = walk_input
) -> list[TextPiece]:
    """Return every piece of text in a request, in order.

    Args:
        value: The request.
        walk: The walker for the request's shapes (adapters pass their own).
    """
    pieces: list[TextPiece] = []

    def visit(text: str, index: int | None, path: str) -> str:
        if text:
            pieces.append(TextPiece(text, index, path))
        return text

    walk(value, visit)
    return pieces


class Scanner:
    """Apply a detector set and a policy to text, failing closed.

    >>> from hybridchain.core.detect.terms import TermDetector
    >>> s = Scanner([TermDetector({"falcon": None}, entity_type="KEYWORD")], SensitivityPolicy())
    >>> s.scan_pieces([TextPiece("Status of Falcon?", None, "")]).level
    <Sensitivity.CONFIDENTIAL: 2>
    """

    def __init__(self, detectors: Sequence[Detector], policy: SensitivityPolicy) -> None:
        """Build a scanner.

        Args:
            detectors: The detectors to run on every text piece.
            policy: Levels, allow list, score floor and timeout.
        """
        self.detectors = list(detectors)
        self.policy = policy
        self._allowed = {v.casefold() for v in policy.allow_list}

    def scan_pieces(self, pieces: Iterable[TextPiece]) -> SensitivityReport:
        """Scan every piece and return the request's report."""
        findings: list[Finding] = []
        errors: list[str] = []
        for piece in pieces:
            found, failed = self.scan_text(piece.text)
            findings.extend(f.at(piece.message_index, piece.path) for f in found)
            errors.extend(e for e in failed if e not in errors)
        level = max((self.policy.level_of(f) for f in findings), default=Sensitivity.PUBLIC)
        if errors:
            level = max(level, self.policy.on_detector_error)
        return SensitivityReport(level, tuple(findings), tuple(errors))

    def scan_text(self, text: str) -> tuple[list[Finding], list[str]]:
        """Return the findings in one text (original offsets) and the names of failed detectors."""
        normalized = normalize(text)
        findings: dict[tuple[str, int, int], Finding] = {}
        errors: list[str] = []
        for detector in self.detectors:
            try:
                found = self._run(detector, normalized.text)
            except Exception as exc:
                # The exception's message may quote the text: log its type only.
                logger.warning(
                    "detector %r failed (%s); the request is treated as sensitive",
                    detector.name,
                    type(exc).__name__,
                )
                errors.append(detector.name)
                continue
            for f in found:
                if f.score < self.policy.min_score:
                    continue
                start, end = normalized.original_span(f.start, f.end)
                if self._allowed and text[start:end].casefold() in self._allowed:
                    continue
                key = (f.entity_type, start, end)
                if key not in findings or findings[key].score < f.score:
                    findings[key] = f.shifted(start, end)
        return sorted(findings.values(), key=lambda f: (f.start, f.end, f.entity_type)), errors

    def _run(self, detector: Detector, text: str) -> list[Finding]:
        timeout = self.policy.detector_timeout_s
        if getattr(detector, "blocking", False):
            try:
                return list(_POOL.submit(lambda: list(detector.detect(text))).result(timeout))
            except FutureTimeout:
                raise TimeoutError(f"detector {detector.name!r} timed out") from None
        started = time.perf_counter()
        found = list(detector.detect(text))
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"detector {detector.name!r} took longer than {timeout} s")
        return found
