"""A process that writes a SQLite ledger and prints each event id once it is committed.

Run as ``python ledger_writer.py PATH MODE FIRST``: it records events ``FIRST``,
``FIRST + 1``, … (alternating ``record`` and ``record_many`` of 7) until it is killed.
``MODE`` is ``sync`` or ``background`` (then it flushes before it reports).
"""

from __future__ import annotations

import sys

from hybridchain.core.cost import CostEvent, SQLiteLedger


def event(n: int) -> CostEvent:
    """The same number always yields the same event, whichever process writes it."""
    return CostEvent(
        event_id=f"e{n}",
        timestamp=1_700_000_000.0 + n,
        model="gpt-4o",
        route="cloud",
        input_tokens=n,
        output_tokens=1,
        cost_usd=(n % 7 + 1) / 1024,  # exact in binary: sums compare exactly
    )


def main(path: str, mode: str, first: int) -> None:
    ledger = SQLiteLedger(path, background=mode == "background", batch_size=5)
    n = first
    while True:
        batch = [event(i) for i in range(n, n + (1 if n % 2 else 7))]
        if len(batch) == 1:
            ledger.record(batch[0])
        else:
            ledger.record_many(batch)
        if mode == "background":
            ledger.flush()
        sys.stdout.write("".join(f"{e.event_id}\n" for e in batch))
        sys.stdout.flush()
        n += len(batch)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
