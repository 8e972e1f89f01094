"""An intent classifier that cannot crash on a message without features (config.yml names it).

Rasa 3.6's LogisticRegressionClassifier builds its input from each message's sentence features. An empty or
blank message has no tokens, so the featurizers give it no features, the classifier builds a row of 0
columns and scikit-learn raises ("X has 0 features, but LogisticRegression is expecting N"): a traceback and
no reply, on every channel that lets such a message through. Here such a message gets a row of zeros of the
trained width instead, so it is classified like any other message (with the low confidence of an empty row,
which the FallbackClassifier after it turns into nlu_fallback).
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, vstack


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlankSafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Rasa's LogisticRegressionClassifier, where a message without features is a row of zeros."""

    def _create_X(self, messages: list[Message]) -> csr_matrix:
        """The classifier's input rows; a message without sentence features gets zeros of the trained width."""
        width = getattr(self.clf, "n_features_in_", None)
        if width is None:  # not trained yet (training builds its matrix from non-empty examples only)
            return super()._create_X(messages)
        rows = []
        for message in messages:
            row = super()._create_X([message])
            rows.append(row if row.shape[1] == width else csr_matrix((1, width)))
        return vstack(rows, format="csr")
