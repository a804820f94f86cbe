"""Every string of the web UI is translated into Italian."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[4]
ITALIAN = REPO / "service/web/translations/it/LC_MESSAGES/messages.po"


def extracted_messages(tmp_path: Path) -> set[str]:
    """The strings the templates and modules mark for translation, as `make messages` finds them."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "service/web/babel.cfg",
         "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as file:
        return {message.id for message in read_po(file) if message.id}


def test_every_ui_string_has_an_italian_translation(tmp_path: Path) -> None:
    with ITALIAN.open("rb") as file:
        catalog = read_po(file)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = extracted_messages(tmp_path) - translated
    assert missing == set()


def test_the_italian_catalog_keeps_the_placeholders() -> None:
    with ITALIAN.open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if message.id:
            for placeholder in ("%(name)s", "%(id)d", "%(count)d", "%(decided)d", "%(minutes)d"):
                assert (placeholder in message.id) == (placeholder in message.string), message.id
