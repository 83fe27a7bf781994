"""Text handling: reading every piece of text in a request, and normalizing it."""

from hybridchain.core.text.normalize import NormalizedText, normalize
from hybridchain.core.text.walk import TextVisitor, walk_input

__all__ = ["NormalizedText", "TextVisitor", "normalize", "walk_input"]
