"""WSGI entry point: `flask --app app ...` and `gunicorn app:app` both use this."""

from observer_portal import create_app

app = create_app()
