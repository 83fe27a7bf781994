"""The shared YAML configuration block: validation with clear errors, and the chain it builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridchain import Sensitivity
from hybridchain.core.config import ConfigError, load_config
from hybridchain.langchain.from_config import hybrid_chain
from hybridchain.testing import EchoChatModel

YAML = """
model_list: []            # a LiteLLM proxy config may hold the block too
hybridchain:
  policy:
    keywords: {"Project Falcon": restricted}
    target_levels: {local: restricted, cloud: internal}
  gate: {mode: pseudonymize}
  router: {threshold: 0.55, moderate_threshold: 0.35}
  escalator: {threshold: 0.4}
  budgets:
    - {limit_usd: 20, period: day, action: route_local}
    - {limit_usd: 5, period: month, scope: {kind: tag, value: tenant-a}, action: raise}
  targets:
    local: {model: llama3.2, base_url: "http://127.0.0.1:11434/v1"}
    cloud: {model: gpt-4o}
"""


def test_loads_every_section(tmp_path: Path) -> None:
    path = tmp_path / "hybridchain.yaml"
    path.write_text(YAML)
    cfg = load_config(path)
    assert cfg.policy.keywords == {"Project Falcon": Sensitivity.RESTRICTED}
    assert cfg.gate.mode == "pseudonymize"
    assert (cfg.router.threshold, cfg.router.moderate_threshold) == (0.55, 0.35)
    assert cfg.escalator.threshold == 0.4
    assert [b.limit_usd for b in cfg.budgets] == [20, 5]
    assert cfg.budgets[1].scope.value == "tenant-a"
    assert cfg.targets["local"].base_url == "http://127.0.0.1:11434/v1"
    assert load_config(str(path)) == cfg == load_config(YAML)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("hybridchain: {router: {threshold: 1.5}}", "hybridchain.router.threshold"),
        ("hybridchain: {gate: {mode: leak}}", "hybridchain.gate.mode"),
        ("hybridchain: {policy: {keywords: {x: secretish}}}", "hybridchain.policy.keywords.x"),
        ("hybridchain: {routr: {}}", "hybridchain.routr"),
        ("hybridchain: {budgets: [{period: day}]}", "hybridchain.budgets.0.limit_usd"),
        ("hybridchain: {targets: {edge: {model: x}}}", "hybridchain.targets.edge"),
    ],
)
def test_errors_name_the_wrong_field(text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        load_config(text)


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config("hybridchain: {router: [")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config("- 1\n- 2\n")


def test_the_chain_follows_the_configuration() -> None:
    cfg = load_config(YAML)
    local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
    chain = hybrid_chain(cfg, local=local, cloud=cloud)
    out = chain.invoke("Status of project falcon?")
    assert out.content.startswith("local")
    assert cloud.requests == []
