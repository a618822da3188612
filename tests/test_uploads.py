"""Uploaded documents are outside data: real zip bombs, XML bombs and every limit at its edge.

The archives are forged byte by byte here (local headers and central directory), so a
part can declare 5,000 bytes and inflate to 900 MiB. Bombs are read in a fresh process
whose peak memory and time are measured; one is also posted through the real form.
Forging and measuring live in `tests/upload_helpers.py`.
"""

from __future__ import annotations

import io
import random
import zlib

import docx
import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import ServiceRequest, TranslationJob
from observer_portal.services import ServiceError
from observer_portal.services import documents as docs
from observer_portal.services.documents import MAX_DEPTH, MAX_ELEMENTS, MAX_MEMBERS, MiB, read_document
from tests.helpers import csrf_from, post_multipart
from tests.test_assistance import local
from tests.upload_helpers import (
    HEAD,
    RELS,
    TAIL,
    TYPES,
    bomb,
    forge_zip,
    measured,
    member,
    repeated_deflate,
    word,
    word_part,
)

BUDGET_MB, BUDGET_SECONDS = 60, 2.0
DAMAGED = "The Word file is damaged: a part does not match its declared size or checksum."
DTD = "The document contains a DTD or entity declarations, which Word files never have."


@pytest.fixture(scope="module")
def bomb_part():
    """A document.xml that inflates to 900 MiB of blanks inside a valid body."""
    raw, crc, size = repeated_deflate(HEAD, b" " * MiB, 900, TAIL)
    return raw, crc, size


def refused(data: bytes, name: str = "upload.docx", **kwargs) -> str:
    with pytest.raises(ServiceError) as caught:
        read_document(name, data, **kwargs)
    assert caught.value.field == "document"
    return str(caught.value.message)


def within_budget(result: dict, message: str) -> None:
    assert result["outcome"] == f"ServiceError: {message}"
    assert result["seconds"] < BUDGET_SECONDS, result
    assert result["rss_mb"] < BUDGET_MB, result
    assert result["traced_mb"] < BUDGET_MB, result


# ---------------------------------------------------------------- bombs, measured


@pytest.mark.parametrize("part", ["word/document.xml", "_rels/.rels"])
def test_bomb_with_a_false_small_declared_size_is_refused_cheaply(tmp_path, bomb_part, part):
    data = bomb(bomb_part, declared=5_000, name=part)
    assert len(data) < docs.MAX_DOCUMENT_BYTES  # a 0.9 MB upload...
    assert bomb_part[2] > 900 * MiB  # ...that really inflates to 900 MiB
    assert len(zlib.decompressobj(-15).decompress(bomb_part[0], 10 * MiB)) == 10 * MiB
    within_budget(measured(tmp_path, data), DAMAGED)


def test_the_probe_sees_a_bomb_go_off_when_zipfile_is_trusted(tmp_path):
    """The control: the same kind of bomb, 120 MiB, read naively blows well past the budget."""
    small = repeated_deflate(HEAD, b" " * MiB, 120, TAIL)
    result = measured(tmp_path, bomb(small, declared=5_000), naive=True)
    assert result["outcome"].startswith("BadZipFile")  # refused too, but only after inflating it all
    # tracemalloc counts what Python allocated: exact. The resident-set figure of the same
    # run depends on the allocator and on what else the machine does, so it is no control.
    assert result["traced_mb"] > 100
    within_budget(measured(tmp_path, bomb(small, declared=5_000)), DAMAGED)


def test_bomb_declaring_exactly_the_part_limit_stops_there(tmp_path, bomb_part):
    within_budget(measured(tmp_path, bomb(bomb_part, declared=docs.MAX_PART_BYTES)), DAMAGED)


def test_bomb_with_its_true_size_declared_is_refused_from_the_directory(tmp_path, bomb_part):
    result = measured(tmp_path, bomb(bomb_part, declared=None))
    within_budget(result, "The document is larger than 32 MB once unpacked.")
    assert result["seconds"] < 0.5


def test_many_honest_small_bombs_are_refused_whole(tmp_path):
    pads = tuple(member(f"word/media/pad{i}.bin", bytes(docs.MAX_PART_BYTES)) for i in range(5))
    result = measured(tmp_path, word(extra=pads))
    within_budget(result, "The document is larger than 32 MB once unpacked.")


def test_deep_nesting_is_refused(tmp_path):
    deep = b"<w:sdt>" * 100_000 + b"</w:sdt>" * 100_000
    within_budget(measured(tmp_path, word(deep)), f"The document is nested more than {MAX_DEPTH} levels deep.")


def test_billion_laughs_is_refused_before_any_expansion(tmp_path):
    entities = b'<!ENTITY l0 "ha">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    document = (
        b'<?xml version="1.0"?><!DOCTYPE w:document ['
        + entities
        + b"]>"
        + HEAD.split(b"\n", 1)[1]
        + b"<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>"
        + TAIL
    )
    within_budget(measured(tmp_path, word(document=document)), DTD)


def test_a_directory_of_thousands_of_members_is_refused(tmp_path):
    data = forge_zip([member(f"m/{i:05}", b"", deflate=False) for i in range(11_000)])
    assert len(data) <= docs.MAX_DOCUMENT_BYTES
    within_budget(measured(tmp_path, data), f"The Word file contains more than {MAX_MEMBERS} parts.")


# ---------------------------------------------------------------- every limit at its edge


def test_upload_size_at_and_over_the_limit():
    base = word()
    pad = member("word/media/pad.bin", b"", deflate=False)
    overhead = len(word(extra=(pad,)))
    at_limit = word(
        extra=(member("word/media/pad.bin", b"\x00" * (docs.MAX_DOCUMENT_BYTES - overhead), deflate=False),)
    )
    assert len(base) < len(at_limit) == docs.MAX_DOCUMENT_BYTES
    assert read_document("a.docx", at_limit) == ("docx", "Hello")
    assert refused(at_limit + b"\x00") == "The file is larger than 1 MB."


def test_inflated_part_at_and_over_the_limit():
    body = b"<w:p><w:r><w:t>Edge</w:t></w:r></w:p>"
    blanks = docs.MAX_PART_BYTES - len(HEAD + body + TAIL)
    assert read_document("a.docx", word(body + b" " * blanks)) == ("docx", "Edge")
    assert refused(word(body + b" " * (blanks + 1))) == "The text of the document is larger than 8 MB once unpacked."


def test_unpacked_total_at_and_over_the_limit():
    used = sum(len(p) for p in (TYPES, RELS.replace(b"TARGET", b"word/document.xml"), word_part()))
    rest = docs.MAX_UNPACKED_BYTES - used
    pads = (member("word/media/a.bin", bytes(rest // 2)), member("word/media/b.bin", bytes(rest - rest // 2)))
    assert read_document("a.docx", word(extra=pads)) == ("docx", "Hello")
    over = (pads[0], member("word/media/b.bin", bytes(rest - rest // 2 + 1)))
    assert refused(word(extra=over)) == "The document is larger than 32 MB once unpacked."


def test_member_count_at_and_over_the_limit():
    media = tuple(member(f"word/media/{i}.png", b"x") for i in range(MAX_MEMBERS - 3))
    assert read_document("a.docx", word(extra=media))[1] == "Hello"
    more = (*media, member("word/media/last.png", b"x"))
    assert refused(word(extra=more)) == f"The Word file contains more than {MAX_MEMBERS} parts."


def test_depth_at_and_over_the_limit():
    def nested(levels):  # w:document and w:body are the first two levels
        return word(b"<w:p><w:r><w:t>Deep</w:t></w:r></w:p>" + b"<w:sdt>" * levels + b"</w:sdt>" * levels)

    assert read_document("a.docx", nested(MAX_DEPTH - 2))[1] == "Deep"
    assert refused(nested(MAX_DEPTH - 1)) == f"The document is nested more than {MAX_DEPTH} levels deep."


def test_element_count_at_and_over_the_limit():
    def many(empty):  # document, body, p, r, t and the empty bookmarks
        return word(b"<w:p><w:r><w:t>Many</w:t></w:r></w:p>" + b"<w:bookmarkEnd/>" * empty)

    assert read_document("a.docx", many(MAX_ELEMENTS - 5))[1] == "Many"
    assert refused(many(MAX_ELEMENTS - 4)) == f"The document has more than {MAX_ELEMENTS} XML elements."


def test_text_length_at_and_over_the_limit():
    def text(n):
        return word(b"<w:p><w:r><w:t>" + b"x" * n + b"</w:t></w:r></w:p>")

    assert len(read_document("a.docx", text(20_000))[1]) == 20_000
    assert refused(text(20_001)) == "The text is longer than 20000 characters."
    assert refused(text(docs.MAX_PART_BYTES // 2)) == "The text is longer than 20000 characters."  # stops early


def test_txt_size_and_encoding():
    widest = "\N{GRINNING FACE}" * 20_000  # 4 bytes each: the most a valid .txt can hold
    assert read_document("a.txt", b"\xef\xbb\xbf" + widest.encode()) == ("txt", widest)
    at_limit = b"x" * docs.MAX_DOCUMENT_BYTES
    assert refused(at_limit, "a.txt") == "The text is longer than 20000 characters."  # the size limit let it through
    assert refused(at_limit + b"x", "a.txt") == "The file is larger than 1 MB."
    assert refused("Привет".encode("cp1251"), "a.txt") == "This .txt file is not UTF-8 text."
    assert refused(b"a\x00b", "a.txt") == "This .txt file is not UTF-8 text."
    assert refused(b"", "a.txt") == "The file is empty."


# ---------------------------------------------------------------- malformed and hostile archives


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip at all", "This is not a Word (.docx) document."),
        (b"PK\x05\x06" + bytes(18), "This is not a Word (.docx) document."),  # an empty archive
        (forge_zip([member("word/document.xml", word_part())]), "This is not a Word (.docx) document."),  # no rels
        (word(document=b'<x:workbook xmlns:x="urn:x"/>'), "This is not a Word (.docx) document."),
        (word(target="../outside.xml"), "The Word file contains a part with an unsafe or repeated name."),
        (word(document=HEAD + b"<w:p>"), "The Word file is damaged: its XML cannot be read."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "The Word file is protected with a password. Save it without one and send it again.",
        ),
    ],
)
def test_broken_files_are_refused_with_a_reason(data, message):
    assert refused(data) == message


def test_truncated_docx_is_not_a_word_document():
    data = word()
    assert refused(data[: len(data) // 2]) == "This is not a Word (.docx) document."


@pytest.mark.parametrize(
    "name",
    [
        "../evil.xml",
        "/etc/evil.xml",
        "C:/evil.xml",
        "word\\evil.xml",
        "word//x.xml",
        "word/./x.xml",
        "word/document.xml",
    ],
)
def test_odd_or_repeated_member_names_are_refused(name):
    assert (
        refused(word(extra=(member(name, b"x"),))) == "The Word file contains a part with an unsafe or repeated name."
    )


def test_encrypted_member_and_odd_compression_are_refused():
    locked = member("word/media/secret.bin", b"x", flags=0x1)
    assert refused(word(extra=(locked,))) == (
        "The Word file is protected with a password. Save it without one and send it again."
    )
    bzip2 = member("word/media/b.bin", b"x", method=12)
    assert refused(word(extra=(bzip2,))) == "The Word file is compressed in a way Word does not use."


def test_external_entity_is_refused_and_nothing_is_read():
    document = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + HEAD.split(b"\n", 1)[1]
        + b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p>"
        + TAIL
    )
    assert refused(word(document=document)) == DTD


def test_mangled_archives_and_xml_are_refused_never_crash():
    """Random damage to the archive bytes and to the XML inside: a reason every time, never a 500."""
    rng = random.Random(13)
    base = word(b"<w:p><w:r><w:t>Hello</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>")
    alphabet = b"<>/&;\"'= :wx!?[]DOCTYPEENTITY\x00\xff\xc3"
    fields = set()
    for _ in range(600):
        data = bytearray(base)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        xml = bytearray(word_part())
        for _ in range(rng.randint(1, 6)):
            position = rng.randrange(len(xml))
            xml[position : position + rng.randint(0, 8)] = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        for sample in (bytes(data), word(document=bytes(xml))):
            fields.add(_outcome(sample))
    assert fields <= {"accepted", "document"}


def _outcome(data: bytes) -> str:
    try:
        read_document("a.docx", data)
    except ServiceError as error:
        return error.field or "no field"
    return "accepted"


# ---------------------------------------------------------------- good documents


def test_a_word_document_reads_as_before_with_tables_in_place():
    document = docx.Document()
    document.add_paragraph("Явка 41,2 %")
    paragraph = document.add_paragraph("Tab\there ")
    paragraph.add_run("bold").bold = True
    paragraph.add_run().add_break()
    paragraph.add_run("after a line break")
    document.add_paragraph("")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Centre", "Atyrau"
    document.add_paragraph("End")
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_document("protocol.docx", buffer.getvalue())[1]
    assert text == "Явка 41,2 %\nTab\there bold\nafter a line break\n\nCentre | Atyrau\nEnd"


def test_word_markup_that_is_not_text_is_left_out():
    body = (
        b'<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        b"<w:r><w:t>kept</w:t></w:r><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>"
        b'<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        b"<mc:Choice><w:p><w:r><w:t>box</w:t></w:r></w:p></mc:Choice>"
        b"<mc:Fallback><w:p><w:r><w:t>box</w:t></w:r></w:p></mc:Fallback></mc:AlternateContent></w:r>"
        b'<w:r><w:noBreakHyphen/><w:t xml:space="preserve"> &amp; &#1071;</w:t></w:r></w:p>'
    )
    assert read_document("a.docx", word(body))[1] == "keptbox\n- & Я"


def test_the_main_part_is_found_through_the_relationships():
    assert read_document("a.DOCX", word(target="word/document2.xml"))[1] == "Hello"


# ---------------------------------------------------------------- through the real form


@pytest.mark.parametrize(
    ("declared", "locale", "message"),
    [
        (5_000, "en", DAMAGED),
        (None, "ru", "Документ после распаковки больше 32 МБ."),
    ],
)
def test_a_bomb_posted_through_the_form_is_refused_and_nothing_is_written(
    app, login_as, bomb_part, declared, locale, message
):
    client, _ = login_as("observer", preferred_locale=locale)
    token = csrf_from(client.get("/language-help/new").get_data(as_text=True))
    form = {
        "csrf_token": token,
        "source": "ru",
        "target": "en",
        "mode": "document",
        "needed_by": local(5, app),
        "document": (io.BytesIO(bomb(bomb_part, declared=declared)), "protocol.docx"),
    }
    response = post_multipart(client, "/language-help/new", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0
        assert db.session.scalar(select(func.count()).select_from(TranslationJob)) == 0


@pytest.mark.parametrize("part", ["word/media/image1.png", "docProps/thumbnail.jpeg"])
def test_a_bomb_in_a_part_not_read_for_text_is_refused_too(tmp_path, bomb_part, part):
    """The file is stored and volunteers open it in Word: every part must be the size it declares,
    not only the ones the portal reads."""
    raw, crc, _size = bomb_part
    data = word(extra=({"name": part, "raw": raw, "method": 8, "size": 5_000, "crc": crc, "flags": 0},))
    within_budget(measured(tmp_path, data), DAMAGED)


def test_parts_that_inflate_short_or_store_a_false_length_are_refused():
    picture = bytes(range(256)) * 40
    short = member("word/media/image1.png", picture, size=len(picture) + 1)
    stored = member("word/media/image2.png", picture, deflate=False, size=len(picture) - 1)
    trailing = member("word/media/image3.png", picture)
    trailing["raw"] += b"\x00junk"  # bytes after the end of the deflate stream
    for extra in (short, stored, trailing):
        assert refused(word(extra=(extra,))) == DAMAGED, extra["name"]
    honest = (member("word/media/image1.png", picture), member("word/media/image2.png", picture, deflate=False))
    assert read_document("ok.docx", word(extra=honest)) == ("docx", "Hello")


def _patch_local_header(data: bytes, name: str, **fields: int) -> bytes:
    """Change one member's local header only (the central directory keeps its values)."""
    offset = data.index(name.encode()) - 30  # the local header comes first, the directory at the end
    patched = bytearray(data)
    places = {"method": (8, 2), "crc": (14, 4), "packed": (18, 4), "size": (22, 4)}
    for key, value in fields.items():
        start, length = places[key]
        patched[offset + start : offset + start + length] = value.to_bytes(length, "little")
    return bytes(patched)


def test_local_headers_that_disagree_with_the_directory_are_refused():
    """Info-ZIP (unzip, and Word on some systems) trusts the local header, zipfile the central
    directory: a part whose two records disagree is a bomb for one of them."""
    picture = bytes(range(256)) * 40
    stored = word(extra=(member("word/media/image1.png", picture, deflate=False),))
    assert read_document("ok.docx", stored) == ("docx", "Hello")
    for fields in ({"method": 8}, {"size": 5_000}, {"packed": 10}, {"crc": 1}):
        assert refused(_patch_local_header(stored, "word/media/image1.png", **fields)) == DAMAGED, fields


def test_a_picture_with_a_wrong_checksum_is_refused():
    picture = bytes(range(256)) * 40
    for deflate in (True, False):
        bad = member("word/media/image1.png", picture, deflate=deflate, crc=zlib.crc32(picture) ^ 1)
        assert refused(word(extra=(bad,))) == DAMAGED, deflate
