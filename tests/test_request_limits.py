"""Outside data besides documents: the request body, form parts and fields, and the
machine translation service's answers are each read within a fixed limit, tested at the
edge; a gzip bomb or JSON nested too deep from the translator is a clear failure, not a crash.
"""

from __future__ import annotations

import json
import tracemalloc
import zlib

import pytest
from sqlalchemy import func, select

from observer_portal.extensions import db
from observer_portal.models import ServiceRequest
from observer_portal.services.documents import MiB
from observer_portal.services.machine_translation import MAX_RESPONSE_BYTES, MachineTranslationError, MachineTranslator
from tests.helpers import csrf_from

BUDGET_MB = 60


def _multipart(token: str, file_bytes: bytes) -> tuple[bytes, str]:
    boundary = "portal-boundary-7MA4YWxkTrZu0gW"
    fields = {"csrf_token": token, "source": "ru", "target": "en", "mode": "document", "needed_by": "2099-01-01T10:00"}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="big.txt"\r\n'
            f"Content-Type: text/plain\r\n\r\n"
        ).encode()
        + file_bytes
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_request_body_at_and_over_the_limit(app, login_as):
    client, _ = login_as("observer")
    token = csrf_from(client.get("/language-help/new").get_data(as_text=True))
    limit = app.config["MAX_CONTENT_LENGTH"]
    overhead = len(_multipart(token, b"")[0])
    body, content_type = _multipart(token, b"x" * (limit - overhead))
    assert len(body) == limit
    response = client.post("/language-help/new", data=body, content_type=content_type)
    assert response.status_code == 422  # read and parsed, then refused by the document limit
    assert "The file is larger than 1 MB." in response.get_data(as_text=True)
    body, content_type = _multipart(token, b"x" * (limit - overhead + 1))
    assert client.post("/language-help/new", data=body, content_type=content_type).status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0


def test_form_parts_and_field_sizes_are_bounded(app, login_as):
    client, _ = login_as("observer")
    token = csrf_from(client.get("/language-help/new").get_data(as_text=True))
    assert (app.config["MAX_FORM_PARTS"], app.config["MAX_FORM_MEMORY_SIZE"]) == (1000, 500_000)
    parts = {"csrf_token": token, **{f"f{i}": "x" for i in range(1000)}}
    response = client.post("/language-help/new", data=parts, content_type="multipart/form-data")
    assert response.status_code == 413
    field = {"csrf_token": token, "mode": "written", "text": "x" * 500_001}
    assert client.post("/language-help/new", data=field, content_type="multipart/form-data").status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count(ServiceRequest.id))) == 0


def _libre(stand_in) -> MachineTranslator:
    return MachineTranslator(provider="libre", timeout=5.0, url=stand_in.url_for("/"), api_key="local")


def test_translator_answer_at_and_over_the_size_limit(stand_in):
    frame = len(json.dumps({"translatedText": ""}))

    def answer(size):
        return json.dumps({"translatedText": "x" * (size - frame)})

    assert len(answer(MAX_RESPONSE_BYTES)) == MAX_RESPONSE_BYTES
    stand_in.expect_oneshot_request("/translate").respond_with_data(answer(MAX_RESPONSE_BYTES))
    assert len(_libre(stand_in).translate("Voters", "en", "de")) == MAX_RESPONSE_BYTES - frame
    stand_in.expect_oneshot_request("/translate").respond_with_data(answer(MAX_RESPONSE_BYTES + 1))
    with pytest.raises(MachineTranslationError) as error:
        _libre(stand_in).translate("Voters", "en", "de")
    assert error.value.reason == "unavailable"


def test_translator_gzip_bomb_and_deep_json_are_refused(stand_in):
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip: 512 MiB of zeros in about 0.5 MB
    block = bytes(MiB)
    gzipped = b"".join(compressor.compress(block) for _ in range(512)) + compressor.flush()
    stand_in.expect_oneshot_request("/translate").respond_with_data(
        gzipped, headers={"Content-Encoding": "gzip"}, content_type="application/json"
    )
    tracemalloc.start()
    try:
        with pytest.raises(MachineTranslationError) as error:
            _libre(stand_in).translate("Voters", "en", "de")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.value.reason == "unavailable"
    assert peak < BUDGET_MB * MiB
    stand_in.expect_oneshot_request("/translate").respond_with_data("[" * 200_000 + "]" * 200_000)
    with pytest.raises(MachineTranslationError) as error:
        _libre(stand_in).translate("Voters", "en", "de")
    assert error.value.reason == "unavailable"
