"""The shape of bot/actions, checked from its source: no import cycle, a base that imports no topic module,
topic modules that do not import each other, and a registry of self-declared actions that matches the
domain (every action the domain names is provided by exactly one class)."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Action

import bot.actions
from bot.actions import base
from bot.actions import names as n

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "bot.actions"
PACKAGE_DIR = ROOT / "bot" / "actions"
DOMAIN_FILE = ROOT / "bot" / "domain.yml"


def module_name(path: Path) -> str:
    """'bot.actions.render.text' for bot/actions/render/text.py ('bot.actions.render' for its __init__)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_files() -> dict[str, Path]:
    """Every module of bot/actions by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def import_graph(files: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the bot/actions modules it imports by name (relative or absolute). `from . import names`
    is an edge to the submodule bot.actions.names; the implicit import of a parent package is not an edge."""
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    target = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                # `from pkg import sub` imports the submodule `sub` when there is one
                targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in files else target for a in node.names]
            else:
                continue
            edges.update(t for t in targets if t in files and t != name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` as [a, b, ..., a], or None when the graph has none."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {node: WHITE for node in graph}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = GREY
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if colour.get(nxt, WHITE) == GREY:
                return stack[stack.index(nxt):] + [nxt]
            if colour.get(nxt, WHITE) == WHITE:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = BLACK
        return None

    for node in sorted(graph):
        if colour[node] == WHITE:
            found = visit(node)
            if found:
                return found
    return None


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module `start` imports, directly or through others."""
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def all_action_classes() -> list[type[Action]]:
    """Every concrete rasa_sdk Action class defined in a module of bot/actions (each module imported)."""
    found = []
    for info in pkgutil.walk_packages(bot.actions.__path__, PACKAGE + "."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, Action) and not inspect.isabstract(cls):
                found.append(cls)
    return found


GRAPH = import_graph(module_files())
TOPIC_MODULES = {cls.__module__ for cls in base.ACTIONS.values()}


# ------------------------------------------------------------------ the cycle finder itself
def test_cycle_finder_finds_an_injected_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_cycle_finder_finds_the_old_redirect_cycle_when_it_is_put_back():
    # base.redirect used to import followup, which imports every topic module, each importing base
    graph = {k: set(v) for k, v in GRAPH.items()}
    graph["bot.actions.base"].add("bot.actions.followup")
    cycle = find_cycle(graph)
    assert cycle is not None and "bot.actions.base" in cycle and "bot.actions.followup" in cycle


def test_import_graph_reads_relative_imports():
    # a sanity check of the parser on lines the package really has
    assert "bot.actions.names" in GRAPH["bot.actions.base"]
    assert "bot.actions.render.text" in GRAPH["bot.actions.base"]
    assert "bot.actions.career.profile" in GRAPH["bot.actions.plan"]
    assert "bot.actions.followup" in GRAPH["bot.actions"]


# ------------------------------------------------------------------ the real package
def test_bot_actions_has_no_import_cycle():
    assert find_cycle(GRAPH) is None


def test_base_imports_no_topic_module():
    assert "bot.actions.base" not in TOPIC_MODULES
    assert not reachable(GRAPH, "bot.actions.base") & TOPIC_MODULES


@pytest.mark.parametrize("module", sorted(TOPIC_MODULES))
def test_topic_modules_do_not_import_each_other(module):
    assert not reachable(GRAPH, module) & (TOPIC_MODULES - {module})


def test_rendering_and_career_logic_import_no_action_module_and_no_rasa():
    for name, path in module_files().items():
        if name.startswith(("bot.actions.render", "bot.actions.career")):
            assert not reachable(GRAPH, name) & (TOPIC_MODULES | {"bot.actions.base"}), name
        if name.startswith("bot.actions.render"):
            assert "rasa" not in path.read_text(encoding="utf-8").replace("Rasa", ""), name
            assert "sqlalchemy" not in path.read_text(encoding="utf-8"), name


# ------------------------------------------------------------------ the registry
def test_every_topic_action_declares_its_topic_and_kinds():
    assert base.TOPICS, "no topic action registered"
    for topic, cls in base.TOPICS.items():
        assert cls.topic == topic and topic
        assert isinstance(cls.takes, tuple) and set(cls.takes) <= set(n.ENTITIES), cls
        assert cls.intent, cls
    assert set(base.FOR_KIND) == set(n.ENTITIES)  # a thing of every kind has an action that answers it
    for kind, cls in base.FOR_KIND.items():
        assert cls.answers_kind == kind and kind in cls.takes and cls.topic in base.TOPICS, cls


def test_topics_of_the_registry_are_the_topic_names():
    topics = {v for k, v in vars(n).items() if k.startswith("TOPIC_")}
    career = {n.TOPIC_PLAN, n.TOPIC_PROFILE, n.TOPIC_MENTORS}  # never re-answered by a bare follow-up
    assert set(base.TOPICS) == topics - career


def test_every_domain_action_is_provided_by_exactly_one_registered_class():
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    declared = {next(iter(e)) if isinstance(e, dict) else e for e in domain["actions"]}
    providers: dict[str, list[type]] = {}
    for cls in all_action_classes():
        providers.setdefault(cls().name(), []).append(cls)
    for name in sorted(declared):
        assert len(providers.get(name, [])) == 1, f"{name}: provided by {providers.get(name)}"
        assert base.ACTIONS.get(name) is providers[name][0], f"{name} is not registered"
    assert set(base.ACTIONS) == declared  # and nothing registered that the domain does not know


@pytest.mark.parametrize("in_statement", [False, True], ids=["class attributes", "class statement"])
def test_a_second_claim_on_a_topic_is_refused(in_statement):
    """Declared as class attributes or in the class statement, a second claim on a topic is refused."""
    claim = {"action_name": "action_show_path_again", "topic": n.TOPIC_PATH, "takes": (n.ROLE,)}
    with pytest.raises(TypeError, match="claimed by both"):
        if in_statement:
            type("ActionShowPathAgain", (base.KnowledgeAction,), {"answer": lambda self, ctx: None}, **claim)
        else:
            type("ActionShowPathAgain", (base.KnowledgeAction,), {"answer": lambda self, ctx: None, **claim})
    assert "action_show_path_again" not in base.ACTIONS
    assert base.TOPICS[n.TOPIC_PATH].__name__ == "ActionShowPath"


def test_a_class_statement_declares_only_what_its_base_takes():
    with pytest.raises(TypeError, match="declares colour, which its base class does not take"):
        class ActionColoured(base.KnowledgeAction, action_name="action_coloured", colour="red"):  # noqa: F841
            def answer(self, ctx):
                raise AssertionError
    with pytest.raises(TypeError, match="declares topic"):  # a plain run (the form, fallbacks) has no topic
        class ActionTopical(base.KnowledgeRun, action_name="action_topical", topic=n.TOPIC_SALARY):  # noqa: F841
            pass
    assert "action_coloured" not in base.ACTIONS and "action_topical" not in base.ACTIONS


def test_declarations_in_the_class_statement_become_class_attributes():
    cls = base.TOPICS[n.TOPIC_CERTIFICATIONS]
    assert vars(cls)["action_name"] == n.ACTION_SHOW_CERTIFICATIONS and vars(cls)["answers_kind"] == n.CERTIFICATION
    assert base.FOR_KIND[n.CERTIFICATION] is cls


def test_action_names_come_from_one_class_attribute():
    for cls in base.ACTIONS.values():
        assert "name" not in vars(cls), f"{cls.__name__} redefines name(); set action_name instead"
        assert cls.action_name in vars(n).values(), f"{cls.__name__}: action_name is not a names.py constant"


def test_every_response_the_actions_utter_is_in_the_domain():
    responses = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]
    uttered = {v for k, v in vars(n).items() if k.startswith("UTTER_")}
    assert uttered and uttered <= set(responses)
    for path in module_files().values():  # every response an action names comes from names.py
        for name in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.startswith("utter_"):
                assert path.name == "names.py", f"{path}: response name {name.value!r} outside names.py"


def test_actions_import_from_the_nlu_only_its_plain_verdict_names():
    """The action server must not load Rasa's NLU: bot/nlu/verdicts.py is the one NLU module actions import."""
    imported = set()
    for name, path in module_files().items():
        imported |= {m for m in re.findall(r"^\s*from\s+(bot\.nlu[\w.]*)\s+import", path.read_text(encoding="utf-8"),
                                           re.MULTILINE)}
    assert imported == {"bot.nlu.verdicts"}
    verdicts = importlib.import_module("bot.nlu.verdicts")
    assert not re.search(r"^\s*(?:import|from)\s", Path(verdicts.__file__).read_text(encoding="utf-8"), re.MULTILINE)
    assert (verdicts.NOT_COVERED, verdicts.OUT_OF_SCOPE) == (n.NOT_COVERED, n.OUT_OF_SCOPE)  # also the intents
