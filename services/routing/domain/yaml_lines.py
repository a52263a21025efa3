"""Read YAML while keeping line numbers, so that a validation error can name the file and the line."""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML document: its plain value and the node tree that remembers where each part was."""

    source: str
    data: object
    node: yaml.Node | None

    def _walk(self, path: tuple[str | int, ...]) -> tuple[yaml.Node | None, int]:
        """The node at ``path`` (mapping keys and sequence indexes) and its line; when the path does not
        exist, None and the line of the deepest part that does."""
        node = self.node
        line = int(node.start_mark.line) + 1 if node is not None else 1
        for step in path:
            child: yaml.Node | None = None
            if isinstance(node, yaml.MappingNode) and isinstance(step, str):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == step:
                        line = int(key_node.start_mark.line) + 1
                        child = value_node
                        break
            elif (
                isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value)
            ):
                child = node.value[step]
                line = int(child.start_mark.line) + 1
            if child is None:
                return None, line
            node = child
        return node, line

    def line(self, *path: str | int) -> int:
        """The line (1-based) of the part at ``path``, or of the deepest part of the path that exists."""
        return self._walk(path)[1]

    def item_lines(self, key: str) -> list[int]:
        """The line of each item of the top-level sequence ``key`` (1-based)."""
        node, _ = self._walk((key,))
        if not isinstance(node, yaml.SequenceNode):
            return []
        return [int(item.start_mark.line) + 1 for item in node.value]

    def where(self, line: int) -> str:
        return f"{self.source}:{line}"


def read_yaml(text: str, source: str) -> YamlDocument | str:
    """Parse ``text``; return the document, or a ``file:line: problem`` string when it is not YAML."""
    try:
        loader = yaml.SafeLoader(text)  # the reader already refuses characters YAML does not allow
    except yaml.YAMLError as exc:
        return f"{source}:1: not valid YAML: {exc}"
    try:
        node: yaml.Node | None = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else 1
        return f"{source}:{line}: not valid YAML: {exc.problem or exc.context}"
    except yaml.YAMLError as exc:
        return f"{source}:1: not valid YAML: {exc}"
    finally:
        loader.dispose()
    return YamlDocument(source=source, data=data, node=node)
