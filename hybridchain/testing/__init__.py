"""Stand-ins for tests and demos: echo and faulty chat models, a loopback cloud recorder."""

from hybridchain.testing.echo import EchoChatModel
from hybridchain.testing.faults import FaultyChatModel
from hybridchain.testing.recorder import RecorderServer

__all__ = ["EchoChatModel", "FaultyChatModel", "RecorderServer"]
