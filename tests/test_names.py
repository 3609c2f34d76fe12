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


def _found(body: str) -> dict[str, tuple[str, list[str]]]:
    return {n.name: (n.kind, n.aliases) for n in article_names(body)}


def test_a_misspelling_one_edit_from_one_name_merges_with_it(seeds_library: Library) -> None:
    assert "Jaishnakar" in _entities(seeds_library)["S Jaishankar"][1]
    names = _found("Foreign Minister Subrahmanyam Jaishankar spoke. Later Jaishnakar added a word.")
    assert names["Subrahmanyam Jaishankar"][1] == ["Subrahmanyam Jaishankar", "Jaishnakar"]


def test_a_misspelling_that_could_mean_two_people_stays_apart() -> None:
    names = _found("Ravi Jaishankar met Anil Jaishankor. Jaishankir spoke first.")
    assert names["Ravi Jaishankar"][1] == ["Ravi Jaishankar"]
    assert names["Anil Jaishankor"][1] == ["Anil Jaishankor"]
    assert not any("Jaishankir" in aliases for _, aliases in names.values())


def test_sentence_openers_and_headings_are_not_names() -> None:
    body = (
        "Expected Agenda\n\nRecognizing the need, ministers met. Upon arrival, Taking stock was hard.\n\n"
        "Also Read: the rest\n\nOuter Space and Cyber Security were discussed with the Minister and the PM."
    )
    assert _found(body) == {}


def test_names_with_particles() -> None:
    names = _found(
        "Crown Prince Mohammed bin Salman met Ursula von der Leyen in Riyadh. "
        "Mark van Bommel and Charles de Gaulle's heirs were not there."
    )
    assert names["Mohammed bin Salman"][0] == "person"
    assert names["Ursula von der Leyen"][0] == "person"
    assert names["Mark van Bommel"][0] == "person"
    assert names["Charles de Gaulle"][0] == "person"
    assert names["Riyadh"][0] == "place"


def test_initials_and_hyphenated_names() -> None:
    names = _found("J. R. R. Tolkien, George W. Bush, Kim Jong-un and Jean-Pierre Raffarin were named.")
    assert set(names) == {"J. R. R. Tolkien", "George W. Bush", "Kim Jong-un", "Jean-Pierre Raffarin"}
    assert {kind for kind, _ in names.values()} == {"person"}


def test_possessives_merge_with_the_name() -> None:
    names = _found("Narendra Modi's plan was welcomed. Modi’s aides agreed, and Modi said so.")
    assert names == {"Narendra Modi": ("person", ["Narendra Modi", "Modi"])}


def test_names_next_to_quotation_marks() -> None:
    names = _found("“Rajnath Singh,” said the aide. ‘Fumio Kishida’s plan’ was read by Conan O’Brien.")
    assert set(names) == {"Rajnath Singh", "Fumio Kishida", "Conan O’Brien"}
    assert _found("Troops took part in ‘Dharma Guardian’ near Tokyo.") == {"Tokyo": ("place", ["Tokyo"])}


def test_an_all_capitals_headline_gives_places_not_people() -> None:
    names = _found("JAPAN AND INDIA SIGN DEFENCE PACT IN NEW YORK\nPrime Minister Fumio Kishida welcomed it.")
    assert names["New York"] == ("place", ["NEW YORK"])
    assert names["Japan"][0] == names["India"][0] == "place"
    assert names["Fumio Kishida"][0] == "person"
    assert set(names) == {"New York", "Japan", "India", "Fumio Kishida"}


def test_sides_in_a_results_table_are_teams_throughout_the_article() -> None:
    body = "Leeds beat Chelsea on Saturday.\nResults:\nLeeds 2 Chelsea 1\nArsenal 0 Everton 0\n"
    names = _found(body)
    assert names["Leeds"] == ("organization", ["Leeds"])
    assert names["Chelsea"][0] == names["Arsenal"][0] == names["Everton"][0] == "organization"
    assert len(article_names(body)[0].spans) == 2  # Leeds in the prose is the same team
    dateline = _found("LONDON 1996-08-30\nPrices rose in London on Friday.")
    assert dateline["London"][0] == "place"


def test_wire_services_and_based_companies_are_organisations() -> None:
    names = _found("The Ontario-based Magna said on Monday, Reuters reported, citing Interfax.")
    assert names["Magna"][0] == names["Reuters"][0] == names["Interfax"][0] == "organization"
