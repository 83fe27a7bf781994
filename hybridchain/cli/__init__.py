"""The ``hybridchain`` command line."""

from hybridchain.cli.main import main

__all__ = ["main"]
