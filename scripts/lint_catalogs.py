"""The PO linter of `make lint`: translate-toolkit's pofilter over each translated catalog
with the reviewed checks of translations/lint.toml, less the exceptions reviewed there.

    python scripts/lint_catalogs.py [CATALOG_DIR]

Prints one line per problem (language, check, message, pofilter's words) and exits 1 when
there is any; CATALOG_DIR (default: translations/) holds <lang>/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "translations" / "lint.toml"
LANGUAGES = ("de", "fr", "ru", "kk")
FLAG = re.compile(r"^\(pofilter\) (\w+): (.*)$")
REPEATED = re.compile(r"The word '(\w+)' is repeated")


def config() -> dict:
    with open(CONFIG, "rb") as handle:
        return tomllib.load(handle)


def allowed(settings: dict, language: str, check: str) -> set[str]:
    exceptions = settings.get("allowed", {})
    return set(exceptions.get("all", {}).get(check, [])) | set(exceptions.get(language, {}).get(check, []))


def flagged(catalog: Path, language: str, checks: list[str]) -> list[tuple[str, str, str]]:
    """(check, msgid, pofilter's words) for each message pofilter flags."""
    pofilter = Path(sys.executable).with_name("pofilter")
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "flagged.po"
        tests = [argument for check in checks for argument in ("-t", check)]
        subprocess.run(  # noqa: S603 - our own virtualenv's pofilter, our own arguments
            [str(pofilter), "--progress=none", f"--language={language}", *tests, "-i", str(catalog), "-o", str(output)],
            check=True,
            capture_output=True,
        )
        if not output.exists():
            return []
        with open(output, "rb") as handle:
            messages = list(read_po(handle))
    found = []
    for message in messages:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        for comment in (*message.user_comments, *message.auto_comments):
            match = FLAG.match(comment)
            if match:
                found.append((match.group(1), msgid, match.group(2)))
    return found


def problems(catalogs: Path = ROOT / "translations", languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    settings = config()
    found = []
    for language in languages:
        repeatable = set(settings.get("repeatable_words", {}).get(language, []))
        for check, msgid, words in flagged(
            catalogs / language / "LC_MESSAGES" / "messages.po", language, settings["checks"]
        ):
            if msgid in allowed(settings, language, check):
                continue
            if check == "doublewords" and set(REPEATED.findall(words)) <= repeatable:
                continue
            found.append(f"{language}\t{check}\t{msgid!r}\t{words}")
    return found


def main() -> int:
    found = problems(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "translations")
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} problems: fix the translation, or review it into {CONFIG.relative_to(ROOT)}")
        return 1
    print("The catalogs pass the reviewed pofilter checks.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
