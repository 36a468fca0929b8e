"""Image backend: JPG, PNG, TIFF (every frame a page) and the like, read by OCR.

Decoding is guarded: an image of more than :data:`MAX_SOURCE_PIXELS` is refused with a plain
error rather than decoded, a large one is decoded reduced (JPEG draft mode) and scaled to
the OCR pixel limit, and frames are decoded one by one where they are OCR'd, so memory
stays bounded.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .base import Document, LoadError
from .ocr_page import MAX_PIXELS
from .page_layout import assemble
from .table_join import join_continued

MAX_SOURCE_PIXELS = 400_000_000  # per frame; a 300 dpi A0 sheet is about 140 million
MAX_FRAMES = 1000


def _grey(frame: Image.Image) -> np.ndarray:
    w, h = frame.size
    if w * h > MAX_PIXELS:
        # JPEG can decode at 1/2, 1/4, 1/8 scale directly: far less memory than full size.
        s = (MAX_PIXELS / (w * h)) ** 0.5
        frame.draft("L", (max(1, int(w * s)), max(1, int(h * s))))
        scale = (MAX_PIXELS / (frame.size[0] * frame.size[1])) ** 0.5
        if scale < 1:
            frame = frame.resize((max(1, int(frame.size[0] * scale)), max(1, int(frame.size[1] * scale))),
                                 Image.Resampling.BOX)
    if frame.mode in ("RGBA", "LA", "P"):
        # Transparent regions are paper, not ink.
        rgba = frame.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(bg, rgba)
    return np.asarray(frame.convert("L"), dtype=np.uint8).copy()


def _open(src: str | os.PathLike[str] | bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = None  # our own limit (check_frames) replaces PIL's bomb check
    try:
        return Image.open(io.BytesIO(src) if isinstance(src, bytes) else Path(src))
    except (UnidentifiedImageError, OSError) as e:
        raise LoadError(f"the image cannot be decoded: {e}") from None


def check_frames(src: str | os.PathLike[str] | bytes) -> int:
    """The number of frames (pages), after checking each frame's size without decoding it."""
    with _open(src) as img:
        n = getattr(img, "n_frames", 1)
        if n > MAX_FRAMES:
            raise LoadError(f"the image has {n} frames; at most {MAX_FRAMES} pages are read")
        for k in range(n):
            img.seek(k)
            w, h = img.size
            if w * h > MAX_SOURCE_PIXELS:
                raise LoadError(f"the image is too large to read ({w}×{h} pixels)")
            if w < 16 or h < 16:
                raise LoadError(f"the image is too small to hold a report ({w}×{h} pixels)")
    return n


def decode_frame(img: Image.Image, k: int) -> np.ndarray:
    """Frame ``k`` of an open image as a grey array, upright per its EXIF orientation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            img.seek(k)
            frame = ImageOps.exif_transpose(img) if k == 0 else img
            return _grey(frame)
        except (OSError, ValueError, SyntaxError, EOFError) as e:
            raise LoadError(f"the image is corrupted or truncated: {e}") from None


def load_image(src: str | os.PathLike[str] | bytes, *, workers: int | None = None) -> Document:
    """OCR an image file (each frame one page) into a :class:`Document` of format ``image``.

    Frames are decoded one at a time by the OCR workers, so a long multi-page TIFF never sits
    in memory whole.
    """
    from .ocr_run import ocr_image_frames

    n = check_frames(src)
    pages = join_continued(ocr_image_frames(src if isinstance(src, bytes) else str(src), n, workers=workers))
    text, conf = assemble([b for blocks in pages for b in blocks])
    if not text.strip():
        raise LoadError("no text was found in the image")
    return Document(
        text=text,
        format="image",
        pages=n,
        tables=[b.table for blocks in pages for b in blocks if b.table is not None],
        from_ocr=True,
        char_confidence=conf,
    )
