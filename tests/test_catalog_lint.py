"""The PO linter of `make lint` (scripts/lint_catalogs.py, issue 18): the catalogs pass
pofilter's reviewed checks, and the linter does find what those checks are for."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "lint_catalogs.py"


def linter():
    spec = importlib.util.spec_from_file_location("lint_catalogs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_catalogs_pass_the_reviewed_checks():
    assert linter().problems() == []


@pytest.mark.parametrize(
    ("language", "msgstr", "wanted", "check"),
    [
        ("de", "Begriff „%(terms)s“ bearbeiten", "Edit the term “%(term)s”", "printf"),
        ("fr", "Modifier le terme « %(term)s » ", "Edit the term “%(term)s”", "endwhitespace"),
        ("ru", "", "Glossary", "untranslated"),
        ("kk", "Glossary", "Glossary", "unchanged"),
        ("de", "Das das Glossar ist leer.", "The glossary is empty.", None),  # "das das": German grammar
        ("fr", "Le le glossaire est vide.", "The glossary is empty.", "doublewords"),
    ],
)
def test_the_linter_finds_a_broken_translation(tmp_path, language, msgstr, wanted, check):
    from babel.messages.pofile import read_po, write_po

    catalogs = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", catalogs, ignore=shutil.ignore_patterns("*.mo"))
    path = catalogs / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=language)
    catalog.get(wanted).string = msgstr
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=76)
    found = linter().problems(catalogs, (language,))
    if check is None:
        assert found == []
    else:
        assert [line.split("\t")[:3] for line in found] == [[language, check, repr(wanted)]], found


def test_make_lint_runs_it():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout
    assert "pass the reviewed pofilter checks" in result.stdout
    assert "scripts/lint_catalogs.py" in (ROOT / "Makefile").read_text()
