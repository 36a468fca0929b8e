"""Hand labels of real reports, stored as labels only (no report text in the repository).

Each label file names its source (relative to ``shared/``) and the source's sha256, and lists
segments by *anchors*: hashes of the first and last 16 non-space characters and the segment's
length in non-space characters. At training time the report is read from ``shared/``, its
text extracted again and the anchors located, so the labels survive a change of sentence
splitter or of whitespace in the extraction (a PDF loader that wraps lines differently).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.training.documents import LabelledDoc, LabelledSpan

ANCHOR = 16
LABELS_DIR = Path(__file__).resolve().parent / "labels" / "real"


def _h(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()[:16]


def _compact(text: str) -> tuple[str, list[int]]:
    """Text without whitespace, and the offset in ``text`` of each kept character."""
    idx = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in idx), idx


def read_source_text(path: Path) -> str:
    """A report file as the parser sees it: loaded and normalised."""
    from gongkai.data.loaders import load
    from gongkai.data.normalize import normalize

    return normalize(load(path).text).text


def encode(text: str, spans: list[LabelledSpan]) -> list[dict]:
    """Anchored segments for ``spans`` of ``text``."""
    comp, idx = _compact(text)
    pos = {o: k for k, o in enumerate(idx)}
    out = []
    for s in spans:
        ks = [pos[i] for i in range(s.start, s.end) if i in pos]
        a, b = ks[0], ks[-1] + 1
        out.append({"topic": s.topic, "categories": list(s.categories), "start": _h(comp[a : a + ANCHOR]),
                    "end": _h(comp[max(a, b - ANCHOR) : b]), "length": b - a})
    return out


def decode(text: str, segments: list[dict]) -> tuple[list[LabelledSpan], int]:
    """Spans of ``text`` located from anchored segments; also how many could not be located."""
    comp, idx = _compact(text)
    starts: dict[str, list[int]] = {}
    for k in range(len(comp)):
        starts.setdefault(_h(comp[k : k + ANCHOR]), []).append(k)
    spans, missed, floor = [], 0, 0
    for seg in segments:
        cands = [k for k in starts.get(seg["start"], []) if k >= floor] or starts.get(seg["start"], [])
        found = None
        for a in cands:
            b = a + seg["length"]
            if b <= len(comp) and _h(comp[max(a, b - ANCHOR) : b]) == seg["end"]:
                found = (a, b)
                break
        if found is None:
            missed += 1
            continue
        a, b = found
        floor = b
        spans.append(LabelledSpan(idx[a], idx[b - 1] + 1, seg["topic"], tuple(seg.get("categories", ()))))
    return spans, missed


@dataclass(frozen=True)
class LabelFile:
    """One report's labels. ``unit`` is the reporting unit; ``group`` the cross-validation group (the
    unit, or the unit whose text it copies), so that no group sits on both sides of a split.
    ``headings`` anchors the report's section and sub-section headings (for the headings-removed
    evaluation); older files have none."""

    name: str
    source: str  # path relative to shared/
    sha256: str
    segments: list[dict]
    unit: str = ""
    group: str = ""
    headings: list[dict] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> LabelFile:
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(d["name"], d["source"], d["sha256"], d["segments"], d.get("unit", ""),
                   d.get("group") or d.get("unit", "") or d["name"], d.get("headings", []))

    def write(self, path: Path) -> None:
        d = {"name": self.name, "source": self.source, "sha256": self.sha256, "unit": self.unit,
             "group": self.group, "note": "hand labels by content; anchors are sha1 prefixes, no report text is stored",
             "segments": self.segments, "headings": self.headings}
        path.write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_real_docs(shared_dir: Path, labels_dir: Path = LABELS_DIR) -> list[LabelledDoc]:
    """Every hand-labelled real report whose source is present, with its spans re-located."""
    docs = []
    for p in sorted(labels_dir.glob("*.json")):
        lf = LabelFile.read(p)
        src = shared_dir / lf.source
        if not src.is_file():
            continue
        sha = hashlib.sha256(src.read_bytes()).hexdigest()
        text = read_source_text(src)
        spans, missed = decode(text, lf.segments)
        heads, _ = decode(text, lf.headings)
        docs.append(LabelledDoc(lf.name, text, spans, "real",
                                {"source": lf.source, "sha_ok": sha == lf.sha256, "missed": missed,
                                 "unit": lf.unit, "group": lf.group, "headings": [(h.start, h.end) for h in heads]}))
    return docs
