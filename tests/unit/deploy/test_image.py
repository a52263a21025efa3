"""The Dockerfile builds the one image every service runs from."""

from __future__ import annotations

import fnmatch
import re
import tomllib

import pytest

from shared.settings import SERVICES

from .manifests import (
    DOCKERFILE,
    REPO,
    default_settings,
    dockerignore_patterns,
    load_dockerfile,
    setting_env_names,
    xinfang_vars,
)

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def copies(stage: int | None = None) -> list[tuple[list[str], str]]:
    """(sources, destination) of every COPY without --from, in the given stage or all stages."""
    dockerfile = load_dockerfile()
    instructions = dockerfile.everywhere("COPY") if stage is None else dockerfile.of("COPY", stage)
    result = []
    for i in instructions:
        if "--from=" in i.args:
            continue
        words = [w for w in i.args.split() if not w.startswith("--")]
        result.append((words[:-1], words[-1]))
    return result


def copied(path: str) -> str | None:
    """The destination of the COPY that brings ``path`` (a repo file or folder) into the image."""
    for sources, dest in copies():
        for source in sources:
            if source.rstrip("/") in (path, "."):
                return dest
    return None


def test_base_image_is_python_311_slim() -> None:
    dockerfile = load_dockerfile()
    stages = {i.args.split()[-1] for i in dockerfile.everywhere("FROM") if " as " in i.args.lower()}
    images = [image for image in dockerfile.base_images() if image not in stages]
    assert images, "no FROM"
    for image in images:
        assert image == "python:3.11-slim", image
    assert ">=3.11" in PYPROJECT["project"]["requires-python"]


@pytest.mark.parametrize("path", ["pyproject.toml", "shared", "services", "data"])
def test_copies_what_the_package_needs(path: str) -> None:
    assert (REPO / path).exists(), path
    assert copied(path), f"the Dockerfile does not COPY {path}"


def test_copies_files_pyproject_refers_to() -> None:
    """A ``readme``/``license`` file named in pyproject.toml must be in the build context too."""
    project = PYPROJECT["project"]
    referred = []
    for key in ("readme", "license"):
        value = project.get(key)
        if isinstance(value, str) and key == "readme":
            referred.append(value)
        elif isinstance(value, dict) and "file" in value:
            referred.append(value["file"])
    for path in referred:
        assert copied(path), f"pyproject.toml refers to {path}, which the Dockerfile does not COPY"


def test_installs_the_package_with_its_console_script() -> None:
    dockerfile = load_dockerfile()
    runs = " ".join(i.args for i in dockerfile.everywhere("RUN"))
    assert re.search(r"pip install [^&;]*(?<![\w/-])\.(\s|$)", runs), "no `pip install .`"
    assert PYPROJECT["project"]["scripts"].get("xinfang"), "pyproject.toml has no `xinfang` script"
    assert dockerfile.entrypoint() == ["xinfang"]
    assert dockerfile.cmd() == ["--help"]


def test_dependencies_are_installed_before_the_code_is_copied() -> None:
    """Layer caching: editing shared/ or services/ must not re-download the dependencies."""
    dockerfile = load_dockerfile()
    sequence = [i for i in dockerfile.instructions if i.keyword in {"COPY", "RUN"}]
    first_code_copy = next(
        n
        for n, i in enumerate(sequence)
        if i.keyword == "COPY" and re.search(r"\b(shared|services)/?\s", i.args + " ")
    )
    pyproject_copy = next(
        n for n, i in enumerate(sequence) if i.keyword == "COPY" and "pyproject.toml" in i.args
    )
    dependency_install = next(
        n
        for n, i in enumerate(sequence)
        if i.keyword == "RUN" and "pip install" in i.args and "-r " in i.args
    )
    assert pyproject_copy < dependency_install < first_code_copy


def test_runs_as_a_non_root_user() -> None:
    users = load_dockerfile().of("USER")
    assert users, "the final stage has no USER"
    user = users[-1].args.split(":")[0]
    assert user not in {"root", "0"}


def test_exposes_the_four_service_ports() -> None:
    settings = default_settings()
    exposed: set[int] = set()
    for i in load_dockerfile().of("EXPOSE"):
        for word in i.args.split():
            port = word.split("/")[0]
            if "-" in port:
                low, high = (int(p) for p in port.split("-"))
                exposed.update(range(low, high + 1))
            else:
                exposed.add(int(port))
    for service in SERVICES:
        assert settings.port(service) in exposed, service


def test_env_names_are_settings() -> None:
    env = xinfang_vars(load_dockerfile().env())
    unknown = set(env) - setting_env_names()
    assert not unknown, f"ENV names no setting: {sorted(unknown)}"


def test_image_listens_on_all_interfaces_and_finds_the_directory() -> None:
    env = load_dockerfile().env()
    assert env.get("XINFANG_HOST") == "0.0.0.0"
    directory = env.get("XINFANG_DIRECTORY_DIR")
    assert directory, "the image must point XINFANG_DIRECTORY_DIR at its copy of data/"
    assert copied("data") and copied("data").rstrip("/") == directory.rstrip("/")
    for name in ("jurisdiction.yaml", "categories.yaml"):
        assert (REPO / "data" / name).is_file()


def test_dockerignore_keeps_what_the_build_copies() -> None:
    patterns = [p for p in dockerignore_patterns() if not p.startswith("!")]
    for path in [
        "pyproject.toml",
        "shared",
        "services",
        "data",
        "shared/settings.py",
        "data/jurisdiction.yaml",
    ]:
        for pattern in patterns:
            bare = pattern.strip("/")
            assert not fnmatch.fnmatch(path, bare) and not path.startswith(bare + "/"), (
                f".dockerignore pattern {pattern!r} drops {path}"
            )
    for path in [".venv", ".git", "var"]:
        assert any(fnmatch.fnmatch(path, p.strip("/")) for p in patterns), f"{path} should be ignored"


def test_dockerfile_exists_at_the_repo_root() -> None:
    assert DOCKERFILE.is_file()
