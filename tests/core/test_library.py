"""The list's views: search, name filter and order, as the article list shows them."""

from __future__ import annotations

from pathlib import Path

from reader.articles import Article
from reader.pipeline import analyse
from reader.query import ListQuery
from tests.conftest import make_library, write


def test_search_name_filter_and_order_combine(tmp_path: Path) -> None:
    write(tmp_path / "1.txt", "date 2022-09-01 Fumio Kishida met Narendra Modi in Tokyo on trade.")
    write(tmp_path / "2.txt", "date 2022-09-03 Narendra Modi spoke in Delhi about Trade and farming.")
    write(tmp_path / "3.txt", "date 2022-09-02 Farming prices rose in Kenya.")
    write(tmp_path / "4.txt", "Undated: trade talks with Narendra Modi resumed.")
    library = make_library([tmp_path])
    analyse(library)
    assert library.names is not None

    def titles(query: ListQuery) -> list[str]:
        return [article.body.split()[0] for article in library.view(query)]

    assert titles(ListQuery(search="TRADE")) == ["Narendra", "Fumio", "Undated:"]  # newest first, undated last
    assert titles(ListQuery(search="trade farming")) == ["Narendra"]  # every word, anywhere in the text
    assert titles(ListQuery(search="trade", newest_first=False)) == ["Fumio", "Narendra", "Undated:"]
    assert titles(ListQuery(search="zanzibar")) == []
    modi = next(e for e in library.names.entities if e.name == "Narendra Modi")
    assert titles(ListQuery(name=modi.id)) == ["Narendra", "Fumio", "Undated:"]
    assert titles(ListQuery(name=modi.id, search="delhi")) == ["Narendra"]
    # Once every name's articles are placed by position (as the app does after finding names), every
    # name filter shows the same articles in the same order, each once.
    looked_up = {e.id: library.view(ListQuery(name=e.id)) for e in library.names.entities}
    library.prepare_name_filters()
    assert {e.id: library.view(ListQuery(name=e.id)) for e in library.names.entities} == looked_up
    assert titles(ListQuery(name=modi.id, newest_first=False)) == ["Fumio", "Narendra", "Undated:"]
    library.mark([library.view(ListQuery(name=modi.id))[0]], True)
    assert titles(ListQuery(name=modi.id, unread_only=True)) == ["Fumio", "Undated:"]
    assert library.unread_count() == 3


def test_search_finds_word_starts_in_any_case_and_never_across_a_space() -> None:
    from reader.analysis.words import WordIndex

    def article(text: str) -> Article:
        return Article(text[:8], "x.txt", None, text.split(".")[0], text)

    articles = [
        article("Free-trade talks. Traders waited in the Hauptstraße."),
        article("TRADE deficit widens. Apple's results."),
        article("Pineapple prices. The trade ministry met."),
        article("Steel and wine. A tra de split."),
    ]
    index = WordIndex(articles)
    assert index.matching(["trade"]) == {0, 1, 2}  # "Free-trade", "Traders", "TRADE", "trade"
    assert index.matching(["apple"]) == {1}  # "Apple's"; not "Pineapple", where it starts no word
    assert index.matching(["trade", "apple"]) == {1}
    assert index.matching(["hauptstrasse"]) == {0}  # case-folded: ß is ss
    assert index.matching(["strasse"]) == set() and index.matching(["rade"]) == set()
    assert index.matching(["tra de"]) == set() and index.matching(["steel", "zinc"]) == set()
    index.extend([article("A later trade report.")])
    assert index.matching(["trade"]) == {0, 1, 2, 4}


def test_name_filters_placed_by_position_show_what_looking_up_shows() -> None:
    library = make_library()
    analyse(library)
    assert library.names is not None
    looked_up = {e.id: library.view(ListQuery(name=e.id)) for e in library.names.entities}
    library.prepare_name_filters()
    placed = {e.id: library.view(ListQuery(name=e.id)) for e in library.names.entities}
    assert placed == looked_up and all(len(set(map(id, found))) == len(found) for found in placed.values())
    assert max(map(len, placed.values())) == 5  # the most named person is in every seed
