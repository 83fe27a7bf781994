"""``hybridchain local serve``: run the embedded local model until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from types import FrameType

from hybridchain.errors import HybridchainError
from hybridchain.local import LocalServer

__all__ = ["add_local_parser", "run_local"]


def add_local_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``local`` with its ``serve`` subcommand; return its parser.

    >>> parser = argparse.ArgumentParser(prog="hybridchain")
    >>> _ = add_local_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["local", "serve", "--port", "8080"])
    >>> args.local_command, args.port, args.n_ctx
    ('serve', 8080, 2048)
    """
    local = subparsers.add_parser("local", help="the embedded local model (llama.cpp + Gemma 3)")
    tools = local.add_subparsers(dest="local_command", required=True)
    serve = tools.add_parser(
        "serve", help="run the OpenAI-compatible local model server until Ctrl-C"
    )
    serve.add_argument("--port", type=int, help="loopback port (default: a free one)")
    serve.add_argument("--n-ctx", type=int, default=2048, help="context window in tokens (2048)")
    serve.add_argument("--n-threads", type=int, help="CPU threads (default: half the cores)")
    serve.add_argument("--model", help="a GGUF file instead of Gemma 3 270M Q4_K_M")
    serve.add_argument(
        "--verbose", action="store_true", help="show the server's own output on the terminal"
    )
    return local


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_local(args: argparse.Namespace) -> int:
    """Run ``local serve``; return the exit status (0 after Ctrl-C or SIGTERM, 1 on failure)."""
    # SIGTERM would end Python without unwinding (atexit does not run either), leaving
    # the server behind: treat it as Ctrl-C so the ``with`` block stops the server.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _serve(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _serve(args: argparse.Namespace) -> int:
    server = LocalServer(
        args.model,
        port=args.port,
        n_ctx=args.n_ctx,
        n_threads=args.n_threads,
        capture_output=not args.verbose,
    )
    try:
        with server:
            print(f"serving {server.model} at {server.base_url} (Ctrl-C stops it)", flush=True)
            while server.running:
                time.sleep(0.5)
            tail = server.output_tail().strip()
            print(f"hybridchain local serve: the server exited\n{tail}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        return 0
    except (HybridchainError, ImportError) as err:
        print(f"hybridchain local serve: error: {err}", file=sys.stderr)
        return 1
