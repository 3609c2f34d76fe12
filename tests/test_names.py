"""The first name finder on the seed articles and on small cases of its own."""

from __future__ import annotations

from reader.library import Library
from reader.names import article_names


def _entities(library: Library) -> dict[str, tuple[str, set[str]]]:
    index = library.analyse()
    assert index is not None
    return {e.name: (e.kind, e.aliases) for e in index.entities}


def test_seed_people_are_people_with_their_aliases_merged(seeds_library: Library) -> None:
    entities = _entities(seeds_library)
    assert entities["Rajnath Singh"] == ("person", {"Rajnath Singh", "Singh"})
    kind, aliases = entities["Yoshimasa Hayashi"]
    assert kind == "person" and {"Hayashi Yoshimasa", "Yoshimasa Hayashi"} <= aliases
    assert entities["Yasukazu Hamada"][1] >= {"Hamada Yasukazu", "Yasukazu Hamada"}
    assert entities["S Jaishankar"][1] >= {"S Jaishankar", "S. Jaishankar", "Jaishankar"}
    assert entities["Narendra Modi"][1] >= {"Narendra Modi", "Modi", "@narendramodi"}
    assert entities["Ministry of External Affairs"][1] >= {"MEA"}
    assert entities["Ministry of Defence"][1] >= {"MoD"}


def test_seed_places_and_organisations(seeds_library: Library) -> None:
    entities = _entities(seeds_library)
    for place in ("India", "Japan", "Tokyo", "Mongolia", "New Delhi", "Ukraine"):
        assert entities[place][0] == "place", place
    assert entities["QUAD"][0] == "organization"


def test_sentence_starts_headings_and_bare_titles_are_not_names(seeds_library: Library) -> None:
    every_alias = {alias for _, aliases in _entities(seeds_library).values() for alias in aliases}
    for word in ("Taking", "Expected Agenda", "Agenda", "Also Read", "Read", "Minister", "Prime Minister",
                 "PM", "Dr", "Stage", "Looking", "During", "Japanese", "Indian"):
        assert word not in every_alias, word


def test_spans_point_at_the_mentions_in_the_body() -> None:
    body = "Defence Minister Rajnath Singh flew to Tokyo. Singh met officials of the Ministry of Defence."
    names = {n.name: n for n in article_names(body)}
    singh = names["Rajnath Singh"]
    assert [body[s:e] for s, e in singh.spans] == ["Rajnath Singh", "Singh"]
    assert [body[s:e] for s, e in names["Tokyo"].spans] == ["Tokyo"]
    assert names["Ministry of Defence"].kind == "organization"


def test_a_short_form_shared_by_two_people_is_not_merged() -> None:
    body = "Rahul Singh met Rajnath Singh in Delhi. Singh said little."
    names = {n.name: n for n in article_names(body)}
    assert names["Rahul Singh"].aliases == ["Rahul Singh"]
    assert names["Rajnath Singh"].aliases == ["Rajnath Singh"]


def test_possessives_and_curly_apostrophes() -> None:
    names = {n.name: n for n in article_names("Prime Minister Narendra Modi’s visit to Japan's capital Tokyo.")}
    assert names["Narendra Modi"].aliases == ["Narendra Modi"]
    assert names["Japan"].kind == "place"


def test_the_place_cache_gives_the_same_places_as_geonames(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from reader.names import gazetteer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    gazetteer._tables.cache_clear()
    fresh = gazetteer._tables()  # parses GeoNames and writes the cache
    assert list(tmp_path.rglob("places-*.json"))
    gazetteer._tables.cache_clear()
    assert gazetteer._tables() == fresh  # read back from the cache
    assert fresh[0]["tokyo"] == "Tokyo" and "japan" in fresh[1]
    gazetteer._tables.cache_clear()
