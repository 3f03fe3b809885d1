"""Search: from passages to a ranked list, and the question's term weights.

Holds analysis, word forms, BM25 scoring, the segmented index and its saved form, the library that
opens, refreshes or builds it, the folder watcher that keeps it fresh, and follow-up queries.
Imports documents and the bottom layer.
"""
