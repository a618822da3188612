"""The baseline for benchmarks: the smallest Flask view, served the same way as the portal."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
