"""Widgets of the chat screen: a turn (question, answer, sources) and the input line."""
