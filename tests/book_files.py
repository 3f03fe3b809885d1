"""Real .docx, .epub and .pdf files for tests, written with python-docx, zipfile and by hand
(not fixtures of unknown origin), and their damaged variants."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

# (style, text) per paragraph; a list of rows stands for a table.
Block = tuple[str, str] | list[list[str]]


def make_docx(path: Path, blocks: Sequence[Block], title: str | None = None) -> Path:
    """A Word document with these paragraphs (style names as Word's: "Heading 1", "Normal")
    and tables, in order."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, list):
            table = document.add_table(rows=len(block), cols=len(block[0]))
            for r, row in enumerate(block):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        else:
            style, text = block
            document.add_paragraph(text, style=style)
    if title is not None:
        document.core_properties.title = title
    document.save(path)
    return path


CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""

CHAPTER = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>{title}</title></head>
<body>{body}</body>
</html>"""


def make_epub(
    path: Path,
    chapters: Sequence[tuple[str, str]],
    *,
    title: str = "A Test Book",
    spine_order: Sequence[int] | None = None,
    encrypt: Sequence[int] = (),
) -> Path:
    """An EPUB 3 whose chapters are (title, XHTML body) pairs. The files are stored in the zip
    in the given order, but the spine reads them in ``spine_order``; ``encrypt`` lists chapters
    that META-INF/encryption.xml declares encrypted (as DRM does)."""
    order = list(spine_order) if spine_order is not None else list(range(len(chapters)))
    items = "\n".join(
        f'<item id="c{i}" href="text/ch{i}.xhtml" media-type="application/xhtml+xml"/>'
        for i in range(len(chapters))
    )
    spine = "\n".join(f'<itemref idref="c{i}"/>' for i in order)
    opf = f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:12345678-1234-1234-1234-123456789abc</dc:identifier>
    <dc:title>{title}</dc:title>
    <dc:language>en</dc:language>
  </metadata>
  <manifest>
    {items}
    <item id="css" href="style.css" media-type="text/css"/>
  </manifest>
  <spine>
    {spine}
  </spine>
</package>"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/container.xml", CONTAINER)
        if encrypt:
            refs = "".join(
                '<enc:EncryptedData><enc:CipherData><enc:CipherReference URI="OEBPS/text/'
                f'ch{i}.xhtml"/></enc:CipherData></enc:EncryptedData>'
                for i in encrypt
            )
            archive.writestr(
                "META-INF/encryption.xml",
                '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                f'xmlns:enc="http://www.w3.org/2001/04/xmlenc#">{refs}</encryption>',
            )
        archive.writestr("OEBPS/content.opf", opf)
        archive.writestr("OEBPS/style.css", "body { margin: 0 }")
        for i, (chapter_title, body) in enumerate(chapters):
            archive.writestr(
                f"OEBPS/text/ch{i}.xhtml", CHAPTER.format(title=chapter_title, body=body)
            )
    path.write_bytes(buffer.getvalue())
    return path


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal PDF: one Helvetica text line per string, with a correct xref table."""

    def literal(text: str) -> str:
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, lines in enumerate(pages):
        body = " T* ".join(f"{literal(line)} Tj" for line in lines)
        stream = f"BT /F1 12 Tf 16 TL 72 720 Td {body} ET" if lines else ""
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    if title is not None:
        objects.append(f"<< /Title {literal(title)} >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    info = f" /Info {len(objects)} 0 R" if title is not None else ""
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{info} >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
