"""Forged zip archives and Word files for the upload tests, and a probe that measures a read.

`forge_zip` writes local headers and the central directory by hand, so a member can
declare any size and checksum; `repeated_deflate` builds a 900 MiB part in under 1 MB
without ever holding it; `measured` runs `read_document` in a fresh interpreter and
reports its time and its peak memory over the baseline.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from observer_portal.services.documents import MiB

ROOT = Path(__file__).resolve().parent.parent
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'.encode()
TAIL = b"</w:body></w:document>"
RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="TARGET"/></Relationships>'
)
TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def member(
    name: str,
    data: bytes,
    *,
    deflate: bool = True,
    size: int | None = None,
    crc: int | None = None,
    flags: int = 0,
    method: int | None = None,
) -> dict:
    """A zip member; `size` and `crc` are what the archive declares (true values unless forged)."""
    raw = zlib.compress(data, 9)[2:-4] if deflate else data  # raw deflate, no zlib header
    return {
        "name": name,
        "raw": raw,
        "method": (8 if deflate else 0) if method is None else method,
        "size": len(data) if size is None else size,
        "crc": zlib.crc32(data) if crc is None else crc,
        "flags": flags,
    }


def forge_zip(members: list[dict]) -> bytes:
    """Local headers, central directory and end record written by hand, with the declared sizes given."""
    out, central = bytearray(), bytearray()
    for m in members:
        name, offset = m["name"].encode(), len(out)
        fields = (m["flags"], m["method"], 0, 0x21, m["crc"], len(m["raw"]), m["size"], len(name))
        out += struct.pack("<4sHHHHHLLLHH", b"PK\x03\x04", 20, *fields, 0) + name + m["raw"]
        central += struct.pack("<4sBBBBHHHHLLLHHHHHLL", b"PK\x01\x02", 20, 3, 20, 0, *fields, 0, 0, 0, 0, 0, offset)
        central += name
    end = struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def word(
    body: bytes = b"<w:p><w:r><w:t>Hello</w:t></w:r></w:p>",
    *,
    extra: tuple[dict, ...] = (),
    target: str = "word/document.xml",
    document: bytes | None = None,
) -> bytes:
    """An honest minimal .docx: content types, package relationships, the main part."""
    main = HEAD + body + TAIL if document is None else document
    parts = [
        member("[Content_Types].xml", TYPES),
        member("_rels/.rels", RELS.replace(b"TARGET", target.encode())),
        member(target, main),
        *extra,
    ]
    return forge_zip(parts)


def repeated_deflate(prefix: bytes, chunk: bytes, count: int, suffix: bytes) -> tuple[bytes, int, int]:
    """(raw deflate, crc, true size) of prefix + chunk * count + suffix, without ever holding it.

    After a full flush the compressor starts afresh, so the compressed chunk is the same
    bytes every time and can simply be repeated: deflate's best ratio, about 1:1000.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    return head + block * count + tail, zlib.crc32(suffix, crc), len(prefix) + len(chunk) * count + len(suffix)


def bomb(bomb_part: tuple[bytes, int, int], *, declared: int | None, name: str = "word/document.xml") -> bytes:
    raw, crc, size = bomb_part
    part = {
        "name": name,
        "raw": raw,
        "method": 8,
        "size": size if declared is None else declared,
        "crc": crc,
        "flags": 0,
    }
    others = [
        member("[Content_Types].xml", TYPES),
        member("_rels/.rels", RELS.replace(b"TARGET", b"word/document.xml")),
    ]
    if name == "_rels/.rels":
        others = [others[0], member("word/document.xml", HEAD + TAIL)]
    return forge_zip([*others, part])


def word_part() -> bytes:
    return HEAD + b"<w:p><w:r><w:t>Hello</w:t></w:r></w:p>" + TAIL


PROBE = r"""
import json, resource, sys, time, tracemalloc, types
# the package's __init__ builds the web app (Flask, Alembic ...): a second of imports per
# probe that read_document does not use, so the probe imports the documents module alone
package = types.ModuleType("observer_portal")
package.__path__ = ["observer_portal"]
sys.modules["observer_portal"] = package
from observer_portal.services.documents import read_document
name, path, naive = sys.argv[1], sys.argv[2], sys.argv[3] == "naive"
with open(path, "rb") as handle:
    data = handle.read()

def attempt():
    try:
        if naive:  # the control: what trusting zipfile with a whole member costs
            import io, zipfile
            return "accepted: %d bytes" % len(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
        return "accepted: " + read_document(name, data)[1][:60]
    except Exception as error:
        return f"{type(error).__name__}: {error}"

before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
outcome = attempt()
seconds = time.perf_counter() - start
extra_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
tracemalloc.start()  # a second run, traced: slower, so not timed
attempt()
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"outcome": outcome, "seconds": seconds, "rss_mb": extra_kb / 1024, "traced_mb": peak / MIB}))
""".replace("MIB", str(MiB))


def measured(tmp_path, data: bytes, name: str = "upload.docx", *, naive: bool = False) -> dict:
    """read_document in a fresh interpreter: its outcome, time and peak memory over the baseline.

    `naive=True` reads word/document.xml with plain `ZipFile.read` instead, to show the
    probe does see a bomb go off.
    """
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    mode = "naive" if naive else "portal"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, name, str(path), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
