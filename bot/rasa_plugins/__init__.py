"""Plug-ins that the Rasa server loads by class path from endpoints.yml: careerbot's tracker store and
lock store (see stores.py and docs/operations.md). Nothing here is imported by the action server."""
