"""askbrief: ask a folder of documents, get quoted, cited answers."""

__version__ = "0.1.0"
