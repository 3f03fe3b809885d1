"""Documents: reading files into text, and text into passages with offsets, lines and pages.

Holds the folder walk (encodings, skip reasons), the HTML, PDF, Word (.docx) and EPUB readers,
sentence splitting, passage packing and token counting. Imports only the bottom layer (types,
errors, resources).
"""
