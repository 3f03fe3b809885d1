"""Answers: from ranked passages to a cited answer, extractive or written by an LLM backend.

Holds the extractive composer, citation checking, prompts, the LLM answer and plain-text
rendering. Imports search, documents, backends and the bottom layer; never a user interface.
"""
