"""What the LiteLLM proxy guardrail does with one request: pass, reroute, mask or block.

Pure hybridchain (no LiteLLM import), so every decision is testable on its own; the
guardrail in :mod:`hybridchain.litellm.proxy` only applies the plan to the proxy's
request dict. The order of the checks:

1. A request to a model group whose deployments are all ``local`` passes untouched.
2. Data the policy keeps from the cloud is, by ``mode``: pseudonymized (the cloud sees
   placeholders; only when every finding can be hidden, the scan did not fail and the
   request is a plain chat), rerouted to the local model group, or blocked. A request
   that cannot be rerouted (no local model group) is blocked.
3. Public data goes where the client asked, unless ``complexity_routing`` is on: then a
   chat scoring below the threshold goes to the local model group.
4. Public data bound for the cloud meets the judge's budgets (its ``budget_guard``): an
   exhausted ``route_local`` budget sends it to the local model group (or refuses it with
   :class:`~hybridchain.core.cost.BudgetExceededError` when nothing local can serve it),
   an exhausted ``raise`` budget refuses it, an exhausted ``warn`` budget lets it through
   and names itself in ``decision.extra["budgets_exhausted"]``.

The guardrail blocks, instead of rerouting, calls the local chat model group cannot
serve (embeddings, images, …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from hybridchain.core.config import ConfigError
from hybridchain.core.cost.budget import Budget, BudgetExceededError, BudgetGuard
from hybridchain.core.cost.ledger import Ledger
from hybridchain.core.cost.memory import MemoryLedger
from hybridchain.core.cost.redis_ledger import RedisLedger
from hybridchain.core.cost.sqlite import SQLiteLedger
from hybridchain.core.decision import RouteDecision
from hybridchain.core.findings import SensitivityReport
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import SensitiveDataError
from hybridchain.litellm.judge import RequestJudge
from hybridchain.litellm.masking import mask_messages
from hybridchain.litellm.tags import DeploymentRoute

__all__ = [
    "COMPONENT",
    "GateMode",
    "PlanAction",
    "ProxyPlan",
    "ProxyPlanner",
    "budget_label",
    "budget_refusal",
    "open_ledger",
]

COMPONENT = "litellm_proxy"
"""``RouteDecision.component`` of the proxy guardrail's decisions."""

GateMode = Literal["route", "pseudonymize", "block"]
"""What happens to a request the policy keeps from the cloud."""
PlanAction = Literal["pass", "reroute", "pseudonymize", "block"]
"""What the guardrail does to the request."""


@dataclass(frozen=True)
class ProxyPlan:
    """The guardrail's plan for one request. Carries no raw values except in ``messages``."""

    action: PlanAction
    """What to do."""
    decision: RouteDecision
    """The decision record (entity types and positions only)."""
    model: str
    """The model group to send the request to."""
    messages: Any = None
    """The messages to send (placeholders in place of values when pseudonymized)."""
    pseudonymizer: Pseudonymizer | None = field(default=None, repr=False)
    """The request's mapping, to restore the answer (``pseudonymize`` only)."""

    @property
    def error(self) -> SensitiveDataError | None:
        """The error to raise for a ``block`` plan (names entity types only)."""
        if self.action != "block":
            return None
        level = self.decision.sensitivity or Sensitivity.RESTRICTED
        return SensitiveDataError(level, self.decision.findings)


def open_ledger(spec: str | Ledger) -> Ledger:
    """Return the ledger a proxy setting names.

    Args:
        spec: ``"memory"`` (this process only), ``"sqlite:///relative/path.db"`` or
            ``"sqlite:////absolute/path.db"`` (shared by the processes on one host),
            ``"redis://host:port/db"`` or ``"rediss://…"`` (shared by every host), or a
            ready :class:`~hybridchain.core.cost.Ledger`.

    Raises:
        ConfigError: ``spec`` names no ledger (the message quotes it, password masked).

    >>> type(open_ledger("memory")).__name__
    'MemoryLedger'
    >>> open_ledger("postgres://db/x")
    Traceback (most recent call last):
    ...
    hybridchain.core.config.ConfigError: ledger must be 'memory', 'sqlite:///PATH' or \
'redis://HOST:PORT/DB', got 'postgres://db/x'
    """
    if isinstance(spec, Ledger):
        return spec
    if not isinstance(spec, str):
        raise ConfigError(f"ledger must be a string or a Ledger, got {type(spec).__name__}")
    if spec.strip() == "memory":
        return MemoryLedger()
    if spec.startswith("sqlite:///") and len(spec) > len("sqlite:///"):
        return SQLiteLedger(spec[len("sqlite:///") :])
    if spec.startswith(("redis://", "rediss://")):
        return RedisLedger(spec)
    shown = re.sub(r"//[^/@]*@", "//***@", spec)
    raise ConfigError(
        f"ledger must be 'memory', 'sqlite:///PATH' or 'redis://HOST:PORT/DB', got {shown!r}"
    )


def budget_label(budget: Budget) -> str:
    """Name a budget for logs and errors (its scope, limit, period and action).

    >>> budget_label(Budget(limit_usd=5, action="raise"))
    'cloud budget of 5 USD per day (action raise)'
    """
    return (
        f"{budget.scope} budget of {budget.limit_usd:g} USD per {budget.period} "
        f"(action {budget.action})"
    )


def budget_refusal(guard: BudgetGuard, model: str | None) -> BudgetExceededError | None:
    """Return why a cloud call to ``model`` is over budget, or ``None`` when it is not.

    Only spent ``route_local`` and ``raise`` budgets refuse; spent ``warn`` budgets let
    the call through. Reads the ledger without warning.

    >>> guard = BudgetGuard([Budget(limit_usd=0, action="raise")], MemoryLedger())
    >>> print(budget_refusal(guard, "gpt-4o"))
    daily budget for cloud exhausted: spent 0.000000 of 0.000000 USD
    """
    for state in guard.check(model).exhausted:
        if state.budget.action != "warn":
            return BudgetExceededError(state.budget, state.spent_usd)
    return None


class ProxyPlanner:
    """Plan what happens to each proxy request (see the module docs).

    Args:
        judge: Scans and scores requests.
        mode: What happens to requests the policy keeps from the cloud.
        local_model: The local model group sensitive (and simple) requests go to;
            ``None`` blocks what cannot go to the cloud.
        complexity_routing: Send public requests scoring below the judge's threshold
            to ``local_model``.

    >>> planner = ProxyPlanner(RequestJudge(), local_model="local-chat")
    >>> msgs = [{"role": "user", "content": "Card 4111 1111 1111 1111, refund it"}]
    >>> plan = planner.plan("cloud-chat", msgs, requested="cloud")
    >>> plan.action, plan.model
    ('reroute', 'local-chat')
    """

    def __init__(
        self,
        judge: RequestJudge,
        *,
        mode: GateMode = "route",
        local_model: str | None = None,
        complexity_routing: bool = True,
    ) -> None:
        if mode not in ("route", "pseudonymize", "block"):
            raise ValueError(f"mode must be 'route', 'pseudonymize' or 'block', got {mode!r}")
        self.judge = judge
        self.mode: GateMode = mode
        self.local_model = local_model
        self.complexity_routing = complexity_routing

    def plan(
        self,
        model: str,
        messages: Any = None,
        input: Any = None,
        *,
        requested: DeploymentRoute,
        reroutable: bool = True,
    ) -> ProxyPlan:
        """Return the plan for a request to ``model`` whose deployments are ``requested``.

        Args:
            model: The model group the client asked for.
            messages: Chat messages (OpenAI shape).
            input: Any other text the request sends (``input``, ``prompt``).
            requested: ``local`` when every deployment of ``model`` is local.
            reroutable: Whether the local model group can serve the call (a chat or
                text completion); an exhausted budget refuses the others.

        Raises:
            BudgetExceededError: Public data bound for the cloud meets an exhausted
                ``raise`` budget, or an exhausted ``route_local`` budget with nothing
                local to serve it.
        """
        report = self.judge.scan(messages, input)
        extra: dict[str, Any] = {"mode": self.mode, "model_group": model}
        if report.errors:
            extra["detector_errors"] = list(report.errors)
        if requested == "local":
            return self._plan("pass", "local", model, messages, report, extra, "local model group")
        if self.judge.cloud_allowed(report):
            return self._public(model, messages, report, extra, reroutable)
        if self.mode == "pseudonymize" and input is None and not report.errors:
            masked = self._pseudonymize(model, messages, report, extra)
            if masked is not None:
                return masked
        if self.mode != "block" and self.local_model is not None:
            why = f"{report.level} data stays local"
            return self._plan("reroute", "local", self.local_model, messages, report, extra, why)
        why = f"{report.level} may not reach the cloud (mode={self.mode})"
        return self._plan("block", "blocked", model, messages, report, extra, why)

    def blocked(self, plan: ProxyPlan) -> ProxyPlan:
        """Turn a plan into a ``block`` plan (when its target cannot serve the call)."""
        if plan.action == "block":
            return plan
        d = plan.decision
        why = f"{d.sensitivity} request cannot be served by {plan.model!r} (not a chat call)"
        decision = RouteDecision(
            COMPONENT,
            "blocked",
            (*d.reasons, why),
            d.sensitivity,
            d.findings,
            d.complexity,
            extra=d.extra,
        )
        return ProxyPlan("block", decision, plan.model, plan.messages)

    def _public(
        self,
        model: str,
        messages: Any,
        report: SensitivityReport,
        extra: dict[str, Any],
        reroutable: bool,
    ) -> ProxyPlan:
        guard = self.judge.budget_guard
        if self.complexity_routing and self.local_model is not None and messages and reroutable:
            # The judge weighs complexity and budgets together, as the SDK router does.
            decision = self.judge.decide_report(model, report, messages)
            decision.extra.update(extra)
            if decision.target == "local":
                return ProxyPlan("reroute", decision, self.local_model, messages)
            plan = ProxyPlan("pass", decision, model, messages)
        elif guard is not None and not guard.allows_cloud(model):
            if self.local_model is not None and reroutable:
                why = "cloud budget exhausted"
                return self._plan(
                    "reroute", "local", self.local_model, messages, report, extra, why
                )
            refusal = budget_refusal(guard, model)
            if refusal is not None:  # None: the period turned since, the budget is fresh
                raise refusal
            plan = self._plan("pass", "cloud", model, messages, report, extra, "public data")
        else:
            plan = self._plan("pass", "cloud", model, messages, report, extra, "public data")
        if guard is not None:
            # Exhausted budgets left that let the request through are `warn` budgets.
            spent = [budget_label(s.budget) for s in guard.check(model).exhausted]
            if spent:
                plan.decision.extra["budgets_exhausted"] = spent
        return plan

    def _pseudonymize(
        self, model: str, messages: Any, report: SensitivityReport, extra: dict[str, Any]
    ) -> ProxyPlan | None:
        done = mask_messages(self.judge.policy, messages, report)
        if done is None:
            return None
        masked, pseudonymizer = done
        extra["placeholders"] = len(pseudonymizer)
        why = f"values replaced by {len(pseudonymizer)} placeholder(s)"
        plan = self._plan("pseudonymize", "cloud", model, masked, report, extra, why)
        return ProxyPlan(plan.action, plan.decision, model, masked, pseudonymizer)

    def _plan(
        self,
        action: PlanAction,
        target: Literal["local", "cloud", "blocked"],
        model: str,
        messages: Any,
        report: SensitivityReport,
        extra: dict[str, Any],
        why: str,
    ) -> ProxyPlan:
        decision = RouteDecision(
            COMPONENT, target, (why,), report.level, report.findings, extra=extra
        )
        return ProxyPlan(action, decision, model, messages)
