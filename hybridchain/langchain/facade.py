"""``ModelRouter``: the seed article's API, built from the hybrid components."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from hybridchain.core.policy import SensitivityPolicy, Target
from hybridchain.core.routing_table import SEED_TABLE, Complexity, RoutingTable
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.langchain.gate import SensitivityGate
from hybridchain.langchain.router import ComplexityRouter

__all__ = ["ModelRouter"]


class ModelRouter(BaseModel):
    """Route requests to local or cloud by data sensitivity and complexity (the seed's API).

    ``route(task, data_sensitivity, complexity)`` follows :data:`SEED_TABLE` by default
    (confidential → local; complex and public → cloud; everything else → local); the
    table is data you can replace. ``query(prompt)`` detects what is not given — the
    sensitivity with a :class:`SensitivityGate`, the complexity with a
    :class:`ComplexityRouter` — and calls the chosen model. Whatever the table says,
    a level the policy keeps local never goes to the cloud.

    Example:
        >>> from hybridchain.testing import EchoChatModel
        >>> local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
        >>> router = ModelRouter(local=local, cloud=cloud)
        >>> router.route("summarize", data_sensitivity="confidential", complexity="complex")
        'local'
        >>> router.route("prove", data_sensitivity="public", complexity="complex")
        'cloud'
        >>> router.query("My SSN is 536-22-8510, what should I do?").content.split(":")[0]
        'local'
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    local: Runnable[Any, Any]
    """The local model."""
    cloud: Runnable[Any, Any]
    """The cloud model."""
    table: RoutingTable = SEED_TABLE
    """The routing table (first matching row wins)."""
    policy: SensitivityPolicy = Field(default_factory=SensitivityPolicy)
    """Which level may reach the cloud, whatever the table says."""
    gate: SensitivityGate | None = None
    """Detects sensitivity when it is not given (default: a gate with ``policy``)."""
    router: ComplexityRouter | None = None
    """Scores complexity when it is not given (default: the shipped scorer)."""

    _gate: SensitivityGate | None = PrivateAttr(default=None)
    _router: ComplexityRouter | None = PrivateAttr(default=None)

    def route(
        self,
        task: str = "",
        data_sensitivity: str | Sensitivity = Sensitivity.PUBLIC,
        complexity: Complexity = "simple",
    ) -> Target:
        """Return ``"local"`` or ``"cloud"`` for a request with these properties.

        Args:
            task: Description of the task (kept for the seed's signature; not scored here).
            data_sensitivity: ``public``, ``internal``, ``confidential`` or ``restricted``.
            complexity: ``simple``, ``moderate`` or ``complex``.
        """
        level = Sensitivity.parse(data_sensitivity)
        target = self.table.route(level, complexity)
        if target == "cloud" and not self.policy.allows("cloud", level):
            return "local"
        return target

    def detect(self, prompt: Any) -> tuple[Sensitivity, Complexity, float]:
        """Detect the sensitivity level, the complexity tier and score of ``prompt``."""
        gate = self._detector_gate()
        router = self._detector_router()
        score = router.score(prompt)
        return gate.scan(prompt).level, router.tier_of(score), score

    def query(
        self,
        prompt: str | list[BaseMessage],
        data_sensitivity: str | Sensitivity | None = None,
        complexity: Complexity | None = None,
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Any:
        """Route ``prompt`` and return the chosen model's answer.

        The detected sensitivity never lowers a given one: a prompt found confidential
        stays local even when the caller said ``public``.
        """
        detected, tier, _ = self.detect(prompt)
        level = max(detected, Sensitivity.parse(data_sensitivity or Sensitivity.PUBLIC))
        target = self.route("", level, complexity or tier)
        model = self.cloud if target == "cloud" else self.local
        return model.invoke(prompt, config, **kwargs)

    def _detector_gate(self) -> SensitivityGate:
        if self._gate is None:
            self._gate = self.gate or SensitivityGate(policy=self.policy)
        return self._gate

    def _detector_router(self) -> ComplexityRouter:
        if self._router is None:
            self._router = self.router or ComplexityRouter()
        return self._router
