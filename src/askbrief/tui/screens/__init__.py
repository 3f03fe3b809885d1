"""Screens of the app: the chat, the source viewer, and small dialogs."""
