"""Turn a PDF into a synthetic scan: rasterised pages degraded like a real office scanner.

Each page is rendered with pypdfium2, the unit's red seal is stamped over the signature on
the last page (as on the signed paper), and the page then goes through the scanner: slight
skew, blur, uneven lighting, sensor noise and JPEG compression. The output is an image-only
PDF (no text layer) or the page images. Everything random is drawn from the ``rng`` passed
in, so a given rng state gives identical bytes.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from gongkai.data.synth.fonts import FontNotFoundError, find_cjk_font

MM_PER_INCH = 25.4
SEAL_DIAMETER_MM = 42.0  # the standard diameter of a government unit's seal
_FOOTER_PT = 20 / MM_PER_INCH * 72  # text lower than this on the page is a page number


@dataclass
class ScanStyle:
    """One scanner's settings, drawn once per document (a report is scanned in one go)."""

    dpi: int
    quality: int
    tint: tuple[float, float, float]  # paper colour as a multiplier per channel
    blur: float  # Gaussian radius at 200 dpi
    noise: float  # sensor noise sigma, in 0..255 levels
    light: float  # darkening at the far side of the lighting gradient

    @classmethod
    def draw(cls, rng: random.Random, dpi: int | None) -> ScanStyle:
        warm = rng.uniform(0.0, 0.05)
        return cls(
            dpi=dpi if dpi is not None else rng.choice([150, 200, 200, 240, 300, 300]),
            quality=rng.randint(50, 85),
            tint=(1.0 - warm * 0.3, 1.0 - warm * 0.5, 1.0 - warm),
            blur=rng.uniform(0.3, 1.0),
            noise=rng.uniform(1.5, 6.0),
            light=rng.uniform(0.04, 0.2),
        )


# ---- the seal --------------------------------------------------------------------------


Box = tuple[float, float, float, float, str]  # left, bottom, right, top (points), text


def _text_lines(page: pdfium.PdfPage) -> list[list[Box]]:
    """Text runs above the footer grouped into lines, lowest line first."""
    textpage = page.get_textpage()
    runs: list[Box] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        if top >= _FOOTER_PT:
            runs.append((left, bottom, right, top, textpage.get_text_bounded(left, bottom, right, top)))
    lines: list[list[Box]] = []
    for run in sorted(runs, key=lambda r: (r[1] + r[3]) / 2):
        mid, last = (run[1] + run[3]) / 2, lines[-1] if lines else None
        # Runs of one line differ in height (punctuation, digits), so join on overlap of centres.
        if last is not None and abs(mid - (last[0][1] + last[0][3]) / 2) < (run[3] - run[1]) / 2:
            last.append(run)
        else:
            lines.append([run])
    return lines


def _signature_box(page: pdfium.PdfPage) -> Box | None:
    """Bounding box of the last two text lines (unit name and date), and the unit name."""
    lines = _text_lines(page)[:2]  # PDF y grows upwards: the lowest lines come first
    if not lines:
        return None
    boxes = [b for line in lines for b in line]
    name = "".join(b[4] for b in sorted(lines[-1])).strip()  # the upper line, left to right
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
        name,
    )


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.382
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def make_seal(name: str, diameter: int, rng: random.Random) -> Image.Image:
    """An ``L`` ink-density mask of a round seal: rim, the unit's name around the top, a star."""
    size = diameter + 8
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    rim = max(2, round(diameter * 0.03))
    draw.ellipse(
        (c - diameter / 2, c - diameter / 2, c + diameter / 2, c + diameter / 2), outline=255, width=rim
    )
    draw.polygon(_star(c, c, diameter * 0.17), fill=255)
    chars = [ch for ch in name if not ch.isspace()][:24]
    try:
        font: ImageFont.FreeTypeFont | None = ImageFont.truetype(
            str(find_cjk_font()), round(diameter * 0.13), index=0
        )
    except (FontNotFoundError, OSError):
        font = None  # no CJK font: a seal with rim and star only still marks the page
    if chars and font is not None:
        span = math.radians(min(250.0, 28.0 * len(chars) + 40))
        radius = diameter / 2 - rim - diameter * 0.1
        for i, ch in enumerate(chars):
            # Characters run clockwise over the top, each upright along its radius.
            a = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(chars)
            glyph = Image.new("L", (font.size * 2, font.size * 2), 0)
            ImageDraw.Draw(glyph).text((font.size, font.size), ch, font=font, fill=255, anchor="mm")
            glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.Resampling.BICUBIC)
            x, y = c + radius * math.cos(a), c + radius * math.sin(a)
            mask.paste(255, (round(x - font.size), round(y - font.size)), glyph)
    mask = mask.rotate(rng.uniform(-20, 20), resample=Image.Resampling.BICUBIC)
    # Uneven ink: a smooth random field thins the stamp in patches.
    # Drawn from rng, not Image.effect_noise, whose C generator is not seeded.
    coarse = np.random.default_rng(rng.getrandbits(64)).uniform(0.0, 255.0, (size // 8 + 1, size // 8 + 1))
    field = Image.fromarray(coarse.astype(np.uint8), "L").resize((size, size), Image.Resampling.BICUBIC)
    ink = (
        np.asarray(mask, dtype=np.float32)
        / 255
        * np.clip(0.55 + np.asarray(field, np.float32) / 255 * 0.6, 0, 1)
    )
    ink *= rng.uniform(0.75, 0.95)
    return Image.fromarray((ink * 255).astype(np.uint8), "L")


def stamp(img: Image.Image, seal: Image.Image, center: tuple[float, float]) -> Image.Image:
    """Print red ink over the page: a multiply blend, so text under the seal stays readable."""
    red = np.array([200, 28, 36], dtype=np.float32) / 255
    page = np.asarray(img, dtype=np.float32)
    x0, y0 = round(center[0] - seal.width / 2), round(center[1] - seal.height / 2)
    x1, y1 = max(x0, 0), max(y0, 0)
    x2, y2 = min(x0 + seal.width, img.width), min(y0 + seal.height, img.height)
    if x2 <= x1 or y2 <= y1:
        return img
    a = np.asarray(seal, dtype=np.float32)[y1 - y0 : y2 - y0, x1 - x0 : x2 - x0, None] / 255
    page[y1:y2, x1:x2] *= 1 - a * (1 - red)
    return Image.fromarray(page.clip(0, 255).astype(np.uint8), "RGB")


# ---- the scanner -----------------------------------------------------------------------


def degrade(img: Image.Image, s: ScanStyle, rng: random.Random, nrng: np.random.Generator) -> Image.Image:
    """Skew, blur, paper tint under uneven light, and noise, in the order a scan applies them."""
    img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    img = img.filter(ImageFilter.GaussianBlur(s.blur * s.dpi / 200))
    w, h = img.size
    # Lighting falls off linearly in a random direction (the lid never lies flat). The ramp,
    # with the paper tint, is made small and scaled up: full-page float maths costs seconds.
    theta = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:1:33j, 0:1:33j]
    ramp = (xs - 0.5) * math.cos(theta) + (ys - 0.5) * math.sin(theta)
    light = 1.0 - s.light * (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    small = (light[..., None] * np.asarray(s.tint) * 255).round().astype(np.uint8)
    img = ImageChops.multiply(img, Image.fromarray(small, "RGB").resize((w, h), Image.Resampling.BILINEAR))
    noise = (nrng.standard_normal((h, w), dtype=np.float32) * s.noise).astype(np.int16)  # grey sensor noise
    arr = np.asarray(img, dtype=np.int16) + noise[..., None]
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8), "RGB")


def _jpeg(img: Image.Image, s: ScanStyle) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=s.quality, dpi=(s.dpi, s.dpi))
    return buf.getvalue()


def _image_pdf(jpegs: list[bytes], dpi: int) -> bytes:
    """An image-only PDF: each JPEG embedded as is (DCTDecode) on a page of its physical size.

    Written directly rather than through Pillow, which would decode and re-compress every
    page (a second generation of JPEG loss) and hold all pages in memory at once.
    """
    out = io.BytesIO()
    offsets: list[int] = []

    def obj(body: bytes, stream: bytes | None = None) -> None:
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % len(offsets) + body)
        if stream is not None:
            out.write(b"\nstream\n" + stream + b"\nendstream")
        out.write(b"\nendobj\n")

    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    kids = " ".join(f"{3 + 3 * i} 0 R" for i in range(len(jpegs)))
    obj(b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(f"<< /Type /Pages /Kids [{kids}] /Count {len(jpegs)} >>".encode())
    for i, jpg in enumerate(jpegs):
        w_px, h_px = Image.open(io.BytesIO(jpg)).size  # reads the header only
        w, h = w_px * 72 / dpi, h_px * 72 / dpi
        content, image = 4 + 3 * i, 5 + 3 * i  # the page itself is object 3 + 3 * i
        obj(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2f} {h:.2f}] "
            f"/Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {content} 0 R >>".encode()
        )
        draw = f"q {w:.2f} 0 0 {h:.2f} 0 0 cm /Im0 Do Q".encode()
        obj(b"<< /Length %d >>" % len(draw), draw)
        obj(
            f"<< /Type /XObject /Subtype /Image /Width {w_px} /Height {h_px} /ColorSpace /DeviceRGB "
            f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpg)} >>".encode(),
            jpg,
        )
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return out.getvalue()


def render_scan(
    pdf_bytes: bytes, rng: random.Random, dpi: int | None = None, as_pdf: bool = True
) -> bytes | list[bytes]:
    """A scanned copy of ``pdf_bytes``: an image-only PDF, or one JPEG per page if not ``as_pdf``.

    ``dpi`` is drawn from 150–300 when None. The seal goes over the last two text lines of
    the last page (the unit's name and date); a page without text gets it at the lower right.
    """
    s = ScanStyle.draw(rng, dpi)
    nrng = np.random.default_rng(rng.getrandbits(64))
    pdf = pdfium.PdfDocument(pdf_bytes)
    pages: list[bytes] = []
    try:
        n = len(pdf)
        for i in range(n):
            page = pdf[i]
            img = page.render(scale=s.dpi / 72).to_pil().convert("RGB")
            if i == n - 1:
                img = _seal_page(img, page, s, rng)
            pages.append(_jpeg(degrade(img, s, rng, nrng), s))
    finally:
        pdf.close()
    return _image_pdf(pages, s.dpi) if as_pdf else pages


def _seal_page(img: Image.Image, page: pdfium.PdfPage, s: ScanStyle, rng: random.Random) -> Image.Image:
    scale = s.dpi / 72
    box = _signature_box(page)
    _, page_h = page.get_size()
    if box is None:
        name, center = "", (img.width * 0.72, img.height * 0.78)
    else:
        left, bottom, right, top, name = box
        # Centred on the signature, nudged as a hand-stamped seal would be.
        cx = (left + right) / 2 + rng.uniform(-8, 8)
        cy = page_h - (bottom + top) / 2 + rng.uniform(-6, 6)
        center = (cx * scale, cy * scale)
    seal = make_seal(name, round(SEAL_DIAMETER_MM / MM_PER_INCH * s.dpi), rng)
    return stamp(img, seal, center)
