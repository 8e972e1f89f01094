"""Insights for bot authors: what users asked, what failed, and turning it into training data.

Reads the conversations careerbot's SQL tracker store keeps (Rasa's `events` table) with SQLAlchemy alone, no
Rasa import, and writes a self-contained HTML report (`python -m bot.insights`, `make insights`), exports the
unanswered messages as Rasa NLU YAML and FAQ stubs (`python -m bot.insights export --unanswered`) and deletes
old conversations (`--retention 90d`). docs/insights.md describes every figure, the privacy rules and the
retention.

- `store`: reading the events table in batches, and retention.
- `outcomes`: the one mapping from recorded action and response names to an answer outcome.
- `privacy`: pseudonymous conversation ids and masked emails and phone numbers.
- `grouping`: grouping similar messages.
- `aggregate`: the figures of the report, computed in one pass over the events.
- `report`: the HTML page and its charts.
- `export`: the unanswered messages as NLU training data and FAQ stubs.
"""
