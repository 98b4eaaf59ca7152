"""One function finds a person: by email (any case), identity or display name, with one hint
when nobody or more than one person matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpacket.errors import NotFoundError
from perfpacket.evidence.people import add_person, find_person, person_by_email
from perfpacket.store import open_store


def test_a_person_is_found_by_email_identity_or_name_in_any_case(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with store.session() as s:
            ana = add_person(s, "Ana@Example.com", "Ana Okafor")
            add_person(s, "ana.o@example.org", "Ana Okafor")
            bob = add_person(s, "bob@example.com", "Bob Li")
            assert person_by_email(s, " ANA@example.COM ") is ana
            assert person_by_email(s, "nobody@example.com") is None
            assert find_person(s, "ANA@EXAMPLE.COM") is ana
            assert find_person(s, "bob li") is bob
            with pytest.raises(NotFoundError) as many:
                find_person(s, "Ana Okafor")
            assert many.value.message == "more than one person is 'Ana Okafor'"
            assert many.value.hint == "name them by email: ana.o@example.org, ana@example.com"
            with pytest.raises(NotFoundError) as none:
                find_person(s, "carol")
            assert none.value.message == "no person 'carol'"
            assert none.value.hint == (
                "known people: ana.o@example.org, ana@example.com, bob@example.com"
            )
    finally:
        store.close()
