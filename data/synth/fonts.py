"""Find a CJK TrueType font on this machine for the synthetic PDF renderer.

reportlab embeds only fonts with TrueType (glyf) outlines, so CFF-based fonts such as Noto
Sans CJK (.otf) are not candidates. The project's reference font is Debian's
``fonts-wqy-zenhei``; a few other TrueType CJK fonts are accepted as fallbacks.
"""

from __future__ import annotations

import os
from pathlib import Path

from gongkai.data.errors import GongkaiError

FONT_PACKAGE = "fonts-wqy-zenhei"

# File names in order of preference; each has TrueType outlines and simplified-Chinese glyphs.
CJK_FONT_FILES = (
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
    "uming.ttc",
    "ukai.ttc",
    "DroidSansFallbackFull.ttf",
)

FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
)


class FontNotFoundError(GongkaiError, RuntimeError):
    """No usable CJK TrueType font is installed."""


def find_cjk_font() -> Path:
    """Path of a CJK TrueType font (.ttf/.ttc), searching ``$GONGKAI_CJK_FONT`` then standard dirs."""
    env = os.environ.get("GONGKAI_CJK_FONT")
    if env and Path(env).is_file():
        return Path(env)
    found: dict[str, Path] = {}
    for d in FONT_DIRS:
        root = Path(d).expanduser()
        if not root.is_dir():
            continue
        for dirpath, _, files in os.walk(root):
            for name in files:
                if name in CJK_FONT_FILES and name not in found:
                    found[name] = Path(dirpath) / name
    for name in CJK_FONT_FILES:
        if name in found:
            return found[name]
    raise FontNotFoundError(
        f"no CJK TrueType font found (looked for {', '.join(CJK_FONT_FILES)} under {', '.join(FONT_DIRS)}); "
        f"install the Debian package {FONT_PACKAGE} (apt-get install -y {FONT_PACKAGE}) "
        "or set GONGKAI_CJK_FONT to a .ttf/.ttc path"
    )


def has_cjk_font() -> bool:
    try:
        find_cjk_font()
    except FontNotFoundError:
        return False
    return True
