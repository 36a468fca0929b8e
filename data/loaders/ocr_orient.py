"""Page orientation (0/90/180/270) and small skew, found on a small binarised copy of the page.

Horizontal text leaves blank rows between lines and few blank columns, so comparing the
share of blank rows and columns tells an upright (or upside-down) page from one turned by
90°; the skew angle is the one that makes the row profile sharpest (text lines and rules
fall into few rows). Upright against upside down needs the recogniser (see
:func:`gongkai.data.loaders.ocr_page.read_page`).
"""

from __future__ import annotations

import cv2
import numpy as np

_WORK_WIDTH = 700  # pixels: the small copy the estimates run on
_MAX_SKEW = 5.0  # degrees searched each way


def _small_ink(gray: np.ndarray) -> np.ndarray:
    scale = _WORK_WIDTH / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _blank_share(profile: np.ndarray) -> float:
    nz = np.nonzero(profile)[0]
    if nz.size < 2:
        return 0.0
    inner = profile[nz[0] : nz[-1] + 1]
    return float((inner <= 0.01 * inner.max()).mean())


def is_sideways(gray: np.ndarray) -> bool:
    """True when the text runs vertically (the page is turned by 90° or 270°)."""
    ink = _small_ink(gray)
    # Rules would fill rows/columns: drop long strokes, keep glyphs.
    lines_h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (40, 1)))
    lines_v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 40)))
    glyphs = cv2.subtract(ink, cv2.bitwise_or(lines_h, lines_v))
    if cv2.countNonZero(glyphs) < 200:
        return False
    rows = _blank_share(glyphs.sum(axis=1).astype(np.float64))
    cols = _blank_share(glyphs.sum(axis=0).astype(np.float64))
    return cols > rows + 0.05


def _sharpness(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    prof = rot.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(prof)).sum())


def skew_angle(gray: np.ndarray) -> float:
    """Angle in degrees (counter-clockwise, cv2 convention) that straightens the page."""
    ink = _small_ink(gray)
    if cv2.countNonZero(ink) < 200:
        return 0.0
    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.5), key=lambda a: _sharpness(ink, float(a)))
    fine = np.arange(best - 0.45, best + 0.46, 0.05)
    return float(max(fine, key=lambda a: _sharpness(ink, float(a))))


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by ``angle`` degrees (counter-clockwise), canvas grown, white filled."""
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)


def turn(gray: np.ndarray, quarter_turns: int) -> np.ndarray:
    """The page turned counter-clockwise by ``quarter_turns`` × 90°."""
    return np.ascontiguousarray(np.rot90(gray, quarter_turns % 4))
