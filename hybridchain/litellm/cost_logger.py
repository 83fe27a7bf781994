"""A LiteLLM callback that records every successful call in a hybridchain ledger.

Usage::

    import litellm
    from hybridchain.core.cost import MemoryLedger
    from hybridchain.litellm import HybridCostLogger

    ledger = MemoryLedger()
    litellm.callbacks.append(HybridCostLogger(ledger))

Each call becomes one :class:`~hybridchain.core.cost.CostEvent` whose ``event_id`` is
LiteLLM's ``litellm_call_id`` (a call is counted once, even if both the sync and the
async success hooks fire), whose route comes from the deployment's tag (see
:mod:`hybridchain.litellm.tags`), whose tokens come from the call's usage, and whose
price is LiteLLM's ``response_cost`` (hybridchain's :class:`~hybridchain.core.cost.CloudPrices`
when LiteLLM has none). A :class:`~hybridchain.core.cost.BudgetGuard` over the same ledger
then sees LiteLLM's cloud spending.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from hybridchain.core.cost.events import CostEvent
from hybridchain.core.cost.ledger import Ledger
from hybridchain.core.cost.pricing import CloudPrices
from hybridchain.litellm._deps import require_litellm
from hybridchain.litellm.guard import call_route
from hybridchain.litellm.judge import DECISION_METADATA_KEY

require_litellm("HybridCostLogger")

from litellm.integrations.custom_logger import CustomLogger  # noqa: E402

__all__ = ["HybridCostLogger", "cost_event"]

_SEEN_MAX = 10_000


def cost_event(
    kwargs: Mapping[str, Any],
    response_obj: Any,
    start_time: Any,
    end_time: Any,
    prices: CloudPrices | None = None,
) -> CostEvent:
    """Build the ledger event of one successful LiteLLM call (no prompt or answer text).

    Args:
        kwargs: The ``kwargs`` LiteLLM hands its success callbacks.
        response_obj: The response (its ``usage`` is read when the logging object has none).
        start_time: Start of the call (``datetime`` or epoch seconds).
        end_time: End of the call (``datetime`` or epoch seconds).
        prices: Prices a cloud call LiteLLM could not price (``CloudPrices()`` if ``None``).
    """
    slo = kwargs.get("standard_logging_object")
    slo = slo if isinstance(slo, Mapping) else {}
    usage = _usage(response_obj)
    input_tokens = _int(slo.get("prompt_tokens"), usage.get("prompt_tokens"))
    output_tokens = _int(slo.get("completion_tokens"), usage.get("completion_tokens"))
    details = usage.get("prompt_tokens_details")
    cached = _int(_get(details, "cached_tokens"))
    model = str(slo.get("model") or kwargs.get("model") or "")
    route = call_route(kwargs)
    cost = kwargs.get("response_cost")
    if cost is None:
        cost = slo.get("response_cost")
    priced = True
    if cost is None:
        if route == "local":
            cost = 0.0
        else:
            price = (prices or CloudPrices()).price(model, input_tokens, output_tokens, cached)
            priced = price is not None
            cost = price or 0.0
    started, ended = _seconds(start_time), _seconds(end_time)
    tags = slo.get("request_tags")
    metadata: dict[str, Any] = {}
    group = slo.get("model_group")
    if group:
        metadata["model_group"] = str(group)
    if slo.get("model_id"):
        metadata["deployment_id"] = str(slo["model_id"])
    decision = _decision(kwargs)
    if decision is not None:
        metadata["decision_target"] = decision.get("target")
        metadata["sensitivity"] = decision.get("sensitivity")
    return CostEvent(
        event_id=str(kwargs.get("litellm_call_id") or slo.get("id") or ""),
        timestamp=ended if ended is not None else time.time(),
        model=model,
        route=route,
        provider=str(kwargs.get("custom_llm_provider") or slo.get("custom_llm_provider") or ""),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_tokens=cached,
        latency_s=max(ended - started, 0.0) if started is not None and ended is not None else 0.0,
        cost_usd=float(cost),
        priced=priced,
        tags=tuple(str(t) for t in tags) if isinstance(tags, list | tuple) else (),
        metadata=metadata,
    )


class HybridCostLogger(CustomLogger):
    """Record each successful LiteLLM call, once, in a hybridchain ledger.

    Args:
        ledger: Where the events go.
        prices: Prices a cloud call LiteLLM could not price (``CloudPrices()`` if ``None``).
    """

    def __init__(self, ledger: Ledger, prices: CloudPrices | None = None) -> None:
        super().__init__()
        self.instance_id = uuid.uuid4().hex
        """Distinguishes instances: LiteLLM drops a callback equal to one it holds."""
        self.ledger = ledger
        self.prices = prices or CloudPrices()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        """Record a successful synchronous call."""
        self._record(kwargs, response_obj, start_time, end_time)

    async def async_log_success_event(
        self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any
    ) -> None:
        """Record a successful asynchronous call."""
        self._record(kwargs, response_obj, start_time, end_time)

    def _record(self, kwargs: Any, response_obj: Any, start_time: Any, end_time: Any) -> None:
        if not isinstance(kwargs, Mapping):
            return
        event = cost_event(kwargs, response_obj, start_time, end_time, self.prices)
        if event.event_id:
            with self._lock:
                if event.event_id in self._seen:
                    return
                self._seen[event.event_id] = None
                if len(self._seen) > _SEEN_MAX:
                    self._seen.popitem(last=False)
        self.ledger.record(event)


def _decision(kwargs: Mapping[str, Any]) -> Mapping[str, Any] | None:
    params = kwargs.get("litellm_params")
    for holder in (params if isinstance(params, Mapping) else {}, kwargs):
        meta = holder.get("metadata")
        if isinstance(meta, Mapping):
            found = meta.get(DECISION_METADATA_KEY)
            if isinstance(found, Mapping):
                return found
    return None


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def _usage(response_obj: Any) -> dict[str, Any]:
    usage = _get(response_obj, "usage")
    if usage is None:
        return {}
    return {
        k: _get(usage, k) for k in ("prompt_tokens", "completion_tokens", "prompt_tokens_details")
    }


def _int(*values: Any) -> int:
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value)
    return 0


def _seconds(value: Any) -> float | None:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value)
    return None
