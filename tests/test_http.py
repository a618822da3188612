"""Security headers, error pages and request size limits."""

from __future__ import annotations

import pytest

from observer_portal.permissions import public

PAGES = ["/", "/login", "/signup", "/centres/atyrau", "/does-not-exist"]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_every_page(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_signed_in_pages_are_not_cached(login_as):
    client, _ = login_as("observer")
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_not_found_page_is_translated(client):
    response = client.get("/nowhere?lang=de")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_method_not_allowed(client):
    response = client.delete("/")
    assert response.status_code == 405


def test_oversized_body_gets_413(client):
    body = "x" * (3 * 1024 * 1024)
    response = client.post("/login?lang=fr", data={"email": body, "password": "x"})
    assert response.status_code == 413
    assert "Trop volumineux" in response.get_data(as_text=True)


def test_unexpected_error_gives_generic_translated_500(make_app):
    app = make_app()

    @app.get("/boom")
    @public
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom?lang=ru")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internal detail" not in html
    assert "Что-то пошло не так" in html


def test_undeclared_view_is_refused_at_start_up(make_app):
    from observer_portal.permissions import view_access

    app = make_app()

    @app.get("/forgotten")
    def forgotten():
        return "should never be served"

    with pytest.raises(RuntimeError, match="declares no access rule"):
        view_access(app)
    assert app.test_client().get("/forgotten").status_code in (302, 403)


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["migrations"] == "head"


def test_not_ready_when_migrations_are_missing(make_app, tmp_path):
    empty = make_app(url=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    response = empty.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "behind"


def test_not_ready_when_the_database_is_unreachable(make_app):
    down = make_app(url="postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    response = down.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
