"""The LiteLLM proxy guardrail: hybridchain's policy in front of every proxy request.

Wire it in the proxy's ``config.yaml`` (a complete example ships as
``examples/litellm_proxy/config.yaml``)::

    model_list:
      - model_name: local-chat
        litellm_params: {model: openai/llama3.2, api_base: "http://127.0.0.1:11434/v1"}
        model_info: {hybridchain: local}
      - model_name: cloud-chat
        litellm_params: {model: openai/gpt-4o, api_key: os.environ/OPENAI_API_KEY}
        model_info: {hybridchain: cloud}
    guardrails:
      - guardrail_name: hybridchain
        litellm_params:
          guardrail: hybridchain.litellm.proxy.HybridGuardrail
          mode: [pre_call, post_call]
          default_on: true
          local_model: local-chat
          ledger: "sqlite:///hybridchain-ledger.db"   # where cloud spending is counted
    hybridchain:
      gate: {mode: route}            # route | pseudonymize | block
      router: {threshold: 0.5}
      budgets:
        - {limit_usd: 20, period: day, action: route_local}   # or raise | warn

What it does, at three LiteLLM hooks:

* ``async_pre_call_hook`` (before routing): scans every message (system prompt,
  earlier turns, tool calls) and ``input``/``prompt``, then follows a
  :class:`~hybridchain.litellm.proxy_plan.ProxyPlan`: reroutes the request to
  ``local_model`` (rewrites ``data["model"]``), replaces values by placeholders, or
  refuses it with HTTP 400 naming entity types and positions only. Public requests bound
  for the cloud meet the block's ``budgets`` (as the SDK router does): once one is spent,
  ``route_local`` reroutes to ``local_model``, ``raise`` refuses with HTTP 429 naming the
  budget, ``warn`` lets the request through with a logged warning. The decision record
  goes into ``metadata["hybridchain_decision"]``. Calls the local chat group cannot
  serve (embeddings, images, …) are refused rather than rerouted when sensitive (or
  over a ``route_local`` budget, with HTTP 429).
* ``async_pre_call_deployment_hook`` and ``async_filter_deployments`` (every deployment
  LiteLLM picks, retries and ``fallbacks`` included): the checks of
  :class:`~hybridchain.litellm.guard.HybridFallbackGuard`, so a request the policy keeps
  local never reaches a cloud deployment, even when a client disables the guardrail;
  and a cloud deployment is refused once a ``route_local`` or ``raise`` budget is spent.
* ``async_post_call_success_hook`` and ``async_post_call_streaming_iterator_hook``:
  put the real values back into a pseudonymized request's answer (also when a stream
  splits a placeholder across chunks). The mapping lives in memory for that request only.
  A rerouted request's answer (every streamed chunk too) names, in ``model``, the group
  that answered (``local_model``, or the group LiteLLM fell back to), not the requested one.
* ``async_log_success_event``: records each call's cost in the ledger (a
  :class:`~hybridchain.litellm.HybridCostLogger`), which the budgets read.

Settings: the guardrail's ``litellm_params`` take ``local_model`` (default: the block's
``targets.local.model``), ``complexity_routing`` (default true), ``config_path`` (a
YAML file holding the ``hybridchain:`` block; default: the proxy's own ``config.yaml``)
and ``ledger`` (where spending is counted, see
:func:`~hybridchain.litellm.proxy_plan.open_ledger`: ``memory`` (the default; this
process only, and it keeps every event), ``sqlite:///PATH`` or ``redis://HOST:PORT/DB``
to share the spending between proxy workers and restarts). Without ``budgets`` and
``ledger`` nothing is recorded. A scan whose detector fails counts as sensitive (fail
closed). The proxy needs a master key (``general_settings.master_key``); see the example
config for the rest.

Limits: in pseudonymized streams, tool-call arguments arrive whole (restored) with the
chunk that ends the choice; the fragments before it carry empty arguments. Budgets are
checked before routing and again at every cloud deployment LiteLLM picks (a
``route_local`` or ``raise`` budget spent by then refuses it, fallbacks and retries
included); a call's cost counts once LiteLLM logs it, so calls in flight when a budget
runs out may overspend it. Budgets scoped to a ``model`` compare the requested model
group with the ledger's (provider) model name, and ``tag`` budgets see no request tags
here: scope proxy budgets to ``cloud``.
"""

from __future__ import annotations

import logging
import uuid
from collections import OrderedDict
from collections.abc import AsyncGenerator, Mapping
from pathlib import Path
from typing import Any

import yaml

from hybridchain.core.config import ConfigError, HybridConfig, load_config
from hybridchain.core.cost.budget import BudgetExceededError, BudgetGuard
from hybridchain.core.cost.ledger import Ledger
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.litellm._deps import require_litellm
from hybridchain.litellm.cost_logger import HybridCostLogger
from hybridchain.litellm.guard import HybridFallbackGuard, call_route
from hybridchain.litellm.judge import DECISION_METADATA_KEY, RequestJudge
from hybridchain.litellm.masking import ChunkRestorer, restore_response
from hybridchain.litellm.proxy_plan import (
    ProxyPlan,
    ProxyPlanner,
    budget_label,
    budget_refusal,
    open_ledger,
)
from hybridchain.litellm.tags import DeploymentRoute, deployment_route

require_litellm("HybridGuardrail")

from litellm.constants import RETURN_RAW_MODEL_NAME_METADATA_KEY  # noqa: E402
from litellm.integrations.custom_guardrail import CustomGuardrail  # noqa: E402

__all__ = ["MAPPING_KEY", "REROUTED_KEY", "HybridGuardrail", "proxy_config_block"]

logger = logging.getLogger(__name__)

MAPPING_KEY = "hybridchain_mapping_id"
"""Request ``metadata`` key naming the in-memory mapping of a pseudonymized request."""
REROUTED_KEY = "hybridchain_rerouted_to"
"""Request ``metadata`` key naming the model group a rerouted request was sent to."""
_SERVED_GROUP_HEADER = "x-litellm-model-group"
_PENDING_MAX = 10_000
_METADATA_KEYS = ("metadata", "litellm_metadata")
_REROUTABLE = frozenset(
    {"completion", "acompletion", "text_completion", "atext_completion", "responses", "aresponses"}
)


def proxy_config_block(config_path: str | Path | None = None) -> HybridConfig:
    """Return the ``hybridchain:`` block the proxy guardrail runs with.

    Args:
        config_path: A YAML file with the block (whole document or under
            ``hybridchain:``). ``None``: the ``hybridchain:`` key of the config file the
            running LiteLLM proxy was started with, or the defaults when it has none.

    Raises:
        ConfigError: The file cannot be read or the block is invalid (names each field).
    """
    if config_path is not None:
        return load_config(Path(config_path))
    try:
        from litellm.proxy import proxy_server
    except ImportError:  # the proxy extra is missing: not running inside the proxy
        return HybridConfig()
    proxy_path = getattr(proxy_server, "user_config_file_path", None)
    if not proxy_path:
        return HybridConfig()
    try:
        data = yaml.safe_load(Path(proxy_path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the proxy config {proxy_path}: {exc}") from None
    if isinstance(data, dict) and "hybridchain" in data:
        return load_config(Path(proxy_path))
    return HybridConfig()


class HybridGuardrail(CustomGuardrail):
    """A LiteLLM proxy guardrail that routes, pseudonymizes or blocks by hybridchain's policy.

    LiteLLM builds it from the guardrail's ``litellm_params`` (see the module docs); in
    code::

        guardrail = HybridGuardrail(
            guardrail_name="hybridchain",
            event_hook=["pre_call", "post_call"],
            default_on=True,
            local_model="local-chat",
            config=HybridConfig.model_validate({"gate": {"mode": "pseudonymize"}}),
        )
        litellm.callbacks.append(guardrail)

    Args:
        local_model: The model group requests the policy keeps local go to (default:
            the block's ``targets.local.model``; ``None`` blocks them instead).
        complexity_routing: Send public requests scoring below ``router.threshold`` to
            ``local_model``.
        config_path: YAML file holding the ``hybridchain:`` block.
        config: The block itself (wins over ``config_path``).
        ledger: Where proxied calls' costs are recorded and the block's ``budgets``
            read them: a ledger or its setting (``memory``, ``sqlite:///PATH``,
            ``redis://…``; see :func:`~hybridchain.litellm.proxy_plan.open_ledger`).
            Default: a memory ledger when the block has budgets, else none.
        **kwargs: LiteLLM's guardrail settings (``guardrail_name``, ``event_hook``,
            ``default_on``, …).

    Raises:
        ConfigError: The block or the ``ledger`` setting is invalid.
        ValueError: ``pseudonymize`` mode without the ``post_call`` event hook (answers
            could not be restored).
    """

    def __init__(
        self,
        *,
        local_model: str | None = None,
        complexity_routing: bool = True,
        config_path: str | None = None,
        config: HybridConfig | None = None,
        ledger: str | Ledger | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.instance_id = uuid.uuid4().hex
        """Distinguishes instances: LiteLLM drops a callback equal to one it holds."""
        self.config = config or proxy_config_block(config_path)
        """The ``hybridchain:`` block in force."""
        if "fallback" in self.config.model_fields_set:
            logger.warning(
                "hybridchain guardrail: the block's `fallback` setting is for the LangChain "
                "components; the proxy falls back by `router_settings.fallbacks`"
            )
        target = self.config.targets.get("local")
        budgets = self.config.budgets
        self.ledger: Ledger | None = (
            open_ledger(ledger if ledger is not None else "memory")
            if ledger is not None or budgets
            else None
        )
        """Where proxied calls' costs go (``None``: not recorded)."""
        self.cost_logger = HybridCostLogger(self.ledger) if self.ledger is not None else None
        """Records each proxied call (fed by this guardrail's success events)."""
        self.budget_guard = (
            BudgetGuard(budgets, self.ledger) if budgets and self.ledger is not None else None
        )
        """The block's budgets over the ledger (``None`` without budgets)."""
        self.judge = RequestJudge(
            self.config.policy,
            threshold=self.config.router.threshold,
            budget_guard=self.budget_guard,
        )
        """Scans and scores requests."""
        self.planner = ProxyPlanner(
            self.judge,
            mode=self.config.gate.mode,
            local_model=local_model or (target.model if target is not None else None),
            complexity_routing=complexity_routing,
        )
        """Turns a scanned request into a plan."""
        self.fallback_guard = HybridFallbackGuard(judge=self.judge)
        """The deployment-level check (never registered on its own)."""
        if self.planner.mode == "pseudonymize" and not _has_post_call(self.event_hook):
            raise ValueError(
                "hybridchain guardrail: mode pseudonymize needs the post_call event hook "
                "(set `mode: [pre_call, post_call]`) to restore answers"
            )
        self._pending: OrderedDict[str, Pseudonymizer] = OrderedDict()

    async def async_pre_call_hook(
        self, user_api_key_dict: Any, cache: Any, data: dict[str, Any], call_type: Any
    ) -> dict[str, Any]:
        """Scan the request and reroute, pseudonymize or block it (see the module docs).

        Raises:
            fastapi.HTTPException: 400, the request is blocked (entity types only); 429,
                a cloud budget refuses it (names the budget).
        """
        from fastapi import HTTPException

        model = str(data.get("model") or "")
        text_input = data.get("input", data.get("prompt"))
        try:
            plan = self.planner.plan(
                model,
                data.get("messages"),
                text_input,
                requested=_requested_route(model),
                reroutable=str(call_type) in _REROUTABLE,
            )
        except BudgetExceededError as exc:
            label = budget_label(exc.budget)
            logger.warning("hybridchain refused a cloud request: the %s is spent", label)
            detail = (
                f"hybridchain: the {label} is spent; cloud requests are refused until it resets"
            )
            raise HTTPException(status_code=429, detail={"error": detail}) from None
        spent = plan.decision.extra.get("budgets_exhausted")
        if spent and plan.decision.target == "cloud":
            logger.warning("hybridchain sent a request over a spent budget: %s", "; ".join(spent))
        _metadata(data)[DECISION_METADATA_KEY] = plan.decision.to_dict()
        if plan.action == "reroute" and str(call_type) not in _REROUTABLE:
            # `local_model` is a chat model group: an embedding (or other) call it
            # cannot serve is refused rather than sent on.
            plan = self.planner.blocked(plan)
        if plan.action == "block":
            logger.info("hybridchain blocked a %s request", plan.decision.sensitivity)
            raise HTTPException(status_code=400, detail={"error": str(plan.error)})
        if plan.action == "reroute":
            data["model"] = plan.model
            meta = _metadata(data)
            meta[REROUTED_KEY] = plan.model
            # The proxy would stamp the requested group on the answer; the hooks below
            # stamp the group that answered instead.
            meta[RETURN_RAW_MODEL_NAME_METADATA_KEY] = True
        elif plan.action == "pseudonymize":
            data["messages"] = plan.messages
            self._remember(data, plan)
        return data

    async def async_post_call_success_hook(
        self, data: dict[str, Any], user_api_key_dict: Any, response: Any
    ) -> Any:
        """Restore a pseudonymized request's values; name the group that answered a rerouted one."""
        rerouted = _rerouted_to(data)
        if rerouted is not None:
            _stamp_model(response, _served_group(response, rerouted))
        pseudonymizer = self._take(data)
        if pseudonymizer is not None:
            restore_response(response, pseudonymizer)
        return response

    async def async_post_call_streaming_iterator_hook(
        self, user_api_key_dict: Any, response: Any, request_data: dict[str, Any]
    ) -> AsyncGenerator[Any, None]:
        """Restore a pseudonymized request's streamed answer; name a rerouted one's group."""
        rerouted = _rerouted_to(request_data)
        if rerouted is not None:
            group = _served_group(response, rerouted)
            async for chunk in response:
                group = _served_group(chunk, group)  # a fallback mid-stream names its group
                yield _stamped_copy(chunk, group)
            return
        pseudonymizer = self._take(request_data)
        if pseudonymizer is None:
            async for chunk in response:
                yield chunk
            return
        restorer = ChunkRestorer(pseudonymizer)
        async for chunk in response:
            restorer.restore(chunk)
            yield chunk
        closing = restorer.closing()
        if closing is not None:
            yield closing

    async def async_post_call_failure_hook(
        self,
        request_data: dict[str, Any],
        original_exception: Exception,
        user_api_key_dict: Any,
        traceback_str: str | None = None,
    ) -> None:
        """Drop the mapping of a failed request."""
        self._take(request_data)

    def log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        """Record a successful call's cost in the ledger (once per call)."""
        if self.cost_logger is not None:
            self.cost_logger.log_success_event(kwargs, response_obj, start_time, end_time)

    async def async_log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        """Record a successful call's cost in the ledger (once per call)."""
        if self.cost_logger is not None:
            await self.cost_logger.async_log_success_event(
                kwargs, response_obj, start_time, end_time
            )

    async def async_filter_deployments(self, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        """Drop cloud candidates of a request the policy keeps local (fallbacks included).

        Takes LiteLLM's arguments (see ``HybridFallbackGuard.async_filter_deployments``).

        Raises:
            SensitiveDataError: No local candidate is left.
        """
        return await self.fallback_guard.async_filter_deployments(*args, **kwargs)

    async def async_pre_call_deployment_hook(
        self, kwargs: dict[str, Any], call_type: Any
    ) -> dict[str, Any] | None:
        """Refuse to call a cloud deployment with data the policy keeps local, or over budget.

        Raises:
            SensitiveDataError: The deployment is cloud and the level may not go there.
            BudgetExceededError: The deployment is cloud and a ``route_local`` or
                ``raise`` budget is spent (a fallback or retry to the cloud included).
        """
        await self.fallback_guard.async_pre_call_deployment_hook(kwargs, call_type)
        if self.budget_guard is not None and call_route(kwargs) == "cloud":
            refusal = budget_refusal(self.budget_guard, _model_group(kwargs))
            if refusal is not None:
                logger.warning(
                    "hybridchain refused a cloud deployment: the %s is spent",
                    budget_label(refusal.budget),
                )
                raise refusal
        return kwargs

    def _remember(self, data: dict[str, Any], plan: ProxyPlan) -> None:
        assert plan.pseudonymizer is not None
        key = uuid.uuid4().hex
        _metadata(data)[MAPPING_KEY] = key
        self._pending[key] = plan.pseudonymizer
        while len(self._pending) > _PENDING_MAX:
            self._pending.popitem(last=False)

    def _take(self, data: Mapping[str, Any] | None) -> Pseudonymizer | None:
        for name in _METADATA_KEYS:
            meta = (data or {}).get(name)
            key = meta.get(MAPPING_KEY) if isinstance(meta, Mapping) else None
            if isinstance(key, str):
                return self._pending.pop(key, None)
        return None


def _has_post_call(event_hook: Any) -> bool:
    hooks = event_hook if isinstance(event_hook, list | tuple) else [event_hook]
    return any(str(getattr(h, "value", h)) == "post_call" for h in hooks)


def _metadata(data: dict[str, Any]) -> dict[str, Any]:
    for name in _METADATA_KEYS:
        meta = data.get(name)
        if isinstance(meta, dict):
            return meta
    meta = data["metadata"] = {}
    return meta


def _rerouted_to(data: Mapping[str, Any] | None) -> str | None:
    for name in _METADATA_KEYS:
        meta = (data or {}).get(name)
        group = meta.get(REROUTED_KEY) if isinstance(meta, Mapping) else None
        if isinstance(group, str) and group:
            return group
    return None


def _served_group(obj: Any, default: str) -> str:
    """The model group LiteLLM's router says served ``obj`` (its fallback's, after one)."""
    hidden = getattr(obj, "_hidden_params", None)
    headers = hidden.get("additional_headers") if isinstance(hidden, Mapping) else None
    group = headers.get(_SERVED_GROUP_HEADER) if isinstance(headers, Mapping) else None
    return group if isinstance(group, str) and group else default


def _stamp_model(response: Any, group: str) -> None:
    if isinstance(response, dict):
        if "model" in response:
            response["model"] = group
    elif hasattr(response, "model"):
        try:
            response.model = group
        except (AttributeError, TypeError, ValueError):  # a frozen response keeps its name
            logger.debug("hybridchain could not rename a %s", type(response).__name__)


def _stamped_copy(chunk: Any, group: str) -> Any:
    # LiteLLM prices the stream from the chunk objects it keeps: rename a copy.
    if isinstance(chunk, dict):
        return {**chunk, "model": group} if "model" in chunk else chunk
    copy = getattr(chunk, "model_copy", None)
    return copy(update={"model": group}) if callable(copy) and hasattr(chunk, "model") else chunk


def _model_group(kwargs: Mapping[str, Any]) -> str | None:
    for name in _METADATA_KEYS:
        meta = kwargs.get(name)
        if isinstance(meta, Mapping) and meta.get("model_group"):
            return str(meta["model_group"])
    model = kwargs.get("model")
    return str(model) if model else None


def _requested_route(model: str) -> DeploymentRoute:
    """``local`` when every deployment of the model group is local; else cloud (fail closed)."""
    try:
        from litellm.proxy.proxy_server import llm_router
    except ImportError:
        return "cloud"
    if llm_router is None or not model:
        return "cloud"
    deployments = llm_router.get_model_list(model_name=model) or []
    if deployments and all(deployment_route(d) == "local" for d in deployments):
        return "local"
    return "cloud"
