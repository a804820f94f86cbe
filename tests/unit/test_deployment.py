"""The deployment files agree with the code: queues, commands, health checks."""

from pathlib import Path

import yaml

from service import create_app
from service.names import Queues, TaskNames
from service.processes import web_command, worker_command

REPO = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_runs_the_production_stack_with_health_checks() -> None:
    services = compose()["services"]
    assert {"web", "akismet", "worker", "webhooks", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "akismet", "worker", "webhooks", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" not in services["web"]["command"]  # via `moderato web`, which runs gunicorn
    assert services["web"]["command"][:2] == ["moderato", "web"]
    assert services["beat"]["command"] == ["moderato", "beat"]
    assert services["akismet"]["command"][:2] == ["moderato", "akismet"]


def test_compose_services_use_postgres_and_redis() -> None:
    services = compose()["services"]
    for name in ("web", "akismet", "worker", "webhooks", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql")
        assert env["REDIS_URL"].startswith("redis://redis:")


def test_the_worker_command_consumes_exactly_the_declared_queues(tmp_path: Path) -> None:
    command = worker_command(create_app({"DATA_DIR": str(tmp_path)}))
    queues = command[command.index("--queues") + 1].split(",")
    assert queues == Queues.all()


def test_the_compose_workers_together_consume_every_queue_and_webhooks_alone() -> None:
    services = compose()["services"]
    consumed = {}
    for name in ("worker", "webhooks"):
        command = services[name]["command"]
        assert command[:2] == ["moderato", "worker"]
        consumed[name] = command[command.index("--queues") + 1].split(",")
    assert sorted(consumed["worker"] + consumed["webhooks"]) == sorted(Queues.all())
    assert consumed["webhooks"] == [Queues.WEBHOOKS]  # slow receivers never hold up the rest


def test_the_worker_command_runs_the_pool_it_is_asked_for(tmp_path: Path) -> None:
    app = create_app({"DATA_DIR": str(tmp_path)})
    command = worker_command(app, pool="solo")
    assert command[command.index("--pool") + 1] == "solo"
    assert "--pool" not in worker_command(app)  # Celery's default: prefork


def test_every_queue_has_a_route_and_every_route_a_queue(tmp_path: Path) -> None:
    routes = create_app({"DATA_DIR": str(tmp_path)}).extensions["celery"].conf.task_routes
    assert sorted(route["queue"] for route in routes.values()) == sorted(Queues.all())


def test_every_task_is_named_once_and_routed(tmp_path: Path) -> None:
    import workers.tasks  # noqa: F401 - registers the tasks

    celery = create_app({"DATA_DIR": str(tmp_path)}).extensions["celery"]
    registered = {name for name in celery.tasks if not name.startswith("celery.")}
    assert registered == set(TaskNames.all())
    prefixes = {"moderation", "maintenance", "webhooks"}
    assert all(name.split(".")[0] in prefixes for name in registered)


def test_compose_serves_metrics_from_web_and_worker_with_a_token() -> None:
    services = compose()["services"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["MODERATO_METRICS_TOKEN"].startswith("${MODERATO_METRICS_TOKEN")
        folder = env["PROMETHEUS_MULTIPROC_DIR"]
        # The multiprocess folder is on a tmpfs of the container: in memory, its own.
        assert any(folder.startswith(mount + "/") for mount in services[name]["tmpfs"])
    port = services["worker"]["environment"]["MODERATO_WORKER_METRICS_PORT"]
    assert port in services["worker"]["expose"]


def test_gunicorn_runs_with_the_hooks_of_the_metrics_folder() -> None:
    command = web_command("0.0.0.0", 8000, 2)  # noqa: S104 - a server binds all
    assert command[command.index("--config") + 1] == "python:service.serving.gunicorn_config"
