"""Search engines: where the passages and their statistics live, behind one small protocol.

``local`` is the saved segmented index on this machine (the default); ``xapian`` searches
shared, sharded Xapian databases. Engines are found through the ``askbrief.engines`` entry
points, as backends are. An engine only searches, counts and returns passages: analysis,
follow-up planning, composition and citation checking stay askbrief's, the same for every engine.
May import ``askbrief.search``, ``documents`` and the bottom layer.
"""

from .base import Engine, SearchIndex, ShardStatus, indexed_text
from .registry import ENTRY_POINT_GROUP, available_engines, load_engine

__all__ = [
    "ENTRY_POINT_GROUP",
    "Engine",
    "SearchIndex",
    "ShardStatus",
    "available_engines",
    "indexed_text",
    "load_engine",
]
