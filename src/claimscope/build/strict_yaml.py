"""Load a YAML file strictly: no key given twice, and aliases that cannot explode."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# The most nodes a document may hold once every alias is expanded. A hand-written
# reports.yaml holds hundreds; a "billion laughs" holds billions from a few lines.
MAX_EXPANDED_NODES = 100_000


class YAMLInputError(ValueError):
    """A YAML document that is refused, with the line (1-based) where the trouble is."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:
        seen: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = (key_node.tag, key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YAMLInputError(
                    line, f"key {key_node.value!r} given twice (first on line {seen[key]})"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def expanded_size(root: Node) -> int:
    """How many nodes ``root`` holds with every alias expanded (a shared node counts each time).

    Each distinct node is visited once, so a document that expands to billions is measured
    in the time its few lines take; a node that contains itself counts once.
    """
    sizes: dict[int, int] = {}
    order, stack = [], [root]
    while stack:  # iterative: deeply nested documents must not hit the recursion limit
        node = stack.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = 1
        order.append(node)
        stack.extend(_children(node))
    for node in reversed(order):  # children before parents
        sizes[id(node)] = min(
            1 + sum(sizes[id(c)] for c in _children(node) if c is not node),
            MAX_EXPANDED_NODES + 1,
        )
    return sizes[id(root)]


def load_yaml(text: str):
    """Parse one YAML document like ``yaml.safe_load``, refusing what would explode or mislead.

    >>> load_yaml("a: 1")
    {'a': 1}
    >>> load_yaml("{a: 1, a: 2}")
    Traceback (most recent call last):
    ...
    claimscope.build.strict_yaml.YAMLInputError: key 'a' given twice (first on line 1)

    Raises:
        YAMLInputError: a key given twice in one mapping, or aliases expanding past
            :data:`MAX_EXPANDED_NODES` nodes.
        yaml.YAMLError: the text is not YAML.
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if expanded_size(node) > MAX_EXPANDED_NODES:
            raise YAMLInputError(
                node.start_mark.line + 1,
                f"aliases expand to more than {MAX_EXPANDED_NODES:,} values; "
                "write the values out or use fewer aliases",
            )
        return loader.construct_document(node)
    except RecursionError as exc:
        raise YAMLInputError(1, "nested too deeply") from exc
    finally:
        loader.dispose()
