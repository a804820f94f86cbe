import hashlib
import math
from pathlib import Path

import pytest
from flask import Flask, request

from service import create_app
from service.config import loads_json, normalise_database_url
from service.names import Queues


def test_platform_style_postgres_urls_use_psycopg() -> None:
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_the_embedded_default_needs_no_server(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'moderato.db'}"
    assert app.config["CELERY"]["broker_url"] == "filesystem://"
    assert (tmp_path / "broker" / "queue").is_dir()


def test_the_embedded_broker_keeps_its_files_in_the_data_directory(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    data_dir = tmp_path / "data"
    celery = create_app({"DATA_DIR": str(data_dir)}).extensions["celery"]
    with celery.connection_for_write() as connection:
        connection.default_channel.queue_declare("probe")
        connection.default_channel.exchange_declare("probe-exchange", type="direct")
        connection.default_channel.queue_bind("probe", "probe-exchange", "probe")
    assert not (tmp_path / "control").exists()
    assert any((data_dir / "broker" / "control").iterdir())


def test_database_url_and_redis_url_select_production_backends(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://db.internal/moderato")
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.internal/moderato"
    assert app.config["CELERY"]["broker_url"] == "redis://cache.internal:6379/0"


def test_tasks_are_acknowledged_late_and_requeued_on_worker_loss(tmp_path: Path) -> None:
    celery = create_app({"DATA_DIR": str(tmp_path)}).extensions["celery"]
    assert celery.conf.task_acks_late is True
    assert celery.conf.task_reject_on_worker_lost is True
    assert celery.conf.task_serializer == "json"
    routes = celery.conf.task_routes
    assert routes["moderation.*"]["queue"] == Queues.MODERATION
    assert routes["maintenance.*"]["queue"] == Queues.MAINTENANCE


def test_prefixed_environment_variables_override_defaults(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MODERATO_SWEEP_AFTER_SECONDS", "7")
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["SWEEP_AFTER_SECONDS"] == 7


def test_a_sweep_run_still_queued_when_the_next_is_due_expires(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "SWEEP_INTERVAL_SECONDS": 30})
    entry = app.config["CELERY"]["beat_schedule"]["sweep-queued-comments"]
    assert 0 < entry["options"]["expires"] <= entry["schedule"]


def test_the_metrics_token_is_kept_only_as_its_sha256(tmp_path: Path) -> None:
    token = "s3cret-metrics-token"
    app = create_app({"DATA_DIR": str(tmp_path), "METRICS_TOKEN": token})
    assert app.config["METRICS_TOKEN"] is None
    assert app.config["METRICS_TOKEN_SHA256"] == hashlib.sha256(token.encode()).hexdigest()


def test_an_all_digit_metrics_token_from_the_environment_is_a_string(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("MODERATO_METRICS_TOKEN", "1234567890123456789")  # JSON: a number
    app = create_app({"DATA_DIR": str(tmp_path)})
    expected = hashlib.sha256(b"1234567890123456789").hexdigest()
    assert app.config["METRICS_TOKEN_SHA256"] == expected


def test_a_short_metrics_token_stops_the_app_from_starting(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="METRICS_TOKEN must be at least 16"):
        create_app({"DATA_DIR": str(tmp_path), "METRICS_TOKEN": "short"})


def test_a_metrics_token_hash_must_be_a_sha256_in_hex(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="METRICS_TOKEN_SHA256 must be a SHA-256"):
        create_app({"DATA_DIR": str(tmp_path), "METRICS_TOKEN_SHA256": "é" * 64})
    digest = hashlib.sha256(b"x").hexdigest()
    app = create_app({"DATA_DIR": str(tmp_path), "METRICS_TOKEN_SHA256": digest})
    assert app.config["METRICS_TOKEN_SHA256"] == digest


def test_without_a_metrics_token_metrics_are_off(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MODERATO_METRICS_TOKEN", raising=False)
    assert create_app({"DATA_DIR": str(tmp_path)}).config["METRICS_TOKEN_SHA256"] is None


def test_json_columns_are_read_with_orjson_and_what_it_refuses_as_before() -> None:
    assert loads_json(b'{"spam": [{"feature": "euro", "weight": 0.7}]}') == {
        "spam": [{"feature": "euro", "weight": 0.7}]
    }
    # Python's json writes NaN into SQLite's JSON columns, and reads it back; orjson refuses it.
    assert math.isnan(loads_json('{"weight": NaN}')["weight"])
    assert loads_json("[18446744073709551616]") == [2**64]


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "postgresql://u@h/d"])
def test_every_database_reads_json_columns_with_loads_json(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["json_deserializer"] is loads_json


@pytest.mark.parametrize("url", ["redis://cache.internal:6379/0", "rediss://cache.internal:6380/0"])
def test_a_redis_broker_uses_the_transport_that_shares_its_client(tmp_path: Path, url: str) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "BROKER_URL": url})
    assert app.config["CELERY"]["broker_transport"] == "service.celery.redis_transport:Transport"
    assert app.config["CELERY"]["broker_url"] == url


def test_the_embedded_broker_uses_the_transport_that_publishes_by_rename(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["CELERY"]["broker_url"] == "filesystem://"
    transport = app.config["CELERY"]["broker_transport"]
    assert transport == "service.celery.filesystem_transport:Transport"


def test_other_brokers_keep_their_own_transport(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "BROKER_URL": "amqp://guest@127.0.0.1//"})
    assert "broker_transport" not in app.config["CELERY"]


def request_seen(app: Flask, headers: dict[str, str]) -> tuple[str | None, str]:
    """The client address and scheme the app sees for a request with these headers."""
    app.add_url_rule(
        "/_seen", "seen", lambda: {"addr": request.remote_addr, "scheme": request.scheme}
    )
    seen = app.test_client().get("/_seen", headers=headers).get_json()
    return seen["addr"], seen["scheme"]


FORWARDED = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https"}


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert request_seen(app, FORWARDED) == ("127.0.0.1", "http")


def test_behind_one_trusted_proxy_the_client_is_the_address_it_forwarded(tmp_path: Path) -> None:
    # The proxy appends the address it saw; anything left of it came from the client, forgeable.
    app = create_app({"DATA_DIR": str(tmp_path), "PROXY_HOPS": 1})
    assert request_seen(app, FORWARDED) == ("203.0.113.9", "https")
