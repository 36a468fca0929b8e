"""Run OCR over many pages: rendering, worker processes, progress, timing.

Pages are OCR'd in worker processes (``workers``, default ``$GONGKAI_WORKERS`` or all
cores), each loading the models once and, for a PDF or a multi-frame image, opening the file
once and rendering or decoding its own pages, so only page numbers and small results cross process boundaries and memory
stays bounded however long the file is. One page, or one worker, runs in this process.
ONNX threads are split between workers so that the cores are not oversubscribed.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import ocr_engine
from .ocr_engine import get_engine
from .ocr_page import MAX_PIXELS, read_page
from .page_layout import Block

DEFAULT_DPI = 200


@dataclass
class OcrStats:
    """Totals of the last OCR run in this process (the benchmark reads them)."""

    pages: int = 0
    engine_seconds: float = 0.0
    wall_seconds: float = 0.0


LAST = OcrStats()


def default_workers() -> int:
    env = os.environ.get("GONGKAI_WORKERS", "")
    return int(env) if env.isdigit() and int(env) > 0 else max(1, os.cpu_count() or 1)


def render_pdf_page(pdf, index: int, dpi: int = DEFAULT_DPI) -> np.ndarray:
    """A PDF page as a grey image at ``dpi`` (less if that would exceed the pixel limit)."""
    page = pdf[index]
    try:
        w, h = page.get_size()
        scale = dpi / 72
        if w * h * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (w * h)) ** 0.5
        bitmap = page.render(scale=scale, grayscale=True)
        arr = np.array(bitmap.to_numpy(), copy=True)
        bitmap.close()
    finally:
        page.close()
    return arr[:, :, 0] if arr.ndim == 3 else arr


# -- worker side -------------------------------------------------------------------------
_W: dict = {}


def _init_worker(src: str | bytes | None, dpi: int, engine: str, threads: int) -> None:
    _W.update(src=src, dpi=dpi, engine=engine, threads=threads, pdf=None)


def _engine():
    return get_engine(_W.get("engine") or ocr_engine.DEFAULT_ENGINE, _W.get("threads"))


def _pdf_task(index: int) -> tuple[int, list[Block], float]:
    import pypdfium2 as pdfium

    if _W.get("pdf") is None:
        _W["pdf"] = pdfium.PdfDocument(_W["src"])
    eng = _engine()
    before = eng.seconds
    blocks = read_page(render_pdf_page(_W["pdf"], index, _W["dpi"]), eng)
    return index, blocks, eng.seconds - before


def _frame_task(index: int) -> tuple[int, list[Block], float]:
    from .image import _open, decode_frame

    if _W.get("img") is None:
        _W["img"] = _open(_W["src"])
    eng = _engine()
    before = eng.seconds
    blocks = read_page(decode_frame(_W["img"], index), eng)
    return index, blocks, eng.seconds - before


# -- caller side -------------------------------------------------------------------------
def _run(task: Callable, items: Sequence, workers: int | None, init_args: tuple) -> dict[int, list[Block]]:
    from tqdm import tqdm

    start = time.perf_counter()
    workers = min(workers or default_workers(), len(items)) or 1
    # GONGKAI_OCR_THREADS: set by a caller that runs several files side by side (gongkai ingest).
    env_threads = os.environ.get("GONGKAI_OCR_THREADS", "")
    threads = int(env_threads) if env_threads.isdigit() and int(env_threads) > 0 else 0
    threads = threads or max(1, (os.cpu_count() or 1) // workers)
    out: dict[int, list[Block]] = {}
    engine_s = 0.0
    bar = tqdm(total=len(items), desc="OCR", unit="page", disable=None if len(items) >= 3 else True, leave=False)
    results: Iterable
    try:
        if workers == 1:
            _init_worker(*init_args[:3], threads)
            results = (task(it) for it in items)
            for index, blocks, secs in results:
                out[index] = blocks
                engine_s += secs
                bar.update(1)
        else:
            # forkserver: children start clean (no inherited ONNX or pdfium threads) yet cheaply.
            ctx = mp.get_context("forkserver")
            with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                     initargs=(*init_args[:3], threads)) as pool:
                for index, blocks, secs in pool.map(task, items):
                    out[index] = blocks
                    engine_s += secs
                    bar.update(1)
    finally:
        bar.close()
        if _W.get("img") is not None:
            _W["img"].close()
        _W.clear()
    LAST.pages, LAST.engine_seconds, LAST.wall_seconds = len(items), engine_s, time.perf_counter() - start
    return out


def ocr_pdf_pages(src: str | bytes, pages: Sequence[int], *, dpi: int = DEFAULT_DPI, workers: int | None = None,
                  engine: str | None = None) -> dict[int, list[Block]]:
    """Blocks of each listed PDF page (0-based), rendered at ``dpi`` and OCR'd."""
    return _run(_pdf_task, list(pages), workers, (src, dpi, engine or ocr_engine.DEFAULT_ENGINE))


def ocr_image_frames(src: str | bytes, n_frames: int, *, workers: int | None = None,
                     engine: str | None = None) -> list[list[Block]]:
    """Blocks of each frame of an image file, decoded where it is OCR'd (one frame in memory per worker)."""
    out = _run(_frame_task, list(range(n_frames)), workers, (src, DEFAULT_DPI, engine or ocr_engine.DEFAULT_ENGINE))
    return [out[i] for i in range(n_frames)]
