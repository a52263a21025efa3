"""A directory file that is not YAML at all (control characters YAML forbids) is refused with the
file and line, like any other problem — never an internal error."""

from __future__ import annotations

from services.routing.domain.yaml_lines import read_yaml


def test_a_forbidden_control_character_is_a_problem_naming_the_file() -> None:
    problem = read_yaml("regions:\n  - {code: \x94}\n", "jurisdiction.yaml")
    assert isinstance(problem, str)
    assert problem.startswith("jurisdiction.yaml:1: not valid YAML")
