"""Scans made from PDFs at run time, for tests and benchmarks of the OCR path.

A page is rasterised (pypdfium2), blurred, turned by a small angle, given sensor noise and
saved as a low-quality JPEG, the way a printed and scanned report arrives. Nothing derived
from ``shared/`` is ever written into the project: callers keep the images in memory or in
a temporary directory.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def rasterise(src: str | os.PathLike[str] | bytes, dpi: int = 200, pages: Sequence[int] | None = None) -> list[Image.Image]:
    """PDF pages as grey PIL images."""
    pdf = pdfium.PdfDocument(src if isinstance(src, bytes) else str(src))
    try:
        idx = range(len(pdf)) if pages is None else pages
        out = []
        for i in idx:
            page = pdf[i]
            out.append(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
            page.close()
        return out
    finally:
        pdf.close()


def degrade(page: Image.Image, *, angle: float = 1.5, blur: float = 0.8, quality: int = 60, noise: float = 6.0,
            seed: int = 0) -> bytes:
    """JPEG bytes of the page blurred, rotated by ``angle`` degrees and noised."""
    img = page.convert("L").filter(ImageFilter.GaussianBlur(blur)) if blur else page.convert("L")
    if angle:
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if noise:
        arr = np.asarray(img, dtype=np.float32)
        arr = arr + np.random.default_rng(seed).normal(0.0, noise, arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def scan_pages(src: str | os.PathLike[str] | bytes, dpi: int = 200, seed: int = 0, max_angle: float = 1.5,
               **kwargs) -> list[bytes]:
    """Every page of a PDF as a degraded JPEG scan, turned by -``max_angle``, +``max_angle``, ... in turn."""
    out = []
    for i, page in enumerate(rasterise(src, dpi)):
        angle = max_angle * (1 if i % 2 else -1)
        out.append(degrade(page, angle=angle, seed=seed + i, **kwargs))
    return out


def to_pdf(jpegs: Sequence[bytes]) -> bytes:
    """A scanned PDF: one JPEG image per page, no text layer."""
    frames = [Image.open(io.BytesIO(j)) for j in jpegs]
    buf = io.BytesIO()
    frames[0].save(buf, "PDF", save_all=True, append_images=frames[1:], resolution=200.0)
    return buf.getvalue()
