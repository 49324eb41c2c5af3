"""The house reads top-down: the packages of `bot/` import each other without loops (type
hints included). Each feature takes its own records (`PlacesRecords`, `OutboxRecords`...),
not the `Store` that composes them all; each draws its own Block Kit, and `bot/blocks/`
holds only what they share."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
FACADE = "records"


def package_of(module: str) -> str:
    """`bot.registrations.service` -> `registrations`; `bot.guard` -> `guard`."""
    return module.split(".")[1] if "." in module else module


def imports() -> dict[str, set[str]]:
    """Which packages (and top-level modules) of `bot/` each one imports, type hints too."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in BOT.rglob("*.py"):
        parts = path.relative_to(BOT).with_suffix("").parts
        source = parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("bot.") and package_of(name) != source:
                    graph[source].add(package_of(name))
    return graph


def loops(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def test_no_package_imports_another_in_a_loop() -> None:
    assert loops(imports()) == []


def test_no_feature_takes_the_store_that_composes_them_all() -> None:
    features = {"registrations", "reminders", "broadcasts", "feedback", "calendar", "privacy",
                "outbox", "answering", "answers", "programme"}  # fmt: skip
    graph = imports()
    assert {f for f in features if FACADE in graph.get(f, set())} == set()


def test_the_shared_block_kit_imports_no_feature() -> None:
    graph = imports()
    shared = {"blocks", "dates", "wording", "store", "programme", "json_input"}
    for package in shared:
        assert graph.get(package, set()) <= shared | {"settings"}, (package, graph[package])


def test_the_shared_listeners_import_no_feature() -> None:
    """`bot/listeners/` holds the mechanisms every feature's listeners share (middleware, the
    error policy, the organiser check, fair threads...); each feature registers its own."""
    mechanisms = {"store", "outbox", "logs", "payloads", "json_input", "blocks", "settings"}
    assert imports().get("listeners", set()) <= mechanisms


def test_a_loop_is_found_when_there_is_one() -> None:
    assert loops({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert loops({"a": {"b"}, "b": set()}) == []
