"""Stand-ins for tests and demos: an echo chat model and a loopback cloud recorder."""

from hybridchain.testing.echo import EchoChatModel
from hybridchain.testing.recorder import RecorderServer

__all__ = ["EchoChatModel", "RecorderServer"]
