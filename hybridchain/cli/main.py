"""Entry point of the ``hybridchain`` command."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from hybridchain.cli.demo import DemoOptions, run_demo
from hybridchain.cli.local import add_local_parser, run_local
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
        default="route",
        help="what the gate does with sensitive prompts (default: route)",
    )
    demo.add_argument("--local-base-url", help="OpenAI-compatible local server (Ollama, vLLM)")
    demo.add_argument("--local-model", default="llama3.2", help="model name on that server")
    demo.add_argument(
        "--stand-in-local", action="store_true", help="a stand-in local model (no llama.cpp)"
    )
    demo.add_argument("--max-tokens", type=int, default=8, help="local output tokens")
    add_plan_parser(commands)
    add_local_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "demo":
        return run_demo(
            DemoOptions(
                mode=args.mode,
                local_base_url=args.local_base_url,
                local_model=args.local_model,
                stand_in_local=args.stand_in_local,
                max_tokens=args.max_tokens,
            )
        )
    if args.command == "plan":
        return run_plan(args)
    if args.command == "local":
        return run_local(args)
    return 2  # pragma: no cover - argparse rejects unknown commands
