"""Damaged copies of report files, for fuzzing: every format's typical ways of going wrong.

``mutate(data, fmt, rng)`` returns ``(name, bytes)``: one mutation drawn for the format. Text
mutations (txt, md, and the text inside HTML) are byte flips, truncation, duplicated and dropped
lines, changed digits, huge numbers (runs of 20–140 nines), superscript and other-script digits,
fractions, control characters, mixed encodings, one huge line and glued cells; HTML adds deep
nesting, unclosed and broken tags and absurd spans; DOCX zip bombs, broken XML, absurd spans
and damaged zips; PDFs byte flips, truncation, broken xref and absurd page boxes; images
headers claiming 50,000 × 50,000 pixels, truncation and byte flips. Every output is small on
disk (a zip bomb is a few MB that inflate to 1 GB). Deterministic for a given ``rng``.
"""

from __future__ import annotations

import functools
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

Mutator = Callable[[bytes, random.Random], bytes]
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_OTHER_DIGITS = ("٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "①②③④⑤⑥⑦⑧⑨⑩", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗")
_CONTROL = [chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127)] + ["\u202e", "\u200b", "\ufeff", "\x85", "\u2028"]
_NUM = re.compile(r"(?<![\d.])\d{1,4}(?![\d.])")
_MAX_CHARS = 4_000_000  # repeated content stops here (a few MB: big, but not a disk filler)


def _times(text: str, k: int) -> int:
    return max(1, min(k, _MAX_CHARS // max(1, len(text))))


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030", "utf-16"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _on_text(fn: Callable[[str, random.Random], str]) -> Mutator:
    @functools.wraps(fn)
    def wrapped(data: bytes, rng: random.Random) -> bytes:
        return fn(_decode(data), rng).encode("utf-8", errors="surrogatepass")

    return wrapped


# ---- byte level (any format) -----------------------------------------------------------------


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.choice((1, 3, 10, 100, max(1, len(b) // 50)))):
        if b:
            b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(0, max(1, len(data)))]


def garbage(data: bytes, rng: random.Random) -> bytes:
    return rng.choice((b"", b"\xef\xbb\xbf", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 5000))),
                       b"\x00" * rng.randrange(1, 100_000)))


# ---- text ---------------------------------------------------------------------------------


@_on_text
def dup_drop_lines(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randrange(1, 30)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines.insert(i, lines[i] * rng.choice((1, 1, 5)))
        else:
            del lines[i]
    return "\n".join(lines)


@_on_text
def change_digits(text: str, rng: random.Random) -> str:
    p = rng.choice((0.05, 0.3, 1.0))
    return "".join(str(rng.randrange(10)) if c.isdigit() and rng.random() < p else c for c in text)


@_on_text
def huge_numbers(text: str, rng: random.Random) -> str:
    p = rng.choice((0.05, 0.2, 0.6))
    digit = rng.choice("91")
    return _NUM.sub(lambda m: digit * rng.randint(20, 140) if rng.random() < p else m.group(), text)


@_on_text
def odd_digits(text: str, rng: random.Random) -> str:
    """Superscripts, other scripts' digits, fractions and negative numbers in cells."""
    kind = rng.choice(("super", "script", "fraction", "negative", "float"))
    script = rng.choice(_OTHER_DIGITS)

    def one(m: re.Match) -> str:
        s = m.group()
        if rng.random() > 0.3:
            return s
        if kind == "super":
            return "".join(_SUPERSCRIPTS[int(c)] for c in s)
        if kind == "script":
            return "".join(script[int(c) % len(script)] for c in s)
        if kind == "fraction":
            return s + rng.choice((".5", ".25", "½", "/2"))
        if kind == "negative":
            return "-" + s
        return rng.choice(("1e308", "1e999", "nan", "inf", "0.0000001", "9" * 400 + ".5"))

    return _NUM.sub(one, text)


@_on_text
def control_chars(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randrange(1, 200)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(_CONTROL))
    return "".join(chars)


def mixed_encoding(data: bytes, rng: random.Random) -> bytes:
    text = _decode(data)
    cut = rng.randrange(len(text) + 1)
    second = rng.choice(("gb18030", "utf-16-le", "big5", "latin-1"))
    return text[:cut].encode("utf-8") + text[cut:].encode(second, errors="replace")


@_on_text
def one_huge_line(text: str, rng: random.Random) -> str:
    body = text.replace("\n", rng.choice(("", " ", "\t")))
    return body * _times(body, rng.choice((1, 10, 60)))


@_on_text
def glued(text: str, rng: random.Random) -> str:
    return re.sub(r"[ \t|]+", "", text)


@_on_text
def repeated(text: str, rng: random.Random) -> str:
    return text * _times(text, rng.choice((5, 40, 150)))


@_on_text
def digit_walls(text: str, rng: random.Random) -> str:
    """Lines of nothing but digits: the glued-cell splitter's worst case."""
    lines = text.split("\n")
    for _ in range(rng.randrange(1, 20)):
        lines.insert(rng.randrange(len(lines) + 1), "".join(rng.choice("0123456789") for _ in range(rng.randrange(8, 400))))
    return "\n".join(lines)


TEXT: list[Mutator] = [flip_bytes, truncate, dup_drop_lines, change_digits, huge_numbers, odd_digits,
                       control_chars, mixed_encoding, one_huge_line, glued, repeated, digit_walls]


# ---- HTML -------------------------------------------------------------------------------------


@_on_text
def deep_nesting(html: str, rng: random.Random) -> str:
    depth = rng.choice((1000, 10_000, 100_000))
    tag = rng.choice(("div", "span", "table><tr><td", "b", "font"))
    close = "".join(f"</{t}>" for t in reversed(re.findall(r"[a-z]+", tag)))
    closed = rng.random() < 0.5
    i = html.find("<body")
    i = html.find(">", i) + 1 if i >= 0 else 0
    return html[:i] + f"<{tag}>" * depth + html[i:] + (close * depth if closed else "")


@_on_text
def broken_tags(html: str, rng: random.Random) -> str:
    kind = rng.choice(("unclosed", "cut", "junk"))
    if kind == "unclosed":
        return re.sub(r"</(td|tr|table|p|div|th|tbody)>", lambda m: "" if rng.random() < 0.7 else m.group(), html)
    if kind == "cut":
        return re.sub(r"<[^>]{0,40}>", lambda m: m.group()[: rng.randrange(len(m.group()))] if rng.random() < 0.2
                      else m.group(), html)
    chars = list(html)
    for _ in range(rng.randrange(1, 300)):
        chars.insert(rng.randrange(len(chars) + 1), rng.choice(("<", ">", "<td", "</", "<!--", "&", "&#99999999;", "<![CDATA[")))
    return "".join(chars)


@_on_text
def absurd_spans(html: str, rng: random.Random) -> str:
    big = rng.choice(("100000", "999999999", "-5", "0", "1e9", "99999999999999999999", "9" * 5000))
    out = re.sub(r"<t([dh])(?=[\s>])", lambda m: f'<t{m.group(1)} colspan="{big}" rowspan="{big}"'
                 if rng.random() < 0.3 else m.group(), html)
    return out


@_on_text
def huge_html_line(html: str, rng: random.Random) -> str:
    filler = "".join(rng.choice("0123456789公开申请") for _ in range(1000)) * rng.choice((100, 1000, 5000))
    return html.replace("\n", "") + "<p>" + filler + "</p>"


HTML: list[Mutator] = [*TEXT, deep_nesting, broken_tags, absurd_spans, huge_html_line]


# ---- DOCX -------------------------------------------------------------------------------------


def _members(data: bytes) -> dict[str, bytes] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {n: z.read(n) for n in z.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in members.items():
            z.writestr(n, b)
    return buf.getvalue()


def _xml_mutator(fn: Callable[[str, random.Random], str]) -> Mutator:
    @functools.wraps(fn)
    def wrapped(data: bytes, rng: random.Random) -> bytes:
        members = _members(data)
        if not members or "word/document.xml" not in members:
            return flip_bytes(data, rng)
        xml = members["word/document.xml"].decode("utf-8", errors="replace")
        members["word/document.xml"] = fn(xml, rng).encode("utf-8", errors="surrogatepass")
        return _zip(members)

    return wrapped


@_xml_mutator
def broken_xml(xml: str, rng: random.Random) -> str:
    kind = rng.choice(("truncate", "junk", "unbalanced", "entity"))
    if kind == "truncate":
        return xml[: rng.randrange(len(xml))]
    if kind == "junk":
        chars = list(xml)
        for _ in range(rng.randrange(1, 50)):
            chars.insert(rng.randrange(len(chars)), rng.choice(("<", "&", "\x00", "</w:tc>", "<w:tbl>")))
        return "".join(chars)
    if kind == "unbalanced":
        return xml.replace("</w:tc>", "", rng.randrange(1, 20))
    # an entity expansion ("billion laughs"): the XML parser must refuse it, not expand it
    lol = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>"
    return xml.replace("?>", "?>" + lol, 1).replace("<w:t>", "<w:t>&j;", 1)


@_xml_mutator
def docx_spans(xml: str, rng: random.Random) -> str:
    big = rng.choice(("100000", "2147483648", "-1", "99999999999999999999", "abc", "9" * 5000))
    xml = re.sub(r"<w:tcPr>", lambda m: f'<w:tcPr><w:gridSpan w:val="{big}"/><w:vMerge w:val="restart"/>'
                 if rng.random() < 0.3 else m.group(), xml)
    xml = re.sub(r"<w:tr>", lambda m: f'<w:tr><w:trPr><w:gridBefore w:val="{big}"/></w:trPr>'
                 if rng.random() < 0.2 else m.group(), xml)
    return re.sub(r'<w:gridCol w:w="\d+"/>', lambda m: m.group() * rng.choice((1, 1000)), xml, count=1)


@_xml_mutator
def docx_nesting(xml: str, rng: random.Random) -> str:
    depth = rng.choice((200, 2000, 20000))
    nest = "<w:tbl><w:tr><w:tc>" * depth + "<w:p><w:r><w:t>1</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * depth
    return xml.replace("<w:body>", "<w:body>" + nest, 1)


@functools.cache
def _bomb_xml_stream() -> bytes:
    """A deflate stream of a document.xml that inflates to 1 GB (made once, ~1 MB)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
    parts = [comp.compress(head)]
    chunk = b"0" * (1 << 20)
    for _ in range(1024):
        parts.append(comp.compress(chunk))
    parts.append(comp.compress(b"</w:t></w:r></w:p></w:body></w:document>"))
    parts.append(comp.flush())
    return b"".join(parts)


def zip_bomb(data: bytes, rng: random.Random) -> bytes:
    """A .docx whose document.xml inflates to 1 GB (the ZIP written by hand around a raw stream)."""
    members = _members(data) or {}
    members.pop("word/document.xml", None)
    declared = rng.choice((1 << 30, 1000))  # the size the directory claims: true, or a lie
    crc = rng.choice((0, zlib.crc32(b"x")))
    return _hand_zip(members, ("word/document.xml", _bomb_xml_stream(), declared, crc))


def _hand_zip(members: dict[str, bytes], raw_entry: tuple[str, bytes, int, int]) -> bytes:
    entries = []  # (name, method, crc, csize, usize, data)
    for n, b in members.items():
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        cd = c.compress(b) + c.flush()
        entries.append((n.encode(), 8, zlib.crc32(b), len(cd), len(b), cd))
    name, raw, usize, crc = raw_entry
    entries.append((name.encode(), 8, crc, len(raw), usize & 0xFFFFFFFF, raw))
    out = io.BytesIO()
    central = io.BytesIO()
    for n, method, crc32, csize, size, cd in entries:
        off = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc32, csize, size, len(n), 0))
        out.write(n)
        out.write(cd)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc32, csize, size,
                                  len(n), 0, 0, 0, 0, 0, off))
        central.write(n)
    cd_off = out.tell()
    cdb = central.getvalue()
    out.write(cdb)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(cdb), cd_off, 0))
    return out.getvalue()


DOCX: list[Mutator] = [flip_bytes, truncate, garbage, broken_xml, docx_spans, docx_nesting, zip_bomb]


# ---- PDF ----------------------------------------------------------------------------------------


def pdf_structure(data: bytes, rng: random.Random) -> bytes:
    kind = rng.choice(("xref", "count", "mediabox", "streams", "startxref"))
    if kind == "xref":
        return data.replace(b"xref", b"xxxx")
    if kind == "count":
        return re.sub(rb"/Count \d+", b"/Count 999999999", data)
    if kind == "mediabox":
        return re.sub(rb"/MediaBox\s*\[[^\]]*\]", rng.choice((b"/MediaBox [0 0 1e9 1e9]", b"/MediaBox [0 0 0 0]",
                                                               b"/MediaBox [0 0 99999 99999]")), data)
    if kind == "streams":
        return re.sub(rb"stream\r?\n(.{0,200})", lambda m: b"stream\n" + bytes(rng.randrange(256) for _ in m.group(1)),
                      data, flags=re.S)
    return data.replace(b"startxref", b"startxref\n999999999\n%%")


PDF: list[Mutator] = [flip_bytes, truncate, garbage, pdf_structure]


# ---- images ------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def claimed_size(data: bytes, rng: random.Random) -> bytes:
    """A header claiming 50,000 × 50,000 pixels (PNG with a valid CRC, or a TIFF's size tags)."""
    w = h = 50_000
    if rng.random() < 0.5 or not data.startswith((b"II*\x00", b"MM\x00*")):
        ihdr = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        idat = _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        return b"\x89PNG\r\n\x1a\n" + ihdr + idat + _png_chunk(b"IEND", b"")
    # TIFF (little-endian from PIL): patch ImageWidth (256) / ImageLength (257) entries of IFD 0.
    b = bytearray(data)
    if data[:2] != b"II":
        return bytes(b)
    ifd = struct.unpack_from("<I", b, 4)[0]
    if ifd + 2 > len(b):
        return bytes(b)
    n = struct.unpack_from("<H", b, ifd)[0]
    for k in range(n):
        e = ifd + 2 + 12 * k
        if e + 12 > len(b):
            break
        tag, typ = struct.unpack_from("<HH", b, e)
        if tag in (256, 257):
            struct.pack_into("<HHII", b, e, tag, 4, 1, w)
    return bytes(b)


def jpeg_header(data: bytes, rng: random.Random) -> bytes:
    """A baseline JPEG SOF0 claiming 50,000 × 50,000 pixels, with hardly any data after it."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 50_000, 50_000, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + sof + bytes(rng.randrange(256) for _ in range(200)) + b"\xff\xd9"


IMAGE: list[Mutator] = [flip_bytes, truncate, garbage, claimed_size, jpeg_header]

MUTATORS: dict[str, list[Mutator]] = {"txt": TEXT, "md": TEXT, "html": HTML, "docx": DOCX, "pdf": PDF,
                                      "scan": PDF, "image": IMAGE}


def mutate(data: bytes, fmt: str, rng: random.Random) -> tuple[str, bytes]:
    """One mutation of ``data`` (a file of corpus format ``fmt``): its name and the bytes."""
    fn = rng.choice(MUTATORS[fmt])
    return fn.__name__, fn(data, rng)
