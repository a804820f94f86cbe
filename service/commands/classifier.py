"""`moderato train`, `classifier`, `evaluate`, `rescore` and `thresholds`: the classifier's
life cycle."""

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from classifier import download_corpus
from models import Site
from service.accounts import sites
from service.commands.errors import click_errors
from service.errors import DomainError
from service.learning import evaluation, retraining, thresholds, training, versions
from service.learning.classifiers import get_classifiers
from service.moderation import rescore as rescoring

DATA_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def site_option(help_text: str) -> Any:
    """`--site SLUG`, resolved to a Site (or None when omitted)."""

    def resolve(_ctx: click.Context, _param: click.Parameter, slug: str | None) -> Site | None:
        if slug is None:
            return None
        try:
            return sites.get_site(slug)
        except DomainError as error:
            raise click.BadParameter(error.message) from error

    return click.option("--site", "site", callback=resolve, metavar="SLUG", help=help_text)


@click.command("train")
@click.option("--data", "path", type=DATA_FILE, help="Labelled CSV or JSON Lines file.")
@click.option("--base", is_flag=True, help="Retrain the base classifier on the stored corpus.")
@site_option("Retrain this site's classifier from the base corpus plus its moderators' labels.")
@with_appcontext
def train(path: Path | None, base: bool, site: Site | None) -> None:
    """Train a classifier and put it in force.

    --data FILE makes the file the base corpus and activates a classifier trained on it.
    --base retrains the base classifier on the corpus already stored (after an upgrade).
    --site SLUG retrains that site's classifier; it is promoted only if no worse.
    With none of them, make sure the default classifier exists.
    """
    if sum((path is not None, base, site is not None)) > 1:
        raise click.UsageError("give one of --data, --base and --site")
    if base:
        stored = training.retrain_base(progress=True)
        click.echo(f"active classifier: {stored.version}")
        return
    if site is not None:
        run = retraining.retrain_site_classifier(site, progress=True)
        click.echo(f"candidate: {run.candidate_version_id or '-'}  promoted: {run.promoted}")
        click.echo(f"reason: {run.reason}")
        return
    if path is None:
        click.echo(f"active classifier: {training.ensure_default_classifier(progress=True)}")
        return
    try:
        stored = training.train_from_file(path, progress=True)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    counts, metrics = stored.trained_on, stored.metrics
    click.echo(f"trained on {counts['n']} comments ({counts['n_spam']} spam)")
    click.echo(f"training-set MCC {metrics['mcc']:.3f}, accuracy {metrics['accuracy']:.3f}")
    click.echo(f"active classifier: {stored.version}")


@click.group("classifier")
def classifier_group() -> None:
    """List, activate and roll back classifier versions."""


@classifier_group.command("list")
@with_appcontext
def list_versions() -> None:
    """Every stored version, newest first, and where it is in force."""
    for summary in versions.list_versions():
        active = ", ".join(summary.active_for) or "-"
        trained_for = summary.trained_for or "all sites"
        mcc = summary.metrics.get("mcc")
        click.echo(
            f"{summary.version}  {summary.created_at:%Y-%m-%d %H:%M}  for {trained_for}  "
            f"n={summary.trained_on.get('n', '?')}  "
            f"mcc={'-' if mcc is None else f'{mcc:.3f}'}  active: {active}"
        )


@classifier_group.command("activate")
@click.argument("version")
@site_option("Activate for this site only (default: for all sites).")
@with_appcontext
def activate(version: str, site: Site | None) -> None:
    """Put VERSION in force; workers pick it up without a restart."""
    with click_errors():
        versions.activate(version, site=site, actor="cli")
    click.echo(f"active for {site.slug if site else 'all sites'}: {version}")


@classifier_group.command("rollback")
@site_option("Roll back this site's activation (default: the global one).")
@with_appcontext
def rollback(site: Site | None) -> None:
    """Undo the latest activation; the version in force before it is back."""
    with click_errors():
        active = versions.roll_back(site=site)
    click.echo(
        f"active for {site.slug if site else 'all sites'}: {active.version if active else '-'}"
    )


@click.command("evaluate")
@click.option("--data", "path", type=DATA_FILE, required=True, help="Labelled CSV or JSONL.")
@site_option("Use the version in force for this site.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as one JSON object.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/evaluation"), show_default=True)  # fmt: skip
@with_appcontext
def evaluate(path: Path, site: Site | None, as_json: bool, report_dir: Path) -> None:
    """Score a labelled file with the active classifier; print metrics, write a report."""
    result = evaluation.evaluate_file(path, site=site, report_dir=report_dir, progress=not as_json)
    if as_json:
        click.echo(json.dumps(result.metrics, sort_keys=True))
        return
    for name in evaluation.METRIC_ORDER:
        click.echo(f"{name:>22}: {result.metrics[name]:.4f}")
    click.echo(f"report: {result.summary_path}")


@click.command("rescore")
@site_option("Only this site's pending comments (default: every site's).")
@click.option(
    "--decide", "apply_policy", is_flag=True,
    help="Also apply the site's policy: publish or reject what the new score decides.",
)  # fmt: skip
@with_appcontext
def rescore(site: Site | None, apply_policy: bool) -> None:
    """Score the comments waiting for review again, with the classifier now in force.

    Run it after activating a version or changing a site's thresholds. Each comment gets the
    new score and explanation (recorded in its history); with --decide, those the site's
    thresholds now decide leave the queue. Comments moderators decide meanwhile are left alone.
    """
    summary = rescoring.rescore_pending(
        get_classifiers(), site=site, apply_policy=apply_policy, progress=True
    )
    click.echo(f"re-scored {summary.total} pending comments")
    click.echo(f"approved: {summary.approved}  rejected: {summary.rejected}")
    click.echo(f"still pending: {summary.still_pending}")
    click.echo(f"decided by someone else meanwhile: {summary.skipped}")


@click.group("thresholds")
def thresholds_group() -> None:
    """Tune a site's auto-approve and auto-reject thresholds."""


@thresholds_group.command("suggest")
@site_option("The site whose labelled history to use.")
@click.option(
    "--max-false-positive", type=click.FloatRange(0, 1), default=0.01, show_default=True,
    help="Most legitimate comments that may be auto-rejected (share).",
)  # fmt: skip
@click.option(
    "--max-missed-spam", type=click.FloatRange(0, 1), default=0.01, show_default=True,
    help="Most moderator-rejected comments that may be auto-approved (share).",
)  # fmt: skip
@click.option(
    "--apply", "apply_them", is_flag=True,
    help="Put them in force (a new version of the site's policy, by `classifier`).",
)  # fmt: skip
@with_appcontext
def suggest(
    site: Site | None, max_false_positive: float, max_missed_spam: float, apply_them: bool
) -> None:
    """Propose thresholds from the site's moderator decisions (and, with --apply, use them)."""
    if site is None:
        raise click.UsageError("--site is required")
    with click_errors():
        s = thresholds.suggest_thresholds(
            site, max_false_positive=max_false_positive, max_missed_spam=max_missed_spam
        )
    click.echo(f"auto_reject_above: {s.auto_reject_above:.2f}")
    click.echo(f"auto_approve_below: {s.auto_approve_below:.2f}")
    click.echo(
        f"on {s.n_labels} labelled comments with {s.version}: {s.false_positive_rate:.1%} of "
        f"legitimate ones auto-rejected, {s.missed_spam_rate:.1%} of rejected ones "
        f"auto-approved, {s.automated_share:.1%} decided without a human"
    )
    if apply_them:
        with click_errors():
            saved = thresholds.apply_suggestion(site, s)
        click.echo(f"applied: policy version {saved.version}")


@click.group("corpus")
def corpus_group() -> None:
    """Labelled corpora for training."""


@corpus_group.command("download")
@click.argument("url")
@click.option(
    "--to", "folder", type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"), show_default=True, help="Folder to save the files in.",
)  # fmt: skip
def download(url: str, folder: Path) -> None:
    """Fetch a public labelled corpus (a CSV, or a zip of CSVs) from URL into a folder, for
    `moderato train --data FILE`. Nothing is vendored; this needs a network."""
    try:
        path = download_corpus(url, folder)
    except (OSError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"saved: {path}")
