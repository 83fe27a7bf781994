"""Entry point of the ``hybridchain`` command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from hybridchain.cli.demo import run_demo
from hybridchain.cli.plan import add_plan_parser, run_plan

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="hybridchain", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="route built-in sample prompts through the gate")
    demo.add_argument(
        "--mode",
        choices=["route", "pseudonymize", "block"],
        default="pseudonymize",
        help="what the gate does with sensitive prompts (default: pseudonymize)",
    )
    add_plan_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "demo":
        return run_demo(args.mode)
    if args.command == "plan":
        return run_plan(args)
    return 2  # pragma: no cover - argparse rejects unknown commands
