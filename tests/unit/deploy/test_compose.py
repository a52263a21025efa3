"""docker-compose.yml matches the code: services, commands, ports, health checks, settings, databases,
Kafka in KRaft mode and the topics."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from shared.settings import SERVICES

from .manifests import (
    HEALTH_URL,
    INIT_SQL,
    NGINX_CONF,
    REPO,
    TOPICS_SCRIPT,
    bind_mounts,
    compose_argv,
    compose_env,
    created_databases,
    created_topics,
    database_env,
    default_settings,
    depends_on,
    healthcheck_argv,
    load_compose,
    load_dockerfile,
    port_env,
    repo_path,
    run_topic_script,
    setting_env_names,
    settings_from_env,
    xinfang_vars,
)

COMPOSE = load_compose()
SERVICES_IN_COMPOSE: dict[str, Any] = COMPOSE["services"]
IMAGE_ENTRYPOINT = load_dockerfile().entrypoint()
IMAGE_ENV = load_dockerfile().env()

POSTGRES, KAFKA, TOPICS, GATEWAY = "postgres", "kafka", "kafka-topics", "gateway"


def service(name: str) -> dict[str, Any]:
    assert name in SERVICES_IN_COMPOSE, f"docker-compose.yml has no service {name!r}"
    return SERVICES_IN_COMPOSE[name]


def effective_env(name: str) -> dict[str, str]:
    """The image's ENV overlaid with the compose service's environment."""
    return {**IMAGE_ENV, **compose_env(service(name))}


def argv(name: str) -> list[str]:
    return compose_argv(service(name), IMAGE_ENTRYPOINT)


def uses_app_image(name: str) -> bool:
    return "build" in service(name) or service(name).get("image") == service(SERVICES[0]).get("image")


def migrate_steps(name: str) -> list[str]:
    """One-shot compose services that run ``xinfang migrate <name>``."""
    return [
        other
        for other in SERVICES_IN_COMPOSE
        if uses_app_image(other) and argv(other) == ["xinfang", "migrate", name]
    ]


def test_topology_is_complete() -> None:
    for name in (POSTGRES, KAFKA, TOPICS, GATEWAY, *SERVICES):
        service(name)
    assert str(service(POSTGRES)["image"]).startswith("postgres:")
    assert str(service(KAFKA)["image"]).startswith("apache/kafka:")
    assert str(service(GATEWAY)["image"]).startswith("nginx:")


def test_bind_mounts_exist_in_the_repo() -> None:
    for name, svc in SERVICES_IN_COMPOSE.items():
        for target, source in bind_mounts(svc).items():
            assert not source.startswith("/"), f"{name}: absolute host path {source}"
            assert repo_path(source).exists(), f"{name}: {source} (mounted at {target}) is missing"


def test_all_services_use_one_image_built_from_the_repo() -> None:
    images = {service(name).get("image") for name in SERVICES}
    assert len(images) == 1, images
    for name in SERVICES:
        build = service(name).get("build")
        assert build, f"{name}: no build section"
        context = build if isinstance(build, str) else build.get("context", ".")
        assert repo_path(context) == repo_path("."), f"{name}: build context is not the repo root"


@pytest.mark.parametrize("name", SERVICES)
def test_service_command_serves_it_after_its_migrations(name: str) -> None:
    command = argv(name)
    if command == ["xinfang", "serve", name]:
        steps = migrate_steps(name)
        assert steps, f"{name}: no one-shot step runs `xinfang migrate {name}`"
        assert any(depends_on(service(name)).get(s) == "service_completed_successfully" for s in steps), (
            f"{name} must wait for its migrate step to complete"
        )
    else:
        script = " ".join(command)
        assert f"xinfang migrate {name}" in script and f"xinfang serve {name}" in script, command
        assert script.index(f"xinfang migrate {name}") < script.index(f"xinfang serve {name}")


@pytest.mark.parametrize("name", SERVICES)
def test_migrate_step_uses_the_services_database(name: str) -> None:
    for step in migrate_steps(name):
        assert effective_env(step).get(database_env(name)) == effective_env(name).get(database_env(name))
        assert depends_on(service(step)).get(POSTGRES) == "service_healthy"
        assert service(step).get("restart", "no") == "no"


@pytest.mark.parametrize("name", SERVICES)
def test_port_and_healthcheck_match_the_settings(name: str) -> None:
    env = effective_env(name)
    settings = settings_from_env(xinfang_vars(env))
    assert settings.port(name) == default_settings().port(name), (
        f"{name}: compose overrides {port_env(name)}; keep the documented port"
    )
    port = settings.port(name)
    assert str(port) in [str(p) for p in service(name).get("expose", [])], f"{name}: expose {port}"

    test = healthcheck_argv(service(name))
    assert test[0] == "CMD", f"{name}: run the healthcheck without a shell"
    assert test[1].startswith("python"), f"{name}: the slim image has python, not curl"
    urls = [(port_, path) for _, port_, path in HEALTH_URL.findall(" ".join(test))]
    assert urls == [(str(port), "/healthz")], f"{name}: healthcheck must GET :{port}/healthz, not {urls}"


@pytest.mark.parametrize("name", SERVICES)
def test_service_listens_beyond_loopback(name: str) -> None:
    assert settings_from_env(xinfang_vars(effective_env(name))).host == "0.0.0.0"


def test_every_xinfang_variable_is_a_setting() -> None:
    valid = setting_env_names()
    for name, svc in SERVICES_IN_COMPOSE.items():
        unknown = set(xinfang_vars(compose_env(svc))) - valid
        assert not unknown, f"{name}: {sorted(unknown)} are not fields of shared.settings.Settings"


@pytest.mark.parametrize("name", SERVICES)
def test_service_settings_are_valid_and_use_kafka_and_postgres(name: str) -> None:
    settings = settings_from_env(xinfang_vars(effective_env(name)))
    assert settings.transport == "kafka"
    assert settings.migrate_on_start is False, "migrations run in the migrate step"
    bootstrap = settings.kafka_bootstrap_servers.split(",")
    for server in bootstrap:
        host = server.rsplit(":", 1)[0]
        assert host in SERVICES_IN_COMPOSE, f"{name}: Kafka bootstrap {server} is not a compose service"
    assert settings.directory_dir == Path(IMAGE_ENV["XINFANG_DIRECTORY_DIR"]), "use the image's data/"


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_has_its_own_database(name: str) -> None:
    env = effective_env(name)
    assert database_env(name) in env, f"{name}: {database_env(name)} is not set"
    others = [database_env(o) for o in SERVICES if o != name and database_env(o) in env]
    assert not others, f"{name} must not be given another service's database: {others}"

    url = make_url(settings_from_env(xinfang_vars(env)).database_url(name))
    assert url.drivername == "postgresql+asyncpg"
    assert url.host == POSTGRES
    assert url.database in created_databases(), f"init.sql does not create {url.database}"
    pg_env = compose_env(service(POSTGRES))
    assert url.username == pg_env["POSTGRES_USER"]
    assert url.password == pg_env["POSTGRES_PASSWORD"]


def test_databases_are_distinct_and_all_created() -> None:
    databases = [
        make_url(settings_from_env(xinfang_vars(effective_env(n))).database_url(n)).database for n in SERVICES
    ]
    assert len(set(databases)) == len(SERVICES), databases
    assert set(databases) <= created_databases()


def test_postgres_runs_the_init_script_and_has_a_healthcheck() -> None:
    mounts = bind_mounts(service(POSTGRES))
    targets = [t for t, s in mounts.items() if repo_path(s) == INIT_SQL.resolve()]
    assert targets and targets[0].startswith("/docker-entrypoint-initdb.d/"), mounts
    test = " ".join(healthcheck_argv(service(POSTGRES)))
    databases = set(re.findall(r"-d\s+(\w+)", test))
    assert databases and databases <= created_databases(), "the healthcheck should wait for init.sql"


@pytest.mark.parametrize("name", SERVICES)
def test_services_wait_for_infrastructure(name: str) -> None:
    deps = depends_on(service(name))
    assert deps.get(POSTGRES) == "service_healthy"
    assert deps.get(KAFKA) == "service_healthy"
    assert deps.get(TOPICS) == "service_completed_successfully"
    svc = service(name)
    assert svc.get("restart") in {"unless-stopped", "always", "on-failure"}


def test_kafka_runs_in_kraft_mode() -> None:
    kafka = service(KAFKA)
    env = compose_env(kafka)
    roles = {r.strip() for r in env["KAFKA_PROCESS_ROLES"].split(",")}
    assert {"broker", "controller"} <= roles
    node_id = env["KAFKA_NODE_ID"]
    assert node_id.isdigit()

    protocol_map = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    listeners = {item.split("://")[0]: item.split("://")[1] for item in env["KAFKA_LISTENERS"].split(",")}
    advertised = {
        item.split("://")[0]: item.split("://")[1] for item in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    }
    assert set(listeners) <= set(protocol_map)
    assert set(advertised) <= set(listeners)

    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert controller in listeners and controller not in advertised
    controller_port = listeners[controller].rsplit(":", 1)[1]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{node_id}@{KAFKA}:{controller_port}"

    inter_broker = env["KAFKA_INTER_BROKER_LISTENER_NAME"]
    assert inter_broker in advertised
    for factor in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ):
        assert env[factor] == "1", f"{factor} must be 1 on a single node"

    cluster_id = env["CLUSTER_ID"]
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16, "CLUSTER_ID must be a base64 UUID"
    assert healthcheck_argv(kafka)


@pytest.mark.parametrize("name", SERVICES)
def test_services_bootstrap_from_an_advertised_listener(name: str) -> None:
    env = compose_env(service(KAFKA))
    advertised = {item.split("://")[1] for item in env["KAFKA_ADVERTISED_LISTENERS"].split(",")}
    settings = settings_from_env(xinfang_vars(effective_env(name)))
    for server in settings.kafka_bootstrap_servers.split(","):
        assert server in advertised, f"{name}: {server} is not an advertised Kafka listener"


def test_topic_step_uses_the_kafka_image_and_the_script() -> None:
    topics = service(TOPICS)
    assert topics["image"] == service(KAFKA)["image"]
    assert depends_on(topics).get(KAFKA) == "service_healthy"
    mounts = bind_mounts(topics)
    script_targets = [t for t, s in mounts.items() if repo_path(s) == TOPICS_SCRIPT.resolve()]
    assert script_targets, "the topic step must mount deploy/kafka/create-topics.sh"
    assert script_targets[0] in argv(TOPICS)
    assert "/opt/kafka/bin/kafka-topics.sh" in TOPICS_SCRIPT.read_text(encoding="utf-8")


def test_topic_step_creates_exactly_the_four_topics(tmp_path: Path) -> None:
    topics_env = compose_env(service(TOPICS))
    unknown = set(xinfang_vars(topics_env)) - setting_env_names()
    assert not unknown

    calls = created_topics(run_topic_script(TOPICS_SCRIPT, topics_env, tmp_path))
    for name in SERVICES:
        settings = settings_from_env(xinfang_vars(effective_env(name)))
        assert sorted(c.option("--topic") for c in calls) == sorted(settings.topic(s) for s in SERVICES)
        for call in calls:
            assert "--if-not-exists" in call.argv
            assert call.option("--partitions") == str(settings.partitions)
            assert call.option("--replication-factor") == "1"
            assert call.option("--bootstrap-server") == settings.kafka_bootstrap_servers


def test_topic_script_defaults_follow_the_settings(tmp_path: Path) -> None:
    calls = created_topics(run_topic_script(TOPICS_SCRIPT, {}, tmp_path))
    settings = default_settings()
    assert sorted(c.option("--topic") for c in calls) == sorted(settings.topic(s) for s in SERVICES)
    assert {c.option("--partitions") for c in calls} == {str(settings.partitions)}


def test_gateway_publishes_8080_and_waits_for_the_services() -> None:
    gateway = service(GATEWAY)
    assert any(str(p).endswith("8080:8080") for p in gateway.get("ports", [])), gateway.get("ports")
    mounts = bind_mounts(gateway)
    assert repo_path(mounts.get("/etc/nginx/nginx.conf", "")) == NGINX_CONF.resolve()
    deps = depends_on(gateway)
    for name in SERVICES:
        assert deps.get(name) == "service_healthy", name


def test_only_the_gateway_is_published_beyond_loopback() -> None:
    for name, svc in SERVICES_IN_COMPOSE.items():
        if name == GATEWAY:
            continue
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (
                f"{name} publishes {port}; clients go through the gateway"
            )
            if name in SERVICES:
                expected = default_settings().port(name)
                assert str(port) == f"127.0.0.1:{expected}:{expected}", f"{name}: {port}"


def test_operator_readme_names_real_settings() -> None:
    readme = (REPO / "deploy" / "README.md").read_text(encoding="utf-8")
    named = {m for m in re.findall(r"XINFANG_[A-Z0-9_]+", readme) if not m.endswith("_")}
    unknown = named - setting_env_names()
    assert not unknown, f"deploy/README.md names settings that do not exist: {sorted(unknown)}"
