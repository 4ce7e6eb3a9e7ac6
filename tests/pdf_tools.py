"""A PDF read back as a reader's viewer shows it, with poppler-utils (pdftotext, pdfinfo, pdffonts)."""

from __future__ import annotations

import re
import shutil
import subprocess

POPPLER = shutil.which("pdftotext") is not None


def poppler(tool: str, data: bytes, tmp_path, *args: str) -> str:
    """Run a poppler tool on `data` (written to tmp_path) and return what it prints."""
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout


def pdf_pages(data: bytes, tmp_path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", data, tmp_path), re.M)[1])


def pdf_fonts(data: bytes, tmp_path) -> list[tuple[str, str, str]]:
    """(font name, emb column, sub column) for each font pdffonts lists."""
    rows = poppler("pdffonts", data, tmp_path).splitlines()[2:]  # after the header and its dashes
    # name, type (several words), encoding, emb, sub, uni, object, generation
    return [(row.split()[0], row.split()[-5], row.split()[-4]) for row in rows if row.strip()]
