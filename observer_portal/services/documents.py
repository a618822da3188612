"""Uploaded documents (.txt, .docx) turned into text within fixed limits.

Outside data: nothing here trusts what a file says about itself. A .docx
is a zip archive whose declared sizes can lie — a 0.95 MB upload declared 5,000 bytes
for a part that inflated to 900 MiB — so only the parts needed for the text are read,
in small chunks through `ZipFile.open`, counting the bytes really inflated (and every other
part is inflated once, in chunks, to prove it is the size it declares: the file is stored
and opened by volunteers); their XML is
parsed incrementally by expat with DTDs and entities refused and depth, element count
and collected text capped. Any breach refuses the whole file with a ServiceError on the
`document` field that names the limit.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from xml.parsers import expat

from observer_portal.lazy_text import _l
from observer_portal.services import ServiceError

MiB = 1024 * 1024
#: The upload itself, .txt or .docx (the form says "at most 1 MB").
MAX_DOCUMENT_BYTES = 1 * MiB
#: One XML part once inflated; Word's markup for 20,000 characters is well under this.
MAX_PART_BYTES = 8 * MiB
#: All members together, as declared; none is inflated unless needed, this keeps the
#: stored file (which volunteers download and open in Word) from being a bomb itself.
MAX_UNPACKED_BYTES = 32 * MiB
#: Archive members; a Word file has about a dozen, a few hundred with many images.
MAX_MEMBERS = 200
#: XML nesting; Word documents go about 20 deep (text boxes in tables in tables).
MAX_DEPTH = 100
#: XML elements in one part; about ten per run of text, 20,000 characters at most.
MAX_ELEMENTS = 200_000
#: Characters of text accepted (the same limit as for pasted text).
MAX_TEXT_CHARS = 20_000
DOCUMENT_TYPES = {".txt": "txt", ".docx": "docx"}

_CHUNK = 64 * 1024
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how Word saves a password-protected file
_ENCRYPTED_FLAGS = 0x1 | 0x40  # traditional and strong zip encryption
_WORD_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_MC_FALLBACK = "http://schemas.openxmlformats.org/markup-compatibility/2006 Fallback"
_RELATIONSHIP = "http://schemas.openxmlformats.org/package/2006/relationships Relationship"
_OFFICE_DOCUMENT = ("/relationships/officeDocument", "/officeDocument/2006/relationships/officeDocument")
# run children that stand for a character (python-docx's Run.text does the same)
_RUN_CHARS = {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}
_JOINERS = {"p": "", "tr": " | ", "tc": "\n"}


def _refuse(message) -> ServiceError:
    return ServiceError(message, field="document")


def _not_word() -> ServiceError:
    return _refuse(_l("This is not a Word (.docx) document."))


def _too_long(max_chars: int) -> ServiceError:
    return _refuse(_l("The text is longer than %(n)d characters.", n=max_chars))


def read_document(name: str, data: bytes, max_chars: int = MAX_TEXT_CHARS) -> tuple[str, str]:
    """(type, text) of an uploaded .txt or .docx, or ServiceError with a clear reason."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = DOCUMENT_TYPES.get(suffix)
    if kind is None:
        raise _refuse(_l("Send a plain text (.txt) or Word (.docx) file."))
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _refuse(_l("The file is larger than %(mb)d MB.", mb=MAX_DOCUMENT_BYTES // MiB))
    if not data:
        raise _refuse(_l("The file is empty."))
    text = _txt_text(data) if kind == "txt" else _docx_text(data, max_chars)
    if not text.strip():
        raise _refuse(_l("The file contains no text to translate."))
    if len(text) > max_chars:
        raise _too_long(max_chars)
    return kind, text


def _txt_text(data: bytes) -> str:
    # the size is already bounded; UTF-8 (a BOM is allowed) and no NUL, or refused
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_l("This .txt file is not UTF-8 text.")) from None
    if "\x00" in text:
        raise _refuse(_l("This .txt file is not UTF-8 text."))
    return text


# ---------------------------------------------------------------- .docx


def _docx_text(data: bytes, max_chars: int) -> str:
    if data.startswith(_CFB_MAGIC):
        raise _refuse(_l("The Word file is protected with a password. Save it without one and send it again."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
        raise _not_word() from None  # NotImplementedError: a zip format version zipfile lacks
    with archive:
        infos = archive.infolist()
        _check_members(infos)
        _check_inflated_sizes(data, infos)
        members = {info.filename: info for info in infos}
        text = _WordText(max_chars)
        try:
            _parse(archive, members[_main_part(archive, members)], text)
        except (expat.ExpatError, LookupError):  # LookupError: an encoding Python does not know
            raise _refuse(_l("The Word file is damaged: its XML cannot be read.")) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            # zipfile stops at the declared size, then finds the checksum wrong
            raise _refuse(
                _l("The Word file is damaged: a part does not match its declared size or checksum.")
            ) from None
    return text.result()


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse the archive whole before inflating anything, from its directory alone."""
    if len(infos) > MAX_MEMBERS:
        raise _refuse(_l("The Word file contains more than %(n)d parts.", n=MAX_MEMBERS))
    names = set()
    for info in infos:
        if info.flag_bits & _ENCRYPTED_FLAGS:
            raise _refuse(_l("The Word file is protected with a password. Save it without one and send it again."))
        if not _safe_name(info.filename) or info.filename in names:
            raise _refuse(_l("The Word file contains a part with an unsafe or repeated name."))
        names.add(info.filename)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # bzip2 and lzma inflate a whole read at once, without a bound; Word never uses them
            raise _refuse(_l("The Word file is compressed in a way Word does not use."))
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _refuse(_l("The document is larger than %(mb)d MB once unpacked.", mb=MAX_UNPACKED_BYTES // MiB))


def _damaged() -> ServiceError:
    return _refuse(_l("The Word file is damaged: a part does not match its declared size or checksum."))


def _check_inflated_sizes(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Every member, not only the parts read for text, really is what the archive says: the
    file is stored and volunteers open it in Word (or unzip it), so a picture that declares
    5 kB and inflates to 900 MiB is a bomb for them. Readers differ in which record they
    trust — zipfile the central directory, Info-ZIP the local header — so both must agree
    (method, and sizes and checksum unless a data descriptor carries them), each deflate
    stream is inflated in chunks of at most `_CHUNK` bytes and must end exactly at the
    declared size, and the checksum of what it inflates to must match. Together they
    inflate at most MAX_UNPACKED_BYTES (already checked, as declared)."""
    for info in infos:
        offset = info.header_offset
        header = data[offset : offset + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise _damaged()
        flags, method = int.from_bytes(header[6:8], "little"), int.from_bytes(header[8:10], "little")
        crc, packed, size = (int.from_bytes(header[i : i + 4], "little") for i in (14, 18, 22))
        if method != info.compress_type:
            raise _damaged()
        if not flags & 0x08 and (crc, packed, size) != (info.CRC, info.compress_size, info.file_size):
            if (packed, size) != (0xFFFFFFFF, 0xFFFFFFFF):  # zip64: the sizes are in the extra field
                raise _damaged()
        start = offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
        raw = data[start : start + info.compress_size]
        if len(raw) != info.compress_size:
            raise _damaged()
        if info.compress_type == zipfile.ZIP_STORED:
            if info.compress_size != info.file_size or zlib.crc32(raw) != info.CRC:
                raise _damaged()
            continue
        _inflate_exactly(raw, info)


def _inflate_exactly(raw: bytes, info: zipfile.ZipInfo) -> None:
    inflater, inflated, pending, checksum = zlib.decompressobj(-15), 0, raw, 0
    try:
        while not inflater.eof:
            piece = inflater.decompress(pending, _CHUNK)
            inflated += len(piece)
            if inflated > info.file_size:
                raise _damaged()  # stopped at once: never more than one chunk past the declared size
            checksum = zlib.crc32(piece, checksum)
            pending = inflater.unconsumed_tail
            if not piece and not pending:
                break
    except zlib.error:
        raise _damaged() from None
    if not inflater.eof or inflated != info.file_size or inflater.unused_data or checksum != info.CRC:
        raise _damaged()


def _safe_name(name: str) -> bool:
    if not name or len(name) > 255 or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    parts = name.removesuffix("/").split("/")
    return ":" not in parts[0] and all(part not in ("", ".", "..") for part in parts)


def _main_part(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> str:
    """The main document's name, from the package relationships (as Word finds it)."""
    if "_rels/.rels" not in members:
        raise _not_word()
    relationships = _Relationships()
    _parse(archive, members["_rels/.rels"], relationships)
    target = relationships.target
    if not target:
        raise _not_word()
    name = posixpath.normpath(target.lstrip("/"))
    if name not in members or not _safe_name(name):
        raise _not_word()
    return name


def _parse(archive: zipfile.ZipFile, info: zipfile.ZipInfo, handler: _Handler) -> None:
    """Feed one member to expat in chunks, counting the bytes really inflated."""
    too_big = _refuse(_l("The text of the document is larger than %(mb)d MB once unpacked.", mb=MAX_PART_BYTES // MiB))
    if info.file_size > MAX_PART_BYTES:
        raise too_big
    parser = _parser(handler)
    inflated = 0
    with archive.open(info) as stream:  # reads of _CHUNK inflate at most _CHUNK bytes each
        while chunk := stream.read(_CHUNK):
            inflated += len(chunk)
            if inflated > MAX_PART_BYTES:
                raise too_big
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _parser(handler: _Handler):
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    depth = elements = 0

    def refuse_dtd(*_args):
        raise _refuse(_l("The document contains a DTD or entity declarations, which Word files never have."))

    def start(name, attributes):
        nonlocal depth, elements
        depth += 1
        elements += 1
        if depth > MAX_DEPTH:
            raise _refuse(_l("The document is nested more than %(n)d levels deep.", n=MAX_DEPTH))
        if elements > MAX_ELEMENTS:
            raise _refuse(_l("The document has more than %(n)d XML elements.", n=MAX_ELEMENTS))
        handler.start(name, attributes)

    def end(name):
        nonlocal depth
        depth -= 1
        handler.end(name)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = handler.text
    return parser


class _Handler:
    """What `_parse` calls for one part; subclasses keep only what they need."""

    def start(self, name: str, attributes: dict[str, str]) -> None: ...

    def end(self, name: str) -> None: ...

    def text(self, data: str) -> None: ...


class _Relationships(_Handler):
    """Finds the package's officeDocument relationship in `_rels/.rels`."""

    def __init__(self) -> None:
        self.target = ""

    def start(self, name, attributes):
        kind = attributes.get("Type", "")
        if name == _RELATIONSHIP and kind.endswith(_OFFICE_DOCUMENT) and attributes.get("TargetMode") != "External":
            self.target = self.target or attributes.get("Target", "")


class _WordText(_Handler):
    """Text of a WordprocessingML body: paragraphs on lines, table cells joined by " | "."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.size = 0
        self.lines: list[str] = []
        self.open: list[str | None] = []  # local names of the open elements (None: not Word's)
        self.frames: list[tuple[str, list[str]]] = []  # open paragraphs, table rows and cells
        self.in_text = False
        self.skipping = 0  # inside mc:Fallback, which repeats what mc:Choice holds

    def _local(self, name: str) -> str | None:
        namespace, _, local = name.rpartition(" ")
        return local if namespace in _WORD_NAMESPACES else None

    def _add(self, text: str) -> None:
        self.size += len(text)
        if self.size > self.max_chars:
            raise _too_long(self.max_chars)
        if self.frames:
            self.frames[-1][1].append(text)

    def start(self, name, attributes):
        if self.skipping or name == _MC_FALLBACK:
            self.skipping += 1
            return
        local = self._local(name)
        if not self.open and local != "document":
            raise _not_word()
        parent = self.open[-1] if self.open else None
        self.open.append(local)
        if local in _JOINERS:
            self.frames.append((local, []))
        elif parent == "r" and local == "t":
            self.in_text = True
        elif parent == "r" and local in _RUN_CHARS and self.frames:
            self._add(_RUN_CHARS[local])

    def end(self, name):
        if self.skipping:
            self.skipping -= 1
            return
        local = self.open.pop()
        if local == "t":
            self.in_text = False
        elif local in _JOINERS:
            kind, parts = self.frames.pop()
            line = _JOINERS[kind].join(parts)
            if not self.frames:
                self.lines.append(line)
            else:  # a cell's paragraph, a row's cell, or a text box's paragraph inside a paragraph
                self.frames[-1][1].append(line + "\n" if self.frames[-1][0] == "p" else line)

    def text(self, data):
        if self.in_text and not self.skipping:
            self._add(data)

    def result(self) -> str:
        return "\n".join(self.lines)
