"""The Textual chat app. The only package that imports ``textual``; ``cli`` imports it lazily."""
