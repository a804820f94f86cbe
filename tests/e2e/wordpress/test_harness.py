"""The WordPress harness fails, never skips, when the machine lacks what it needs: CI must
run the WordPress tests or say why it cannot."""

from pathlib import Path

import pytest

from tests.support.wordpress import site


def test_a_missing_wordpress_fails_the_tests_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(site, "WORDPRESS_DIR", tmp_path / "no-wordpress")

    with pytest.raises(pytest.fail.Exception, match=r"WordPress \(apt-get install wordpress\)"):
        site.require_wordpress()


def test_this_machine_has_everything_the_wordpress_tests_need() -> None:
    assert site.missing_requirements() == []
