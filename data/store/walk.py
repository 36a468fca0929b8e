"""Finding the inputs: folders walked in name order, zip archives opened, members addressed.

A zip archive's members are inputs of their own, addressed ``/abs/archive.zip!member`` (and
``a.zip!b.zip!c.txt`` when nested); members that share a name in one archive are all inputs,
the later ones addressed ``name (2)``, ``name (3)``… in archive order. Whether a zip is an archive or a Word file is decided by
its content (a ``.docx`` is a zip with ``word/document.xml``), not by its extension; every
other format is detected by the loader from the content. Nothing is dropped silently: what
cannot be listed or is not a regular file becomes a :class:`WalkFailure`.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from gongkai.data.errors import GongkaiError

SEP = "!"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# Markers of zip-based documents (Word, Excel, PowerPoint, OpenDocument): inputs, not archives.
_DOCUMENT_MARKERS = ("word/document.xml", "[Content_Types].xml", "mimetype")
_JUNK_MEMBERS = ("__MACOSX/",)  # macOS resource forks: archive metadata, not documents
_CHUNK = 1 << 20


@dataclass(frozen=True)
class InputRef:
    """One input: a file on disk, or a member of a zip archive on disk (``members`` outer→inner)."""

    path: str  # the address stored in the database
    fs_path: str  # the file on disk (the outermost archive for a member)
    members: tuple[tuple[str, int], ...] = ()  # (name in the zip, header offset: names may repeat)
    size: int = 0
    mtime_ns: int = 0  # of the file on disk (the archive's, for members)
    member: str = ""  # a member's name as its author wrote it (its address may add " (2)")


@dataclass(frozen=True)
class WalkFailure:
    """A path that could not be listed or read as an input at all."""

    path: str
    error: str


@dataclass
class WalkResult:
    inputs: list[InputRef] = field(default_factory=list)
    failures: list[WalkFailure] = field(default_factory=list)
    excluded: int = 0


class ReadError(GongkaiError, OSError):
    """An input could not be read; the message is one plain sentence."""


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: Chinese zips often store GBK names unflagged."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        return name.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def _is_archive(zf: zipfile.ZipFile) -> bool:
    names = zf.namelist()
    return not any(n in names for n in _DOCUMENT_MARKERS) and not any(
        n.startswith(("word/", "xl/", "ppt/")) for n in names
    )


def _open_zip(fileobj: IO[bytes] | str) -> zipfile.ZipFile | None:
    """The zip if ``fileobj`` is an archive of inputs (not a zip-based document), else None."""
    try:
        if isinstance(fileobj, str):
            with open(fileobj, "rb") as f:
                head = f.read(4)
        else:
            head = fileobj.read(4)
            fileobj.seek(0)
        if not head.startswith(_ZIP_MAGIC):
            return None
        zf = zipfile.ZipFile(fileobj)
    except (OSError, zipfile.BadZipFile, ValueError):
        return None  # a damaged zip is an input: the loader says what is wrong with it
    if _is_archive(zf):
        return zf
    zf.close()
    return None


class _Walker:
    def __init__(self, exclude: Iterable[str], skip: Iterable[str]) -> None:
        self.exclude = tuple(exclude)
        self.skip = {os.path.abspath(p) for p in skip}
        self.result = WalkResult()
        self.seen_dirs: set[tuple[int, int]] = set()
        self.seen_paths: set[str] = set()  # the same folder given twice is walked once

    def excluded(self, path: str) -> bool:
        if path in self.skip:
            return True
        name = path.rsplit("/", 1)[-1].rsplit(SEP, 1)[-1]
        return any(fnmatch.fnmatch(name, pat) or fnmatch.fnmatch(path, pat) for pat in self.exclude)

    def fail(self, path: str, error: str) -> None:
        self.result.failures.append(WalkFailure(path, error))

    def visit(self, path: str) -> None:
        if path in self.seen_paths:
            return
        self.seen_paths.add(path)
        if self.excluded(path):
            self.result.excluded += 1
            return
        try:
            st = os.stat(path)  # follows symlinks
        except FileNotFoundError:
            kind = "a broken symbolic link" if os.path.islink(path) else "no such file or folder"
            self.fail(path, kind)
            return
        except OSError as e:
            self.fail(path, f"cannot look at the path: {e.strerror or e}")
            return
        if stat.S_ISDIR(st.st_mode):
            self.visit_dir(path, st)
        elif stat.S_ISREG(st.st_mode):
            self.visit_file(path, st)
        else:
            self.fail(path, "not a regular file (a device, pipe or socket)")

    def visit_dir(self, path: str, st: os.stat_result) -> None:
        key = (st.st_dev, st.st_ino)
        if key in self.seen_dirs:
            return  # a symlink loop or a second link to a folder already walked
        self.seen_dirs.add(key)
        try:
            with os.scandir(path) as it:
                names = sorted(e.name for e in it)
        except PermissionError:
            self.fail(path, "permission denied: the folder cannot be listed")
            return
        except OSError as e:
            self.fail(path, f"the folder cannot be listed: {e.strerror or e}")
            return
        for name in names:
            self.visit(os.path.join(path, name))

    def visit_file(self, path: str, st: os.stat_result) -> None:
        ref = InputRef(path=path, fs_path=path, size=st.st_size, mtime_ns=st.st_mtime_ns)
        zf = _open_zip(path)
        if zf is None:
            self.result.inputs.append(ref)
            return
        with zf:
            self.visit_archive(zf, ref)

    def visit_archive(self, zf: zipfile.ZipFile, ref: InputRef) -> None:
        # Stable sort: members sharing a name stay in archive order.
        infos = sorted((i for i in zf.infolist() if not i.is_dir()), key=member_name)
        used: set[str] = set()
        for info in infos:
            name = member_name(info)
            if name.startswith(_JUNK_MEMBERS):
                continue
            address, k = f"{ref.path}{SEP}{name}", 1
            while address in used:  # a second member of the same name is an input too
                k += 1
                address = f"{ref.path}{SEP}{name} ({k})"
            used.add(address)
            child = InputRef(
                path=address,
                fs_path=ref.fs_path,
                members=(*ref.members, (info.filename, info.header_offset)),
                size=info.file_size,
                mtime_ns=ref.mtime_ns,
                member=name,
            )
            if self.excluded(child.path):
                self.result.excluded += 1
                continue
            inner = None
            if info.file_size >= 22:  # the smallest zip
                try:
                    with zf.open(info) as f:
                        head = f.read(4)
                    if head.startswith(_ZIP_MAGIC):
                        inner = _open_zip(io.BytesIO(zf.read(info)))
                except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error):
                    inner = None  # reading it fails again later, and is recorded for the member
            if inner is None:
                self.result.inputs.append(child)
            else:
                with inner:
                    self.visit_archive(inner, child)


def walk(paths: Iterable[str | os.PathLike[str]], exclude: Iterable[str] = (), skip: Iterable[str] = ()) -> WalkResult:
    """All inputs under ``paths`` (files, folders, zip archives) in a stable order.

    ``exclude`` holds glob patterns matched against the name and the full address; ``skip``
    holds paths never taken as inputs (the database's own files).
    """
    w = _Walker(exclude, skip)
    for p in paths:
        w.visit(os.path.abspath(p))
    return w.result


# ---- reading ----------------------------------------------------------------------------


def _plain_error(ref: InputRef, e: BaseException) -> ReadError:
    if isinstance(e, FileNotFoundError):
        return ReadError(f"the file disappeared before it could be read: {ref.fs_path}")
    if isinstance(e, PermissionError):
        return ReadError(f"permission denied: {ref.fs_path}")
    if isinstance(e, IsADirectoryError):
        return ReadError(f"{ref.fs_path} is a folder, not a file")
    if isinstance(e, RuntimeError) and "encrypted" in str(e):
        return ReadError("the archive member is encrypted (password-protected)")
    if isinstance(e, NotImplementedError):
        return ReadError("the archive member uses an unsupported compression method")
    if isinstance(e, (zipfile.BadZipFile, zlib.error, EOFError)) or (isinstance(e, KeyError) and ref.members):
        return ReadError("the archive or its member is damaged or changed while being read")
    if isinstance(e, OSError):
        return ReadError(f"cannot read {ref.fs_path}: {e.strerror or e}")
    return ReadError(f"cannot read {ref.path}: {e}")


def _member_info(zf: zipfile.ZipFile, member: tuple[str, int]) -> zipfile.ZipInfo:
    """The member at this header offset (a name alone finds only the last of its namesakes)."""
    name, offset = member
    info = zf.getinfo(name)  # KeyError if gone: the archive changed since the walk
    if info.header_offset == offset:
        return info
    for info in zf.infolist():
        if info.header_offset == offset and info.filename == name:
            return info
    raise KeyError(name)


def _open_member(ref: InputRef) -> IO[bytes]:
    f: IO[bytes] = open(ref.fs_path, "rb")  # noqa: SIM115 - returned open, closed by the caller
    for member in ref.members[:-1]:
        with zipfile.ZipFile(f) as zf:
            data = zf.read(_member_info(zf, member))
        f.close()
        f = io.BytesIO(data)
    if not ref.members:
        return f
    zf = zipfile.ZipFile(f)
    inner = zf.open(_member_info(zf, ref.members[-1]))
    return _Closing(inner, (zf, f))


class _Closing(io.RawIOBase):
    """A member stream that also closes its archive and file."""

    def __init__(self, inner: IO[bytes], owners: tuple) -> None:
        self.inner, self.owners = inner, owners

    def read(self, n: int = -1) -> bytes:
        return self.inner.read(n)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.inner.close()
        for o in self.owners:
            o.close()
        super().close()


def iter_chunks(ref: InputRef) -> Iterator[bytes]:
    """The bytes of an input in chunks; raises :class:`ReadError` in plain words."""
    try:
        with _open_member(ref) as f:
            while chunk := f.read(_CHUNK):
                yield chunk
    except ReadError:
        raise
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError, KeyError) as e:
        raise _plain_error(ref, e) from None


def read_input(ref: InputRef) -> bytes:
    """All bytes of an input (file or archive member)."""
    return b"".join(iter_chunks(ref))


def hash_input(ref: InputRef) -> tuple[InputRef, str]:
    """``(ref, sha256)`` with size and mtime as read now; raises :class:`ReadError`."""
    h = hashlib.sha256()
    size = 0
    try:
        st = os.stat(ref.fs_path)
    except OSError as e:
        raise _plain_error(ref, e) from None
    for chunk in iter_chunks(ref):
        h.update(chunk)
        size += len(chunk)
    ref = replace(ref, size=size, mtime_ns=st.st_mtime_ns)
    return ref, h.hexdigest()


def own_name(ref: InputRef) -> str:
    """The input's own file name (the member's, as written in the archive, for members)."""
    return Path(ref.member or ref.path).name


def suffix(ref: InputRef) -> str:
    """The extension of the input's own name (the member's, for archive members)."""
    return Path(own_name(ref)).suffix.lower()
