"""``hybridchain demo``: sample prompts through the sensitive-data gateway."""

from __future__ import annotations

import time

from hybridchain.core.decision import EVENT_NAME
from hybridchain.errors import SensitiveDataError
from hybridchain.langchain.gate import GateMode, SensitivityGate
from hybridchain.testing.echo import EchoChatModel

__all__ = ["SAMPLE_PROMPTS", "run_demo"]

SAMPLE_PROMPTS: tuple[str, ...] = (
    "What is the capital of Australia?",
    "Explain the difference between TCP and UDP in two sentences.",
    "Dear Maria Gonzalez, your refund for card 4111 1111 1111 1111 is on its way.",
    "Patient: John Smith, DOB 03/14/1985, MRN 00482913. Summarize the discharge note.",
    "Why does this fail? DATABASE_URL=postgres://admin:S3cr3t!pw@db.internal:5432/app",
    "CONFIDENTIAL - Q3 board memo: summarize the acquisition plan.",
    "Reply to ann.lee [at] example [dot] org about her order #88231.",
    "Write a haiku about autumn leaves.",
)
"""Built-in mixed prompts: public and confidential."""


def run_demo(mode: GateMode = "pseudonymize") -> int:
    """Route :data:`SAMPLE_PROMPTS` through a gate and print one line per prompt.

    Both targets are loopback stand-ins (no network): the "cloud" one records
    exactly what would have been sent, which the table shows.
    """
    local = EchoChatModel(label="local")
    cloud = EchoChatModel(label="cloud")
    gate = SensitivityGate(local=local, cloud=cloud, mode=mode)
    print(f"hybridchain gate demo (mode={mode}); cloud = loopback stand-in, nothing leaves")
    print(f"{'#':>2}  {'target':<7} {'level':<12} {'scan µs':>8}  entities")
    sent_local = 0
    for i, prompt in enumerate(SAMPLE_PROMPTS, 1):
        started = time.perf_counter()
        report = gate.scan(prompt)
        micros = (time.perf_counter() - started) * 1e6
        before = len(cloud.requests)
        try:
            gate.invoke(prompt)
            target = "cloud" if len(cloud.requests) > before else "local"
        except SensitiveDataError:
            target = "blocked"
        sent_local += target == "local"
        types = ", ".join(report.entity_types) or "-"
        print(f"{i:>2}  {target:<7} {report.level!s:<12} {micros:>8.0f}  {types}")
        if target == "cloud" and report.findings:
            print(f"    cloud saw: {cloud.requests[-1][-1].content}")
    print(
        f"\n{sent_local}/{len(SAMPLE_PROMPTS)} answered locally; "
        f"{len(cloud.requests)} request(s) reached the cloud stand-in; decisions are also "
        f"emitted as the custom event {EVENT_NAME!r}."
    )
    return 0
