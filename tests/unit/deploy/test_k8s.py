"""deploy/k8s/ matches the code: one Deployment + Service per service with the right command, port,
probes and migrate init container; settings that are real fields; topics; the Ingress prefixes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from shared.privacy.keys import KeyConfigError, encode_key
from shared.settings import SERVICES, Settings

from .manifests import (
    K8S_DIR,
    TOPICS_SCRIPT,
    container_argv,
    created_topics,
    database_env,
    default_settings,
    k8s_find,
    k8s_one,
    load_dockerfile,
    load_k8s,
    named_port,
    run_topic_script,
    setting_env_names,
    settings_from_env,
    xinfang_vars,
)

DOCS = load_k8s()
IMAGE_ENTRYPOINT = load_dockerfile().entrypoint()
IMAGE_ENV = load_dockerfile().env()
CONFIG = "xinfang-config"
DB_SECRET = "xinfang-database"
TOPICS = "xinfang-create-topics"


def deployment(name: str) -> dict[str, Any]:
    return k8s_one(DOCS, "Deployment", name)


def pod_spec(name: str) -> dict[str, Any]:
    return deployment(name)["spec"]["template"]["spec"]


def main_container(name: str) -> dict[str, Any]:
    containers = pod_spec(name)["containers"]
    assert len(containers) == 1, f"{name}: one container per pod"
    return containers[0]


def config_data() -> dict[str, Any]:
    return k8s_one(DOCS, "ConfigMap", CONFIG)["data"]


def example_secret_data() -> dict[str, str]:
    secret = k8s_one(DOCS, "Secret", DB_SECRET)
    return {**(secret.get("stringData") or {}), **(secret.get("data") or {})}


def secret_data() -> dict[str, str]:
    """The example secret as an operator fills it in: real keys where the placeholders stand."""
    data = example_secret_data()
    data["XINFANG_PII_KEYS"] = "k1:" + encode_key(b"\x07" * 32)
    data["XINFANG_PII_INDEX_KEY"] = encode_key(b"\x08" * 32)
    return data


def test_production_refuses_the_example_secrets_placeholder_keys() -> None:
    """P1: the manifests ship no usable key; a deployment that forgets to set them does not start."""
    data = example_secret_data()
    with pytest.raises(KeyConfigError, match="placeholder"):
        Settings(
            mode="production",
            auth_mode="jwks",
            jwks_url="https://idp.example/jwks",
            pii_keys=data["XINFANG_PII_KEYS"],
            pii_index_key=encode_key(b"\x08" * 32),
        )
    with pytest.raises(KeyConfigError, match="placeholder"):
        Settings(
            mode="production",
            auth_mode="jwks",
            jwks_url="https://idp.example/jwks",
            pii_keys="k1:" + encode_key(b"\x07" * 32),
            pii_index_key=data["XINFANG_PII_INDEX_KEY"],
        )


def container_env(container: dict[str, Any]) -> dict[str, str]:
    """What a container sees: the image's ENV, envFrom ConfigMaps/Secrets, then env (values resolved)."""
    env = dict(IMAGE_ENV)
    for source in container.get("envFrom") or []:
        if "configMapRef" in source:
            env.update(
                {
                    k: str(v)
                    for k, v in k8s_one(DOCS, "ConfigMap", source["configMapRef"]["name"])["data"].items()
                }
            )
        elif "secretRef" in source:
            secret = k8s_one(DOCS, "Secret", source["secretRef"]["name"])
            env.update(secret.get("stringData") or {})
    for item in container.get("env") or []:
        if "value" in item:
            env[item["name"]] = str(item["value"])
        else:
            ref = item["valueFrom"]
            if "secretKeyRef" in ref:
                name = ref["secretKeyRef"]["name"]
                data = (
                    secret_data()
                    if name == DB_SECRET
                    else k8s_one(DOCS, "Secret", name).get("stringData") or {}
                )
                key = ref["secretKeyRef"]["key"]
                assert key in data, f"Secret {ref['secretKeyRef']['name']} has no key {key}"
                env[item["name"]] = data[key]
            elif "configMapKeyRef" in ref:
                data = k8s_one(DOCS, "ConfigMap", ref["configMapKeyRef"]["name"])["data"]
                env[item["name"]] = str(data[ref["configMapKeyRef"]["key"]])
    return env


def all_env_names() -> set[str]:
    names: set[str] = set()
    for _, doc in DOCS:
        if doc["kind"] == "ConfigMap":
            names.update(k for k in doc.get("data", {}) if not k.endswith(".sh"))
        elif doc["kind"] == "Secret":
            names.update((doc.get("stringData") or {}).keys())
            names.update((doc.get("data") or {}).keys())
        elif doc["kind"] in ("Deployment", "Job"):
            spec = doc["spec"]["template"]["spec"]
            for c in spec.get("containers", []) + spec.get("initContainers", []):
                names.update(item["name"] for item in c.get("env") or [])
    return {n for n in names if n.startswith("XINFANG_")}


def test_manifests_parse_and_share_one_namespace() -> None:
    namespaces = k8s_find(DOCS, "Namespace")
    assert len(namespaces) == 1
    ns = namespaces[0]["metadata"]["name"]
    for path, doc in DOCS:
        assert doc.get("apiVersion") and doc.get("kind"), path
        if doc["kind"] != "Namespace":
            assert doc["metadata"].get("namespace") == ns, f"{path}: {doc['kind']} {doc['metadata']['name']}"


def test_every_xinfang_variable_is_a_setting() -> None:
    unknown = all_env_names() - setting_env_names()
    assert not unknown, f"{sorted(unknown)} are not fields of shared.settings.Settings"


def test_configmap_values_are_strings() -> None:
    for key, value in config_data().items():
        assert isinstance(value, str), f"ConfigMap {CONFIG}: {key} must be quoted (got {value!r})"


def test_production_settings_are_valid() -> None:
    env = {**IMAGE_ENV, **config_data(), **secret_data()}
    settings = settings_from_env(xinfang_vars(env))
    assert settings.mode == "production"
    assert settings.transport == "kafka"
    assert settings.auth_mode == "jwks" and settings.jwks_url.startswith("https://")
    assert settings.jwt_issuer and settings.jwt_audience
    assert settings.migrate_on_start is False, "the init container migrates"
    assert settings.host == "0.0.0.0"


@pytest.mark.parametrize("name", SERVICES)
def test_deployment_serves_the_service(name: str) -> None:
    container = main_container(name)
    assert container_argv(container, IMAGE_ENTRYPOINT) == ["xinfang", "serve", name]
    settings = settings_from_env(xinfang_vars(container_env(container)))
    assert settings.port(name) == default_settings().port(name)
    assert named_port(container, "http") == settings.port(name)
    annotations = deployment(name)["spec"]["template"]["metadata"].get("annotations", {})
    if "prometheus.io/port" in annotations:
        assert annotations["prometheus.io/port"] == str(settings.port(name))
        assert annotations.get("prometheus.io/path", "/metrics") == "/metrics"


@pytest.mark.parametrize("name", SERVICES)
def test_probes_hit_readyz_and_healthz_on_the_service_port(name: str) -> None:
    container = main_container(name)
    port = default_settings().port(name)
    readiness = container["readinessProbe"]["httpGet"]
    liveness = container["livenessProbe"]["httpGet"]
    assert readiness["path"] == "/readyz"
    assert liveness["path"] == "/healthz", "liveness must not depend on the database or the bus"
    assert named_port(container, readiness["port"]) == port
    assert named_port(container, liveness["port"]) == port
    if "startupProbe" in container:
        startup = container["startupProbe"]["httpGet"]
        assert startup["path"] == "/healthz" and named_port(container, startup["port"]) == port


@pytest.mark.parametrize("name", SERVICES)
def test_init_container_migrates_the_same_service_with_the_same_image(name: str) -> None:
    init = pod_spec(name).get("initContainers") or []
    migrate = [c for c in init if container_argv(c, IMAGE_ENTRYPOINT) == ["xinfang", "migrate", name]]
    assert len(migrate) == 1, f"{name}: one init container runs `xinfang migrate {name}`"
    assert migrate[0]["image"] == main_container(name)["image"]
    assert (
        container_env(migrate[0]).get(database_env(name))
        == container_env(main_container(name))[database_env(name)]
    )


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_reads_only_its_own_database(name: str) -> None:
    for container in [main_container(name), *(pod_spec(name).get("initContainers") or [])]:
        env = container_env(container)
        assert database_env(name) in env, f"{name}/{container['name']}: {database_env(name)} is not set"
        others = [database_env(o) for o in SERVICES if o != name and database_env(o) in env]
        assert not others, f"{name}/{container['name']} must not see {others}"
        url = make_url(settings_from_env(xinfang_vars(env)).database_url(name))
        assert url.drivername == "postgresql+asyncpg"
        assert url.database == name


def test_secret_placeholder_is_not_applied_with_the_rest() -> None:
    """`kubectl apply -f deploy/k8s/` must never overwrite the real secret with placeholders."""
    for path, doc in DOCS:
        if doc["kind"] == "Secret":
            assert path.parent != K8S_DIR, f"{path.name}: keep Secret placeholders in a sub-folder"


@pytest.mark.parametrize("name", SERVICES)
def test_service_selects_the_pods_on_the_service_port(name: str) -> None:
    svc = k8s_one(DOCS, "Service", name)
    pod_labels = deployment(name)["spec"]["template"]["metadata"]["labels"]
    selector = svc["spec"]["selector"]
    assert selector.items() <= pod_labels.items()
    match = deployment(name)["spec"]["selector"]["matchLabels"]
    assert match.items() <= pod_labels.items()
    port = default_settings().port(name)
    ports = svc["spec"]["ports"]
    assert any(
        p["port"] == port and named_port(main_container(name), p.get("targetPort", p["port"])) == port
        for p in ports
    )
    for other in SERVICES:
        if other != name:
            other_labels = deployment(other)["spec"]["template"]["metadata"]["labels"]
            assert not selector.items() <= other_labels.items(), f"Service {name} also selects {other}"


@pytest.mark.parametrize("name", SERVICES)
def test_pods_run_as_the_images_user_and_can_write_their_data_dir(name: str) -> None:
    image_user = load_dockerfile().of("USER")[-1].args.split(":")[0]
    spec = pod_spec(name)
    assert spec["securityContext"]["runAsNonRoot"] is True
    if image_user.isdigit():
        assert str(spec["securityContext"]["runAsUser"]) == image_user
    for container in [main_container(name), *(spec.get("initContainers") or [])]:
        if (container.get("securityContext") or {}).get("readOnlyRootFilesystem"):
            mounts = {m["mountPath"] for m in container.get("volumeMounts") or []}
            data_dir = str(settings_from_env(xinfang_vars(container_env(container))).data_dir)
            assert data_dir in mounts and "/tmp" in mounts, f"{name}/{container['name']}: {mounts}"


def test_topic_job_runs_the_same_script() -> None:
    script = k8s_one(DOCS, "ConfigMap", TOPICS)["data"]["create-topics.sh"]
    assert script == TOPICS_SCRIPT.read_text(encoding="utf-8"), (
        "deploy/k8s ConfigMap xinfang-create-topics differs from deploy/kafka/create-topics.sh"
    )
    job = k8s_one(DOCS, "Job", TOPICS)
    spec = job["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert str(container["image"]).startswith("apache/kafka:")
    volumes = {v["name"]: v for v in spec["volumes"]}
    mounted = [
        m for m in container["volumeMounts"] if volumes[m["name"]].get("configMap", {}).get("name") == TOPICS
    ]
    assert mounted, "the Job must mount the script ConfigMap"
    assert f"{mounted[0]['mountPath'].rstrip('/')}/create-topics.sh" in container_argv(container, [])


def test_topic_job_creates_exactly_the_four_topics(tmp_path: Path) -> None:
    container = k8s_one(DOCS, "Job", TOPICS)["spec"]["template"]["spec"]["containers"][0]
    env = {k: v for k, v in container_env(container).items() if k not in IMAGE_ENV}
    calls = created_topics(run_topic_script(TOPICS_SCRIPT, env, tmp_path))
    settings = settings_from_env(xinfang_vars({**IMAGE_ENV, **config_data(), **secret_data()}))
    assert sorted(c.option("--topic") for c in calls) == sorted(settings.topic(s) for s in SERVICES)
    for call in calls:
        assert "--if-not-exists" in call.argv
        assert call.option("--partitions") == str(settings.partitions)
        assert call.option("--bootstrap-server") == settings.kafka_bootstrap_servers
        assert int(call.option("--replication-factor") or 0) >= 3, "production topics need replicas"


def _ingress_rewrite(ingress: dict[str, Any], path_regex: str, request: str) -> str | None:
    """What ingress-nginx forwards for ``request`` on a regex path with rewrite-target."""
    target = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"]
    m = re.match(path_regex, request)
    if not m:
        return None
    return re.sub(r"\$(\d+)", lambda g: m.group(int(g.group(1))) or "", target)


@pytest.mark.parametrize("name", SERVICES)
def test_ingress_routes_the_prefix_to_the_service_and_strips_it(name: str) -> None:
    ingress = k8s_one(DOCS, "Ingress", "xinfang")
    annotations = ingress["metadata"]["annotations"]
    assert annotations.get("nginx.ingress.kubernetes.io/use-regex") == "true"
    paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    mine = [p for p in paths if p["backend"]["service"]["name"] == name]
    assert len(mine) == 1, f"one Ingress path for {name}"
    path = mine[0]
    assert path["path"].startswith(f"/{name}")
    assert path["backend"]["service"]["port"]["number"] == default_settings().port(name)
    assert _ingress_rewrite(ingress, path["path"], f"/{name}/healthz") == "/healthz"
    assert _ingress_rewrite(ingress, path["path"], f"/{name}/cases/1/history") == "/cases/1/history"
    assert _ingress_rewrite(ingress, path["path"], f"/{name}") == "/"
    for other in SERVICES:
        if other != name:
            assert _ingress_rewrite(ingress, path["path"], f"/{other}/healthz") is None


@pytest.mark.parametrize("name", SERVICES)
def test_gateway_api_route_matches_the_ingress(name: str) -> None:
    routes = k8s_find(DOCS, "HTTPRoute")
    if not routes:
        return
    rules = [r for r in routes[0]["spec"]["rules"] if r["backendRefs"][0]["name"] == name]
    assert len(rules) == 1
    rule = rules[0]
    assert rule["matches"][0]["path"] == {"type": "PathPrefix", "value": f"/{name}/"}
    assert rule["backendRefs"][0]["port"] == default_settings().port(name)
    rewrite = rule["filters"][0]["urlRewrite"]["path"]
    assert rewrite == {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}
