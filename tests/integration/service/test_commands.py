"""The operator's CLI: sites, moderators, training."""

import csv
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from models import ClassifierVersion, Moderator, Site
from service.extensions import db
from service.keys import hash_key


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def value_after(output: str, label: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith(label))
    return line.split(":", 1)[1].strip()


def test_sites_create_prints_the_slug_and_a_key_stored_only_hashed(app: Flask) -> None:
    output = run(app, "sites", "create", "Il Quotidiano")
    assert value_after(output, "site") == "il-quotidiano"
    key = value_after(output, "api key")
    assert key.startswith("sk_")
    site = db.session.scalar(select(Site).where(Site.slug == "il-quotidiano"))
    assert site.api_key_hash == hash_key(key)
    assert key not in {site.api_key_hash, site.api_key_prefix}


def test_a_duplicate_slug_is_refused(app: Flask) -> None:
    run(app, "sites", "create", "Il Quotidiano")
    result = app.test_cli_runner().invoke(args=["sites", "create", "Il Quotidiano"])
    assert result.exit_code != 0
    assert "exists already" in result.output


def test_moderators_create_prints_a_token_for_the_named_sites(app: Flask) -> None:
    run(app, "sites", "create", "Il Quotidiano")
    output = run(app, "moderators", "create", "alice", "--site", "il-quotidiano")
    token = value_after(output, "token")
    assert token.startswith("mk_")
    alice = db.session.scalar(select(Moderator).where(Moderator.name == "alice"))
    assert alice.token_hash == hash_key(token)
    assert [site.slug for site in alice.sites] == ["il-quotidiano"]


def test_moderators_create_refuses_an_unknown_site(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["moderators", "create", "bob", "--site", "nope"])
    assert result.exit_code != 0
    assert "nope" in result.output


def test_train_from_a_youtube_layout_csv_activates_a_new_version(
    pg_app: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "labelled.csv"
    rows = [("Check out my channel, free money http://spam.example", 1)] * 3
    rows += [("I love this song so much", 0), ("Great video, thanks", 0), ("Nice one", 0)]
    rows += [("Subscribe to me for free gift cards!!!", 1), ("Beautiful voice", 0)]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"])
        for number, (text, label) in enumerate(rows):
            writer.writerow([f"id{number}", "someone", "", f"{text} {number}", label])
    previous = active_global_version()
    output = run(pg_app, "train", "--data", str(path))
    version = value_after(output, "active classifier")
    active = active_global_version()
    assert active is not None
    assert active.version == version
    assert active.trained_on["n"] == len(rows)
    assert active.trained_on["n_spam"] == 4
    # Put the earlier version back for the tests that follow.
    db.session.delete(active)
    db.session.flush()
    if previous is not None:
        previous.is_active = True
    db.session.commit()


def active_global_version() -> ClassifierVersion | None:
    return db.session.scalar(
        select(ClassifierVersion).where(
            ClassifierVersion.is_active, ClassifierVersion.site_id.is_(None)
        )
    )
