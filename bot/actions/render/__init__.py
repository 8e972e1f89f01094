"""Pure rendering, one module per topic (named after its action module) and shared text helpers in
`text.py`: knowledge-base objects in, chat text out. Nothing here queries the database or knows about Rasa."""
