"""The operator's CLI: sites, moderators, training."""

import csv
import json
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from classifier import load_labelled_file
from models import Comment, CommentStatus, Moderator, Site
from service.accounts.keys import hash_key
from service.accounts.sites import get_site
from service.cli import main
from service.extensions import db
from service.learning.corpus import get_base_corpus
from service.learning.training import ensure_default_classifier, train_and_store
from service.learning.versions import get_active_version, get_version, roll_back
from tests.support.factories import create_comment, create_site


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(main, args=list(args))
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
    result = app.test_cli_runner().invoke(main, args=["sites", "create", "Il Quotidiano"])
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
    result = app.test_cli_runner().invoke(
        main, args=["moderators", "create", "bob", "--site", "nope"]
    )
    assert result.exit_code != 0
    assert "nope" in result.output


def write_youtube_csv(path: Path, rows: list[tuple[str, int]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"])
        for number, (text, label) in enumerate(rows):
            writer.writerow([f"id{number}", "someone", "", text, label])


SMALL_CORPUS = [
    (f"Check out my channel {n}, free money at http://spam{n}.example", 1) for n in range(6)
] + [(f"I love this song, verse {n} is the best", 0) for n in range(6)]


def test_train_from_a_youtube_layout_csv_activates_a_new_version(
    pg_app: Flask, tmp_path: Path
) -> None:
    path = tmp_path / "labelled.csv"
    write_youtube_csv(path, SMALL_CORPUS)
    ensure_default_classifier()
    try:
        output = run(pg_app, "train", "--data", str(path))
        version = value_after(output, "active classifier")
        assert get_active_version(None).version == version
        stored = get_version(version)
        assert stored.trained_on["n"] == 12
        assert stored.trained_on["n_spam"] == 6
        assert get_base_corpus().texts == [text for text, _ in SMALL_CORPUS]
    finally:
        roll_back(site=None)


def test_train_base_retrains_on_the_stored_corpus_and_activates_it(pg_app: Flask) -> None:
    default = ensure_default_classifier()
    corpus_before = get_base_corpus()
    try:
        result = pg_app.test_cli_runner().invoke(main, args=["train", "--base"])
        assert result.exit_code == 0, result.output
        # stdout alone: the progress bar on stderr ends without a newline before this line.
        version = value_after(result.stdout, "active classifier")
        assert version != default
        assert get_active_version(None).version == version
        assert get_version(version).trained_on["n"] == len(corpus_before.texts)
        assert get_base_corpus() == corpus_before
    finally:
        roll_back(site=None)


def test_train_takes_only_one_of_data_base_and_site(pg_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    write_youtube_csv(path, SMALL_CORPUS)
    result = pg_app.test_cli_runner().invoke(main, args=["train", "--base", "--data", str(path)])
    assert result.exit_code == 2
    assert "one of --data, --base and --site" in result.output


def test_classifier_list_activate_and_rollback_for_one_site(pg_app: Flask, tmp_path: Path) -> None:
    default = ensure_default_classifier()
    run(pg_app, "sites", "create", "Il Quotidiano")
    path = tmp_path / "labelled.csv"
    write_youtube_csv(path, SMALL_CORPUS)
    other = train_and_store(load_labelled_file(path), {"source": "test"}, False).version
    listing = run(pg_app, "classifier", "list")
    assert default in listing
    assert other in listing
    run(pg_app, "classifier", "activate", other, "--site", "il-quotidiano")
    site = get_site("il-quotidiano")
    assert get_active_version(site.id).version == other
    assert get_active_version(None).version == default  # other sites are untouched
    assert "active: il-quotidiano" in run(pg_app, "classifier", "list")
    output = run(pg_app, "classifier", "rollback", "--site", "il-quotidiano")
    assert value_after(output, "active for il-quotidiano") == default
    assert get_active_version(site.id).version == default
    refused = pg_app.test_cli_runner().invoke(
        main, args=["classifier", "rollback", "--site", "il-quotidiano"]
    )
    assert refused.exit_code != 0
    db.session.delete(get_version(other))
    db.session.commit()


def test_activating_an_unknown_version_fails_clearly(pg_app: Flask) -> None:
    result = pg_app.test_cli_runner().invoke(main, args=["classifier", "activate", "nope"])
    assert result.exit_code != 0
    assert "No classifier version 'nope'" in result.output


def test_evaluate_prints_metrics_as_json_and_writes_a_report(pg_app: Flask, tmp_path: Path) -> None:
    ensure_default_classifier()
    path = tmp_path / "labelled.csv"
    write_youtube_csv(path, SMALL_CORPUS)
    report = tmp_path / "report"
    output = run(pg_app, "evaluate", "--data", str(path), "--json", "--report", str(report))
    metrics = json.loads(output)
    for key in ("accuracy", "spam_recall", "false_positive_rate", "f1", "mcc", "roc_auc"):
        assert 0 <= metrics[key] <= 1, key
    assert metrics["n"] == 12
    assert metrics["tp"] + metrics["fn"] == 6
    for name in ("confusion_matrix.png", "precision_recall.png"):
        assert (report / name).read_bytes().startswith(b"\x89PNG")
    assert "| MCC |" in (report / "summary.md").read_text()
    text = run(pg_app, "evaluate", "--data", str(path), "--report", str(report))
    assert "mcc:" in text


def test_sites_update_changes_the_policy_and_list_shows_it(pg_app: Flask) -> None:
    run(pg_app, "sites", "create", "Il Quotidiano")
    output = run(
        pg_app, "sites", "update", "il-quotidiano",
        "--mode", "pre", "--reject-above", "0.85", "--approve-below", "0.05",
    )  # fmt: skip
    assert "mode=pre" in output
    site = get_site("il-quotidiano")
    assert (site.moderation_mode, site.auto_reject_above, site.auto_approve_below) == (
        "pre",
        0.85,
        0.05,
    )
    run(pg_app, "sites", "update", "il-quotidiano", "--reject-above", "0.95")
    assert (
        get_site("il-quotidiano").auto_approve_below,
        get_site("il-quotidiano").auto_reject_above,
    ) == (0.05, 0.95)
    listing = run(pg_app, "sites", "list")
    assert "il-quotidiano" in listing
    assert "key=sk_" in listing


def test_sites_update_refuses_crossed_thresholds(pg_app: Flask) -> None:
    run(pg_app, "sites", "create", "Il Quotidiano")
    result = pg_app.test_cli_runner().invoke(
        main, args=["sites", "update", "il-quotidiano", "--approve-below", "0.95"]
    )
    assert result.exit_code != 0
    assert "auto_approve_below: Must not be greater than auto_reject_above" in result.output
    assert get_site("il-quotidiano").auto_approve_below == 0.2


def test_rescore_decide_applies_the_policy_to_the_review_queue(app: Flask) -> None:
    site, other = create_site().site, create_site().site
    spam = "Casino gratis, soldi facili: clicca qui"  # four keyword hits, score 0.94
    ham = "Servono più autobus in centro, non più parcheggi."
    queue = [create_comment(site, body=text, status=CommentStatus.PENDING) for text in (spam, ham)]
    elsewhere = create_comment(other, body=spam, status=CommentStatus.PENDING)
    result = app.test_cli_runner().invoke(main, args=["rescore", "--site", site.slug, "--decide"])
    assert result.exit_code == 0, result.output
    assert "re-scored 2 pending comments" in result.output
    assert "approved: 1  rejected: 1" in result.output
    assert "re-scoring: 100%" in result.output  # the progress bar (tqdm, on stderr)
    assert [db.session.get(Comment, c.id).status for c in queue] == ["rejected", "approved"]
    assert db.session.get(Comment, elsewhere.id).status == "pending"


def test_rescore_refuses_an_unknown_site(app: Flask) -> None:
    result = app.test_cli_runner().invoke(main, args=["rescore", "--site", "nope"])
    assert result.exit_code != 0
    assert "nope" in result.output
