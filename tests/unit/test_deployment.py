"""The deployment files agree with the code: queues, commands, health checks."""

from pathlib import Path

import yaml

from service import create_app
from service.names import Queues, TaskNames
from service.processes import worker_command

REPO = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_runs_the_production_stack_with_health_checks() -> None:
    services = compose()["services"]
    assert {"web", "akismet", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "akismet", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" not in services["web"]["command"]  # via `moderato web`, which runs gunicorn
    assert services["web"]["command"][:2] == ["moderato", "web"]
    assert services["beat"]["command"] == ["moderato", "beat"]
    assert services["akismet"]["command"][:2] == ["moderato", "akismet"]


def test_compose_services_use_postgres_and_redis() -> None:
    services = compose()["services"]
    for name in ("web", "akismet", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql")
        assert env["REDIS_URL"].startswith("redis://redis:")


def test_the_compose_worker_consumes_exactly_the_declared_queues(tmp_path: Path) -> None:
    assert compose()["services"]["worker"]["command"][:2] == ["moderato", "worker"]
    command = worker_command(create_app({"DATA_DIR": str(tmp_path)}))
    queues = command[command.index("--queues") + 1].split(",")
    assert queues == Queues.all()


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
    assert all(name.split(".")[0] in {"moderation", "maintenance"} for name in registered)
