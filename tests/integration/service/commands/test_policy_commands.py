"""`moderato sites policy` and roles on `moderato moderators`."""

import json
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from models import Moderator
from service.accounts import policies
from service.accounts.auth import moderator_ref
from service.accounts.bootstrap import create_demo_if_empty
from service.cli import main
from service.extensions import db
from tests.support.factories import create_site


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(main, args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def refused(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(main, args=list(args))
    assert result.exit_code != 0
    return result.output


def test_policy_show_prints_the_document_with_its_version(app: Flask) -> None:
    site = create_site(moderation_mode="pre").site
    shown = json.loads(run(app, "sites", "policy", "show", site.slug))
    assert shown["moderation_mode"] == "pre"
    assert shown["version"] == 1
    assert shown["updated_by"] == "operator"


def test_policy_set_history_and_restore(app: Flask, tmp_path: Path) -> None:
    site = create_site().site
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"moderation_mode": "pre", "close_after_days": 14}))
    assert "policy version 2" in run(app, "sites", "policy", "set", site.slug, str(path))
    history = run(app, "sites", "policy", "history", site.slug).splitlines()
    assert history[0].startswith("v2 ")
    assert 'moderation_mode: "post" -> "pre"' in history[0]
    assert "close_after_days: null -> 14" in history[0]
    assert "policy version 3" in run(app, "sites", "policy", "restore", site.slug, "1")
    assert policies.get_policy(site.slug).document["moderation_mode"] == "post"


def test_policy_set_names_the_invalid_field_and_changes_nothing(app: Flask, tmp_path: Path) -> None:
    site = create_site().site
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"auto_reject_above": 2, "max_links": 3}))
    output = refused(app, "sites", "policy", "set", site.slug, str(path))
    assert "auto_reject_above" in output
    assert "max_links: Unknown field." in output
    assert policies.get_policy(site.slug).version == 1


def test_policy_set_refuses_a_file_that_is_not_json(app: Flask, tmp_path: Path) -> None:
    site = create_site().site
    path = tmp_path / "policy.json"
    path.write_text("moderation_mode: pre")
    assert "is not JSON" in refused(app, "sites", "policy", "set", site.slug, str(path))


def test_moderators_create_takes_a_role_and_list_shows_it(app: Flask) -> None:
    site = create_site().site
    run(app, "moderators", "create", "anna", "--site", site.slug, "--role", "admin")
    run(app, "moderators", "create", "bruno", "--site", site.slug)
    anna, bruno = (
        moderator_ref(db.session.scalar(select(Moderator).where(Moderator.name == name)))
        for name in ("anna", "bruno")
    )
    assert anna.is_admin_of(site.id)
    assert not bruno.is_admin_of(site.id)
    listing = run(app, "moderators", "list")
    assert f"sites={site.slug}(admin)" in listing
    assert f"sites={site.slug}(moderator)" in listing
    assert "bruno is now admin" in run(
        app, "moderators", "set-role", "bruno", "--site", site.slug, "--role", "admin"
    )


def test_the_demo_moderator_is_an_admin_of_the_demo_site(app: Flask) -> None:
    credentials = create_demo_if_empty()
    assert credentials is not None
    demo = db.session.scalar(select(Moderator).where(Moderator.name == credentials.moderator_name))
    ref = moderator_ref(demo)
    assert ref.is_admin_of(ref.sites[0].id)
