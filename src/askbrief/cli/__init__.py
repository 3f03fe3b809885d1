"""The command line: argument parsing, the admin commands and the line-by-line chat.

A thin face on ``askbrief.session``; it may import anything below it, and the app only to start it.
"""

from .main import main

__all__ = ["main"]
