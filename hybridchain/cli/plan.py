"""``hybridchain plan``: VRAM sizing, cost of ownership and the local-vs-cloud advisor."""

from __future__ import annotations

import argparse
import math
import sys

from hybridchain.planning import (
    MODEL_PRESETS,
    SCENARIO_A,
    BudgetModel,
    CloudCost,
    DataSensitivity,
    Deployment,
    KvCacheType,
    LatencyNeed,
    LocalCost,
    ModelRequirement,
    Quantization,
    TcoScenario,
    TeamExpertise,
    Volume,
    WorkloadProfile,
    advise,
    estimate_vram,
    hardware_for,
)

__all__ = ["add_plan_parser", "run_plan"]

_SCENARIOS: dict[str, TcoScenario] = {"a": SCENARIO_A}


def add_plan_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``plan`` with its ``vram``, ``tco`` and ``advise`` subcommands; return its parser.

    >>> parser = argparse.ArgumentParser(prog="hybridchain")
    >>> _ = add_plan_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["plan", "vram", "llama-3.1-8b"]).quant
    <Quantization.Q4_K_M: 'Q4_K_M'>
    """
    plan = subparsers.add_parser("plan", help="size hardware, compare costs, choose local or cloud")
    tools = plan.add_subparsers(dest="plan_command", required=True)
    _add_vram(tools)
    _add_tco(tools)
    _add_advise(tools)
    return plan


def _add_vram(tools: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    vram = tools.add_parser("vram", help="memory a model needs, and hardware that holds it")
    vram.add_argument("model", nargs="?", choices=list(MODEL_PRESETS), help="a known model")
    vram.add_argument("--params-b", type=float, help="weights, in billions")
    vram.add_argument("--layers", type=int, help="transformer blocks")
    vram.add_argument("--kv-heads", type=int, help="key/value heads per layer")
    vram.add_argument("--head-dim", type=int, help="size of one attention head")
    vram.add_argument(
        "--quant", type=Quantization, choices=list(Quantization), default=Quantization.Q4_K_M
    )
    vram.add_argument("--context", type=int, default=4096, help="tokens of context (4096)")
    vram.add_argument(
        "--kv-cache", type=KvCacheType, choices=list(KvCacheType), default=KvCacheType.F16
    )
    vram.add_argument("--sequences", type=int, default=1, help="parallel sequences (1)")


def _add_tco(tools: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tco = tools.add_parser("tco", help="total cost of ownership: cloud API vs local cluster")
    tco.add_argument("--scenario", choices=list(_SCENARIOS), help="a ready scenario")
    tco.add_argument("--years", type=int, help="horizon (scenario's, else 5)")
    cloud = tco.add_argument_group("cloud")
    cloud.add_argument("--queries-per-day", type=float)
    cloud.add_argument("--cloud-yearly-cost", type=float, help="year-1 bill, instead of tokens")
    cloud.add_argument("--input-tokens", type=float, default=0, help="per query")
    cloud.add_argument("--output-tokens", type=float, default=0, help="per query")
    cloud.add_argument("--input-price", type=float, default=0, help="USD per million tokens")
    cloud.add_argument("--output-price", type=float, default=0, help="USD per million tokens")
    cloud.add_argument("--growth", type=float, default=0.0, help="yearly volume growth (0.2)")
    local = tco.add_argument_group("local")
    local.add_argument("--hardware-cost", type=float)
    local.add_argument("--ops-per-year", type=float, default=0)
    local.add_argument(
        "--upgrade", type=float, nargs=2, action="append", metavar=("YEAR", "COST"), default=[]
    )
    local.add_argument("--power-watts", type=float, default=0)
    local.add_argument("--kwh-price", type=float, default=0)


def _add_advise(tools: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    adv = tools.add_parser("advise", help="local, cloud or hybrid, from the decision matrix")
    for flag, enum in (
        ("--data-sensitivity", DataSensitivity),
        ("--volume", Volume),
        ("--latency", LatencyNeed),
        ("--budget", BudgetModel),
        ("--team", TeamExpertise),
        ("--model", ModelRequirement),
        ("--deployment", Deployment),
    ):
        adv.add_argument(flag, type=enum, choices=list(enum))
    adv.add_argument("--queries-per-day", type=float, help="sets --volume from a number")


def _money(amount: float) -> str:
    return f"-${-amount:,.0f}" if amount < 0 else f"${amount:,.0f}"


def _error(command: str, err: Exception) -> int:
    print(f"hybridchain plan {command}: error: {err}", file=sys.stderr)
    return 2


def _run_vram(args: argparse.Namespace) -> int:
    try:
        estimate = estimate_vram(
            args.model,
            args.quant,
            context=args.context,
            params_b=args.params_b,
            layers=args.layers,
            kv_heads=args.kv_heads,
            head_dim=args.head_dim,
            kv_cache=args.kv_cache,
            sequences=args.sequences,
        )
    except ValueError as err:
        return _error("vram", err)
    print(
        f"{estimate.model}, {estimate.quantization} ({estimate.quantization.bits_per_weight:g} "
        f"bits/weight), context {estimate.context:,}, KV cache {args.kv_cache}"
    )
    for label, gib in (
        ("weights", estimate.weights_gb),
        ("KV cache", estimate.kv_cache_gb),
        ("overhead", estimate.overhead_gb),
        ("total", estimate.total_gb),
    ):
        print(f"  {label:<9} {gib:>7.1f} GiB")
    fits = hardware_for(estimate)
    print("\nHardware that holds it (usable memory):" if fits else "\nNo listed hardware holds it.")
    for hw in fits:
        print(f"  {hw.name:<30} {hw.usable_gb:>5.0f} GiB")
    return 0


def _tco_scenario(args: argparse.Namespace) -> TcoScenario:
    if args.scenario is not None:
        return _SCENARIOS[args.scenario]
    if args.queries_per_day is None or args.hardware_cost is None:
        raise ValueError("give --scenario, or at least --queries-per-day and --hardware-cost")
    cloud = CloudCost(
        queries_per_day=args.queries_per_day,
        yearly_cost=args.cloud_yearly_cost,
        input_tokens_per_query=args.input_tokens,
        output_tokens_per_query=args.output_tokens,
        input_price_per_million=args.input_price,
        output_price_per_million=args.output_price,
        annual_growth=args.growth,
    )
    local = LocalCost(
        hardware_cost=args.hardware_cost,
        operations_per_year=args.ops_per_year,
        upgrades={int(year): cost for year, cost in args.upgrade},
        power_watts=args.power_watts,
        electricity_per_kwh=args.kwh_price,
    )
    return TcoScenario(name="Custom scenario", cloud=cloud, local=local)


def _run_tco(args: argparse.Namespace) -> int:
    try:
        scenario = _tco_scenario(args)
    except ValueError as err:
        return _error("tco", err)
    report = scenario.report(args.years)
    print(f"{scenario.name}, {len(report.years)} years")
    print(f"  cloud: {report.cloud_label}\n  local: {report.local_label}\n")
    print(f"{'year':>4} {'cloud':>12} {'local':>12} {'cloud total':>13} {'local total':>13}")
    for y in report.years:
        print(
            f"{y.year:>4} {_money(y.cloud):>12} {_money(y.local):>12} "
            f"{_money(y.cloud_cumulative):>13} {_money(y.local_cumulative):>13}"
        )
    print(f"\nCloud total: {_money(report.cloud_total)}")
    print(f"Local total: {_money(report.local_total)}")
    if report.savings >= 0:
        print(f"Savings: {_money(report.savings)} ({report.savings_pct:.0f}% reduction)")
    else:
        print(f"Local costs {_money(-report.savings)} more ({-report.savings_pct:.0f}%)")
    if math.isfinite(report.break_even_queries_per_day):
        print(
            f"Break-even volume: {report.break_even_queries_per_day:,.0f} queries/day "
            "(local is cheaper above it)"
        )
    if report.payback_year is not None:
        print(f"Local pays for itself in year {report.payback_year}")
    return 0


def _run_advise(args: argparse.Namespace) -> int:
    volume = args.volume
    if args.queries_per_day is not None:
        volume = Volume.from_queries_per_day(args.queries_per_day)
    profile = WorkloadProfile(
        data_sensitivity=args.data_sensitivity,
        volume=volume,
        latency=args.latency,
        budget=args.budget,
        team=args.team,
        model_requirements=args.model,
        deployment=args.deployment,
    )
    rec = advise(profile)
    local, cloud = rec.scores["local"], rec.scores["cloud"]
    print(f"Recommendation: {rec.choice} (local {local:g}, cloud {cloud:g})")
    for reason in rec.reasons:
        print(f"  - {reason}")
    return 0


def run_plan(args: argparse.Namespace) -> int:
    """Run the ``plan`` subcommand parsed by :func:`add_plan_parser`; return the exit status.

    >>> parser = argparse.ArgumentParser(prog="hybridchain")
    >>> _ = add_plan_parser(parser.add_subparsers(dest="command"))
    >>> run_plan(parser.parse_args(["plan", "advise", "--deployment", "air-gapped"]))
    Recommendation: local (local 1, cloud 0)
      - local has 1 of 1 votes: deployment
      - deployment=air-gapped → local: air-gapped: no cloud API is reachable
    0
    """
    runners = {"vram": _run_vram, "tco": _run_tco, "advise": _run_advise}
    return runners[args.plan_command](args)
