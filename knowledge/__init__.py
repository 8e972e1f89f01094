"""careerbot's knowledge base: SQLAlchemy models, loader, queries and CLI. Imports nothing from Rasa."""
