"""Readers for the deployment files, shared by the deploy tests.

Nothing here starts a container: the files are parsed and compared with ``shared.settings``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import yaml

from shared.settings import Settings

REPO = Path(__file__).resolve().parents[3]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
DEPLOY = REPO / "deploy"
K8S_DIR = DEPLOY / "k8s"
NGINX_CONF = DEPLOY / "nginx" / "nginx.conf"
INIT_SQL = DEPLOY / "postgres" / "init.sql"
TOPICS_SCRIPT = DEPLOY / "kafka" / "create-topics.sh"

ENV_PREFIX = "XINFANG_"


# --- settings ----------------------------------------------------------------------------------


def settings_from_env(env: Mapping[str, str]) -> Settings:
    """``Settings()`` as a process with exactly ``env`` (and no other ``XINFANG_*``) would build it."""
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith(ENV_PREFIX)}
    clean.update({k: str(v) for k, v in env.items()})
    with mock.patch.dict(os.environ, clean, clear=True):
        return Settings()


def default_settings() -> Settings:
    return settings_from_env({})


def setting_env_names() -> set[str]:
    """Every environment variable the settings read, derived from the model (so a rename shows)."""
    return {ENV_PREFIX + name.upper() for name in Settings.model_fields}


def xinfang_vars(env: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in env.items() if k.startswith(ENV_PREFIX)}


def database_env(service: str) -> str:
    return f"{ENV_PREFIX}{service.upper()}_DATABASE_URL"


def port_env(service: str) -> str:
    return f"{ENV_PREFIX}{service.upper()}_PORT"


# --- Dockerfile --------------------------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    args: str
    stage: int

    def exec_form(self) -> list[str] | None:
        """The JSON (exec) form of CMD/ENTRYPOINT, or None for the shell form."""
        text = self.args.strip()
        if text.startswith("["):
            value = json.loads(text)
            assert isinstance(value, list)
            return [str(v) for v in value]
        return None


@dataclass
class Dockerfile:
    instructions: list[Instruction]
    build_args: dict[str, str] = field(default_factory=dict)

    def of(self, keyword: str, stage: int | None = None) -> list[Instruction]:
        stage = self.final_stage if stage is None else stage
        return [i for i in self.instructions if i.keyword == keyword and i.stage == stage]

    def everywhere(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    @property
    def final_stage(self) -> int:
        return max(i.stage for i in self.instructions)

    def base_images(self) -> list[str]:
        images = []
        for i in self.everywhere("FROM"):
            image = i.args.split()[0]
            images.append(self.expand(image))
        return images

    def expand(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            return self.build_args.get(m.group(1) or m.group(2), m.group(0))

        return re.sub(r"\$\{(\w+)\}|\$(\w+)", sub, text)

    def env(self, stage: int | None = None) -> dict[str, str]:
        """ENV of one stage (the final one by default), in the ``KEY=value`` form."""
        result: dict[str, str] = {}
        for i in self.of("ENV", stage):
            for token in shlex.split(i.args):
                key, sep, value = token.partition("=")
                assert sep, f"ENV {i.args!r}: use the KEY=value form"
                result[key] = value
        return result

    def entrypoint(self) -> list[str]:
        found = self.of("ENTRYPOINT")
        assert found, "the image has no ENTRYPOINT"
        argv = found[-1].exec_form()
        assert argv is not None, "ENTRYPOINT must use the exec (JSON) form"
        return argv

    def cmd(self) -> list[str]:
        found = self.of("CMD")
        assert found, "the image has no CMD"
        argv = found[-1].exec_form()
        assert argv is not None, "CMD must use the exec (JSON) form"
        return argv


def load_dockerfile(path: Path = DOCKERFILE) -> Dockerfile:
    logical: list[str] = []
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        logical.append(current.strip())
        current = ""
    if current.strip():
        logical.append(current.strip())

    instructions: list[Instruction] = []
    build_args: dict[str, str] = {}
    stage = -1
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        if keyword == "ARG" and stage == -1:
            name, _, default = args.strip().partition("=")
            build_args[name] = default
        instructions.append(Instruction(keyword, args.strip(), max(stage, 0)))
    return Dockerfile(instructions, build_args)


def dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#")]


# --- compose -----------------------------------------------------------------------------------


def load_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


def compose_env(service: Mapping[str, Any]) -> dict[str, str]:
    """A compose service's ``environment`` as a dict (both the mapping and the list form)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        result = {}
        for item in env:
            key, _, value = str(item).partition("=")
            result[key] = value
        return result
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def as_argv(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return shlex.split(value)
    return [str(v) for v in value]


def compose_argv(service: Mapping[str, Any], image_entrypoint: list[str]) -> list[str]:
    """What the container runs: its entrypoint (the service's, else the image's) plus command."""
    entrypoint = as_argv(service["entrypoint"]) if "entrypoint" in service else image_entrypoint
    return entrypoint + as_argv(service.get("command"))


def depends_on(service: Mapping[str, Any]) -> dict[str, str]:
    """``depends_on`` as {service: condition} (the short list form means service_started)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {str(d): "service_started" for d in deps}
    return {str(k): str((v or {}).get("condition", "service_started")) for k, v in deps.items()}


def healthcheck_argv(service: Mapping[str, Any]) -> list[str]:
    test = (service.get("healthcheck") or {}).get("test")
    assert test, "no healthcheck test"
    if isinstance(test, str):
        return ["CMD-SHELL", test]
    return [str(t) for t in test]


HEALTH_URL = re.compile(r"https?://(127\.0\.0\.1|localhost):(\d+)(/[^'\"\s)]*)")


def bind_mounts(service: Mapping[str, Any]) -> dict[str, str]:
    """{container path: source} of a service's bind mounts (sources relative to the repo root)."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            parts = volume.split(":")
            source, target = parts[0], parts[1]
        else:
            source, target = volume.get("source", ""), volume["target"]
        if source.startswith((".", "/")):
            mounts[target] = source
    return mounts


def repo_path(source: str) -> Path:
    return (REPO / source).resolve()


# --- PostgreSQL --------------------------------------------------------------------------------


def created_databases() -> set[str]:
    sql = re.sub(r"--[^\n]*", "", INIT_SQL.read_text(encoding="utf-8"))
    return {m.lower() for m in re.findall(r'CREATE\s+DATABASE\s+"?(\w+)"?', sql, flags=re.I)}


# --- Kubernetes --------------------------------------------------------------------------------


def load_k8s() -> list[tuple[Path, dict[str, Any]]]:
    docs = []
    for path in sorted(K8S_DIR.rglob("*.y*ml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                docs.append((path, doc))
    return docs


def k8s_find(
    docs: list[tuple[Path, dict[str, Any]]], kind: str, name: str | None = None
) -> list[dict[str, Any]]:
    return [d for _, d in docs if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name)]


def k8s_one(docs: list[tuple[Path, dict[str, Any]]], kind: str, name: str) -> dict[str, Any]:
    found = k8s_find(docs, kind, name)
    assert len(found) == 1, f"expected one {kind} {name!r}, found {len(found)}"
    return found[0]


def container_argv(container: Mapping[str, Any], image_entrypoint: list[str]) -> list[str]:
    command = as_argv(container.get("command")) or image_entrypoint
    return command + as_argv(container.get("args"))


def named_port(container: Mapping[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return int(p["containerPort"])
    raise AssertionError(f"container {container.get('name')!r} has no port named {port!r}")


# --- nginx -------------------------------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None

    def find(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]

    def walk(self) -> Iterator[Directive]:
        for d in self.block or []:
            yield d
            yield from d.walk()


_NGINX_TOKEN = re.compile(r"""\s+|#[^\n]*|"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([{};])|([^\s{};"'#]+)""")


def parse_nginx(text: str) -> Directive:
    """A small parser for nginx's configuration syntax: directives, blocks, quoted strings, comments."""
    tokens: list[tuple[str, str]] = []  # (kind, value): kind is "word" or "punct"
    pos = 0
    while pos < len(text):
        m = _NGINX_TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"nginx.conf: cannot read at offset {pos}: {text[pos : pos + 30]!r}")
        pos = m.end()
        if m.group(1) is not None or m.group(2) is not None:
            tokens.append(("word", m.group(1) if m.group(1) is not None else m.group(2)))
        elif m.group(3):
            tokens.append(("punct", m.group(3)))
        elif m.group(4):
            tokens.append(("word", m.group(4)))

    root = Directive("main", [], [])
    stack = [root]
    words: list[str] = []
    for kind, value in tokens:
        if kind == "word":
            words.append(value)
        elif value == ";":
            assert words, "nginx.conf: empty directive"
            stack[-1].block.append(Directive(words[0], words[1:]))  # type: ignore[union-attr]
            words = []
        elif value == "{":
            assert words, "nginx.conf: block without a name"
            directive = Directive(words[0], words[1:], [])
            stack[-1].block.append(directive)  # type: ignore[union-attr]
            stack.append(directive)
            words = []
        else:
            assert not words and len(stack) > 1, "nginx.conf: unbalanced braces"
            stack.pop()
    assert len(stack) == 1 and not words, "nginx.conf: unterminated block"
    return root


def nginx_size(value: str) -> int:
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", value)
    assert m, f"not an nginx size: {value!r}"
    unit = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    return int(m.group(1)) * unit


# --- topic creation ----------------------------------------------------------------------------


@dataclass
class TopicCall:
    argv: list[str]

    def option(self, name: str) -> str | None:
        if name in self.argv:
            return self.argv[self.argv.index(name) + 1]
        return None

    def options(self, name: str) -> list[str]:
        return [self.argv[i + 1] for i, a in enumerate(self.argv) if a == name]


_FAKE_KAFKA_TOPICS = """#!/bin/sh
for a in "$@"; do printf '%s\\n' "$a"; done >> "$FAKE_LOG"
printf '%s\\n' '@@end@@' >> "$FAKE_LOG"
"""


def run_topic_script(script: Path, env: Mapping[str, str], workdir: Path) -> list[TopicCall]:
    """Run the topic-creation script against a stand-in kafka-topics.sh; return the calls it made."""
    fake = workdir / "kafka-topics.sh"
    fake.write_text(_FAKE_KAFKA_TOPICS, encoding="utf-8")
    fake.chmod(0o755)
    log = workdir / "calls.log"
    run_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "KAFKA_TOPICS": str(fake),
        "FAKE_LOG": str(log),
    }
    run_env.update(env)
    result = subprocess.run(
        ["sh", str(script)], env=run_env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    calls, current = [], []
    for line in log.read_text(encoding="utf-8").splitlines():
        if line == "@@end@@":
            calls.append(TopicCall(current))
            current = []
        else:
            current.append(line)
    return calls


def created_topics(calls: list[TopicCall]) -> list[TopicCall]:
    return [c for c in calls if "--create" in c.argv]
