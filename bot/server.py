"""`python -m bot.server [rasa arguments]`: the `rasa` command (`run`, `shell`...), started lean.

`make serve`, `make run` (through bot.shell), the tests and the benchmark start Rasa this way. The only
difference from `.venv/bin/rasa` is `prepare()`, which runs before Rasa is imported and looks at the model
the command will load (`--model`, default `models/`):

- **No TensorFlow for a model that uses none.** Rasa's core modules import TensorFlow whether or not the
  model needs it (`rasa.core.agent` -> ... -> `rasa.utils.train_utils` -> `tensorflow`): 2-4 s and about
  400 MB of the server's memory. When every component of the model's prediction graph is in
  `TF_FREE_COMPONENTS` (careerbot's pipeline is), `tensorflow` and `keras` are replaced by placeholders:
  Rasa's modules can still subclass and annotate with them, and any *call* into them raises
  `TensorFlowNotLoaded` naming what was called. A model with any other component (DIET, TED, an unknown
  custom one) gets the real TensorFlow. Set CAREERBOT_TENSORFLOW=1 to always load it.
- **skops first.** The LogisticRegressionClassifier loads with skops, whose import looks up the module of
  each numpy/scipy ufunc by scanning `sys.modules`: 5.6-6.4 s after TensorFlow's thousands of modules,
  1.2 s before them (`python -X importtime`). It is imported first when the model has that classifier.

Measured on the 2-core box: ready to answer 11.8 s -> 6.7 s (skops) -> see bench/RESULTS.md; Rasa server
RSS 628 MB -> about 230 MB.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import os
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, Callable, Sequence

TENSORFLOW_ENV = "CAREERBOT_TENSORFLOW"
PLACEHOLDER_ROOTS = ("tensorflow", "keras")
SKOPS_COMPONENT = "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier"
# Components of a prediction graph that never call TensorFlow and never read the featurizers' sequence
# (per-token) features (Rasa 3.6.21's own, read from their sources).
TF_FREE_COMPONENTS = frozenset({
    "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
    "rasa.core.policies.memoization.AugmentedMemoizationPolicy",
    "rasa.core.policies.memoization.MemoizationPolicy",
    "rasa.core.policies.rule_policy.RulePolicy",
    "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
    "rasa.graph_components.providers.domain_provider.DomainProvider",
    "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
    "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
    "rasa.nlu.classifiers.keyword_intent_classifier.KeywordIntentClassifier",
    SKOPS_COMPONENT,
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
    "rasa.nlu.extractors.entity_synonyms.EntitySynonymMapper",
    "rasa.nlu.extractors.regex_entity_extractor.RegexEntityExtractor",
    "rasa.nlu.extractors.spacy_entity_extractor.SpacyEntityExtractor",
    "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer.LexicalSyntacticFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer.RegexFeaturizer",
    "rasa.nlu.tokenizers.spacy_tokenizer.SpacyTokenizer",
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
    "rasa.nlu.utils.spacy_utils.SpacyNLP",
    # careerbot's own NLU components (bot/nlu): rapidfuzz, regular expressions, py3langid, scikit-learn
    "bot.nlu.compound.CompoundSplitter",
    "bot.nlu.fuzzy_entities.FuzzyEntityExtractor",
    "bot.nlu.language.LanguageIdentification",
    "bot.nlu.role_grammar.RoleGrammar",
    "bot.nlu.topic_guard.TopicGuard",
})


class TensorFlowNotLoaded(RuntimeError):
    """Something called TensorFlow in a server started without it."""


class _PlaceholderType(type):
    """The type of every placeholder: attributes are further placeholders, calling one raises."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _placeholder(f"{cls.__qualname__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TensorFlowNotLoaded(
            f"{cls.__qualname__} was called, but this server was started without TensorFlow because its model "
            f"needs none (bot/server.py). Restart it with the new model, or set {TENSORFLOW_ENV}=1.")


def _placeholder(qualname: str) -> type:
    """A class standing for tensorflow.<...>: it can be subclassed, annotated with and looked into."""
    return _PlaceholderType(qualname.rsplit(".", 1)[-1], (), {"__qualname__": qualname, "__module__": "tensorflow"})


class _PlaceholderModule(types.ModuleType):
    """A placeholder for a module of `PLACEHOLDER_ROOTS`."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _placeholder(f"{self.__name__}.{name}")


class _PlaceholderFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers imports of `PLACEHOLDER_ROOTS` (and their submodules) with placeholder modules."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname.split(".", 1)[0] in PLACEHOLDER_ROOTS:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _PlaceholderModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: every attribute is made on demand."""


def tensorflow_placeholders_installed() -> bool:
    """Whether this process answers `import tensorflow` with placeholders."""
    return any(isinstance(finder, _PlaceholderFinder) for finder in sys.meta_path)


def install_tensorflow_placeholders() -> None:
    """Make `import tensorflow` / `import keras` give placeholders from now on (idempotent).

    spaCy's thinc probes for TensorFlow with try/except ImportError and would treat a placeholder as the real
    thing, so it is imported first, while TensorFlow is plainly unavailable."""
    if tensorflow_placeholders_installed():
        return
    if any(name.split(".", 1)[0] in PLACEHOLDER_ROOTS for name in sys.modules):
        raise RuntimeError("TensorFlow is already imported; prepare() must run before Rasa is imported")
    blocked = {root: None for root in PLACEHOLDER_ROOTS}
    sys.modules.update(blocked)  # `import tensorflow` raises ImportError while thinc looks
    try:
        import thinc.compat  # noqa: F401  (spaCy's backend: has_tensorflow = False)
    finally:
        for root in PLACEHOLDER_ROOTS:
            sys.modules.pop(root, None)
    sys.meta_path.insert(0, _PlaceholderFinder())


def model_argument(argv: Sequence[str]) -> Path:
    """The model a `rasa run`/`rasa shell` command line will load: --model/-m, default `models`."""
    for index, arg in enumerate(argv):
        if arg in ("--model", "-m") and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--model="):
            return Path(arg.split("=", 1)[1])
    return Path("models")


def model_components(model: Path) -> set[str] | None:
    """The classes of the model's prediction graph (from its metadata.json); None when it cannot be read.

    A folder means its newest .tar.gz, as Rasa picks it."""
    if model.is_dir():
        archives = sorted(model.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
        if not archives:
            return None
        model = archives[-1]
    try:
        with tarfile.open(model, "r:gz") as archive:
            member = archive.extractfile("metadata.json")
            metadata = json.load(member) if member is not None else None
    except (OSError, KeyError, tarfile.TarError, ValueError):
        return None
    try:
        return {node["uses"] for node in metadata["predict_schema"]["nodes"].values()}
    except (TypeError, KeyError, AttributeError):
        return None


def prepare(argv: Sequence[str]) -> dict[str, bool]:
    """Before importing Rasa: load skops early and leave TensorFlow out when the model allows it.

    Also installs bot.rasa_plugins.speedups (a graph runner without dask, a fast action-answer check).
    Returns what was done: {"skops_first": ..., "tensorflow_placeholders": ..., "speedups": ...}."""
    done = {"skops_first": False, "tensorflow_placeholders": False, "speedups": False}
    if not argv or argv[0] not in ("run", "shell") or argv[:2] == ["run", "actions"]:
        return done
    components = model_components(model_argument(argv))
    if components is None:
        return done
    wants_tensorflow = os.environ.get(TENSORFLOW_ENV, "").strip() == "1"
    if not wants_tensorflow and components <= TF_FREE_COMPONENTS:
        install_tensorflow_placeholders()
        done["tensorflow_placeholders"] = True
    if SKOPS_COMPONENT in components:
        import skops.io  # noqa: F401  (imported early for speed; see the module docstring)
        done["skops_first"] = True
    from bot.rasa_plugins import speedups

    # No component in TF_FREE_COMPONENTS reads the featurizers' sequence (per-token) features.
    speedups.install(sequence_features_unused=components <= TF_FREE_COMPONENTS)
    done["speedups"] = True
    return done


def rasa_main(argv: Sequence[str], before: Callable[[], None] | None = None) -> None:
    """Run the rasa command line with `argv` (without the program name) after `prepare`, and after
    `before()` (a patch that imports Rasa, e.g. bot.shell's) when given."""
    prepare(argv)
    if before is not None:
        before()
    from rasa.__main__ import main

    sys.argv = ["rasa", *argv]
    main()


if __name__ == "__main__":
    rasa_main(sys.argv[1:])
