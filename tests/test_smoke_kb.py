"""Smoke test of the shared fixture: the shipped knowledge base loads and resolves aliases."""
from knowledge import queries as q


def test_director_alias_resolves(kb):
    director = q.role(kb, "Director of Engineering")
    assert director is not None and director.name == "engineering director"
    assert len(director.responsibilities) == 5
