"""The real ``litellm --config`` proxy on loopback, in front of the embedded local model
and a recorder cloud, with hybridchain's guardrail from ``hybridchain.litellm.proxy``."""

from __future__ import annotations

import os
import secrets
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from hybridchain.local import LocalServer
from hybridchain.local.process import free_port, stop_process_group
from hybridchain.testing import RecorderServer

pytest.importorskip("litellm.proxy.proxy_server")

ROOT = Path(__file__).resolve().parents[3]
LITELLM = ROOT / ".venv" / "bin" / "litellm"
EXAMPLE = ROOT / "examples" / "litellm_proxy" / "config.yaml"
STARTUP_TIMEOUT_S = 90.0


@dataclass
class Proxy:
    """A running proxy: where to reach it and the key to send."""

    base_url: str
    key: str
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def proxy_config(local: LocalServer, cloud: RecorderServer, mode: str) -> dict[str, Any]:
    """The shipped example config, pointed at the test servers (so the example is tested)."""
    config: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    by_name = {d["model_name"]: d for d in config["model_list"]}
    by_name["local-chat"]["litellm_params"].update(
        model=f"openai/{local.model}", api_base=local.base_url, max_tokens=6
    )
    by_name["cloud-chat"]["litellm_params"].update(api_base=cloud.base_url, api_key="sk-recorder")
    # A local deployment that is down, whose fallback goes to the cloud.
    dead = {"model": "openai/dead", "api_base": f"http://127.0.0.1:{free_port()}/v1"}
    config["model_list"].append(
        {
            "model_name": "dead-local",
            "litellm_params": {**dead, "api_key": "none"},
            "model_info": {"hybridchain": "local"},
        }
    )
    config["router_settings"]["fallbacks"].append({"dead-local": ["cloud-chat"]})
    config["router_settings"]["retry_after"] = 0
    # Tests inject cloud failures back to back: no deployment may sit out a cooldown
    # into the next test (that would be LiteLLM's availability logic, not the policy).
    config["router_settings"]["disable_cooldowns"] = True
    config["hybridchain"]["gate"]["mode"] = mode
    return config


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def cloud() -> Iterator[RecorderServer]:
    """One recorder for every proxy (each proxy's config names its address)."""
    with RecorderServer() as server:
        yield server


def _start_proxy(
    tmp: Path,
    local: LocalServer,
    cloud: RecorderServer,
    mode: str,
    edit: Callable[[dict[str, Any]], None] | None = None,
) -> Iterator[Proxy]:
    config = tmp / f"litellm-{mode}.yaml"
    settings = proxy_config(local, cloud, mode)
    if edit is not None:
        edit(settings)
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    key = f"sk-{secrets.token_hex(16)}"
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_MASTER_KEY": key}
    env.pop("DATABASE_URL", None)
    port = free_port()
    log = tmp / f"litellm-{mode}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(LITELLM), "--config", str(config), "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    proxy = Proxy(f"http://127.0.0.1:{port}", key, log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _ready(f"{proxy.base_url}/health/liveliness"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the LiteLLM proxy did not start:\n{proxy.log_tail()}")
            time.sleep(0.25)
        yield proxy
    finally:
        stop_process_group(proc, grace=5.0)


@pytest.fixture(scope="module")
def route_proxy(
    tmp_path_factory: pytest.TempPathFactory, local_server: LocalServer, cloud: RecorderServer
) -> Iterator[Proxy]:
    """The proxy with the guardrail in ``route`` mode."""
    yield from _start_proxy(tmp_path_factory.mktemp("proxy"), local_server, cloud, "route")


@pytest.fixture(scope="module")
def pseudonymize_proxy(
    tmp_path_factory: pytest.TempPathFactory, local_server: LocalServer, cloud: RecorderServer
) -> Iterator[Proxy]:
    """The proxy with the guardrail in ``pseudonymize`` mode."""
    yield from _start_proxy(tmp_path_factory.mktemp("proxy"), local_server, cloud, "pseudonymize")


@pytest.fixture(scope="module")
def budget_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite ledger file of ``budget_proxy``."""
    return tmp_path_factory.mktemp("ledger") / "ledger.db"


@pytest.fixture(scope="module")
def budget_proxy(
    tmp_path_factory: pytest.TempPathFactory,
    local_server: LocalServer,
    cloud: RecorderServer,
    budget_ledger: Path,
) -> Iterator[Proxy]:
    """The ``route`` proxy with a tiny daily cloud budget over a SQLite ledger."""

    def edit(config: dict[str, Any]) -> None:
        config["hybridchain"]["budgets"] = [{"limit_usd": 1e-9, "action": "route_local"}]
        guardrail = config["guardrails"][0]["litellm_params"]
        guardrail["ledger"] = f"sqlite:///{budget_ledger}"

    tmp = tmp_path_factory.mktemp("proxy")
    yield from _start_proxy(tmp, local_server, cloud, "route", edit)


@pytest.fixture(autouse=True)
def _healthy_cloud(cloud: RecorderServer) -> Iterator[None]:
    cloud.clear_faults()
    yield
    cloud.clear_faults()
