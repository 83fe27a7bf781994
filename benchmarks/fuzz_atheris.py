"""Coverage-guided fuzzing of the scan, the normalizer and the request walker (atheris).

Optional, not run in CI: ``pip install atheris``, then
``python benchmarks/fuzz_atheris.py -runs=200000 -max_len=2048`` (libFuzzer flags). Each
input is read as text, scanned with every default detector, normalized, and walked as a
one-message request; any exception, an offset outside the text, or a failed detector is
a crash that libFuzzer saves. The slowest input (64+ characters) per KB is printed
each time it gets slower; instrumented code and single timings are noisy, so re-time a
reported input uninstrumented before calling it slow (``benchmarks/reliability.py`` does
the careful worst-case timing).
"""

from __future__ import annotations

import sys
import time

import atheris

with atheris.instrument_imports():
    from hybridchain.core.detect.defaults import default_detectors
    from hybridchain.core.policy import SensitivityPolicy
    from hybridchain.core.scan import Scanner, collect_pieces
    from hybridchain.core.text.normalize import normalize

POLICY = SensitivityPolicy(keywords={"Project Falcon": "restricted"}, deny_list=["Zephyr"])
SCANNER = Scanner(default_detectors(POLICY), POLICY)
_worst = [0.0, ""]


def test_one_input(data: bytes) -> None:
    """Scan, normalize and walk one fuzzer input; raise on anything wrong."""
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    started = time.perf_counter()
    found, failed = SCANNER.scan_text(text)
    elapsed = time.perf_counter() - started
    if failed:
        raise AssertionError(f"detectors failed: {failed}")
    for f in found:
        if not 0 <= f.start < f.end <= len(text):
            raise AssertionError(f"finding outside the text: {f}")
    normalized = normalize(text)
    a, b = normalized.original_span(0, len(normalized.text))
    if not 0 <= a <= b <= len(text):
        raise AssertionError("normalized span outside the text")
    collect_pieces([{"role": "user", "content": text}])
    size_kb = max(len(text.encode()), 64) / 1024
    if elapsed / size_kb > _worst[0] and len(text) >= 64:
        _worst[:] = [elapsed / size_kb, text[:60]]
        # libFuzzer ends the process without running exit handlers: report as it grows.
        print(f"worst scan so far: {_worst[0] * 1e6:.0f} µs/KB on {_worst[1]!r}", file=sys.stderr)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
