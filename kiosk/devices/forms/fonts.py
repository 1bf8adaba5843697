"""The one font every form is set in: WenQuanYi Micro Hei (Debian fonts-wqy-microhei),
embedded in the PDF.

Not reportlab's built-in CID font STSong-Light: it is not embedded, and once a PDF goes through
CUPS and Ghostscript every Latin letter and digit set in it is lost (../shared/DESIGN.md), which
would blank order numbers, ID numbers and phones on paper. Micro Hei is a TrueType collection;
subfont 0 is the proportional face. Registered once per process: registration parses the
whole 5 MB file."""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "WQYMicroHei"
FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_registered = threading.Lock()


class FontMissing(RuntimeError):
    """The CJK font is not installed: forms cannot be printed (a set-up fault, for staff)."""


def cjk_font(path: Path = FONT_PATH) -> str:
    """The registered font's name, registering it on first use."""
    with _registered:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            if not path.is_file():
                raise FontMissing(f"the form font {path} is missing (Debian package fonts-wqy-microhei)")
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME
