"""The trained name tagger: the shipped model, on news of the project's own (tests/fixtures), not CoNLL text."""

from __future__ import annotations

import gzip
from importlib.resources import files
from pathlib import Path

from reader.names import article_names
from reader.names.tagger import MODEL, Tagger, sequence, spans, tagger

FIXTURE = Path(__file__).parent.parent / "fixtures" / "news_paragraphs.txt"


def _kinds(body: str) -> dict[str, str]:
    return {n.name: n.kind for n in article_names(body)}


def test_the_shipped_model_loads_and_is_small() -> None:
    data = files("reader.names").joinpath(MODEL).read_bytes()
    assert len(data) < 3_000_000
    model = Tagger(gzip.decompress(data))
    text = "Bill Gates said Microsoft would open an office in Dublin."
    words = sequence(text)
    found = {(words[a].start, words[b - 1].end, label) for a, b, label in spans(model.tag(text, words))}
    dublin = text.index("Dublin")
    assert found == {(0, 10, "PER"), (16, 25, "ORG"), (dublin, dublin + 6, "LOC")}


def test_the_shipped_model_reads_the_projects_own_news() -> None:
    """Ten paragraphs of tech, sport and politics written for this test: the names a reader looks for."""
    expected = {
        "Nokia": "organization", "India": "place", "Microsoft": "organization", "Bill Gates": "person",
        "Seattle": "place", "Liverpool": "organization", "Chelsea": "organization", "Frank Lampard": "person",
        "Stamford Bridge": "place", "Labour": "organization", "Conservatives": "organization",
        "Liberal Democrats": "organization", "Arsenal": "organization", "Arsene Wenger": "person",
        "Newcastle": "organization", "Eric Schmidt": "person", "London": "place", "European Commission":
        "organization", "European Court of Justice": "organization", "Luxembourg": "place", "Toyota":
        "organization", "United States": "place",
    }
    found: dict[str, str] = {}
    for paragraph in FIXTURE.read_text(encoding="utf-8").split("\n\n"):
        found.update(_kinds(paragraph))
    right = [name for name, kind in expected.items() if found.get(name) == kind]
    assert len(right) >= len(expected) - 1, sorted(set(expected) - set(right))


def test_a_company_named_only_by_its_name() -> None:
    assert _kinds("Nokia said on Tuesday that sales of its handsets rose by a fifth.") == {"Nokia": "organization"}


def test_a_club_that_is_also_a_city_is_the_club_in_a_match_report_and_the_city_elsewhere() -> None:
    assert _kinds("Chelsea beat Liverpool 2-1 at Stamford Bridge on Saturday.")["Liverpool"] == "organization"
    assert _kinds("Thousands of fans celebrated in Liverpool until dawn.") == {"Liverpool": "place"}


def test_one_entity_written_two_ways_is_one_row_in_the_article() -> None:
    names = article_names("Toyota recalled cars in the U.S. on Monday. The United States transport secretary spoke.")
    places = [n for n in names if n.kind == "place"]
    assert [(n.name, n.aliases, n.mentions) for n in places] == [("United States", ["U.S.", "United States"], 2)]


def test_a_title_joins_the_surname_to_the_full_name() -> None:
    names = article_names("Charles Kennedy spoke in Bath on Monday. Mr Kennedy said the party would win.")
    people = [n for n in names if n.kind == "person"]
    assert [(n.name, n.mentions) for n in people] == [("Charles Kennedy", 2)]


def test_a_unit_written_onto_a_number_is_no_name() -> None:
    assert "GB" not in _kinds("The player has a 40GB hard drive.")


def test_a_product_or_format_is_not_a_name() -> None:
    assert _kinds("Sales of DVD players rose, and he bought a new PC.") == {}
    assert _kinds("Attackers could take control of a PC through a web page.") == {}
    assert _kinds("The bonds are rated AAA by one agency and AA by another, ABC News said.") == {
        "ABC News": "organization",
    }
    assert _kinds("Songs in the MP3 format sold well, and the G7 met in Paris.") == {
        "G7": "organization", "Paris": "place",
    }


def test_the_tagger_is_loaded_once() -> None:
    assert tagger() is tagger()


def test_a_name_takes_the_kind_most_of_its_articles_give_it(tmp_path: Path) -> None:
    from tests.core.test_names import _collection

    rows = _collection(
        tmp_path,
        "GATT said its negotiators in Geneva met on Monday.",
        "The United States asked GATT to rule on the dispute.",
        "China applied to join GATT in July.",
        "Japan answered a recent GATT questionnaire on trade.",  # read alone, GATT here is a place
    )
    assert rows["GATT"] == ("organization", 4)


def test_the_sidebar_of_tech_and_sport_news(tmp_path: Path) -> None:
    """Twelve short articles of tech and sport news written for this test (tests/fixtures), read as a
    collection: clubs that are also cities, parties and companies are organisations; formats are not names."""
    from tests.core.test_names import _collection

    text = (Path(__file__).parent.parent / "fixtures" / "tech_sport_news.txt").read_text(encoding="utf-8")
    rows = _collection(tmp_path, *[p for p in text.split("\n\n") if p.strip()])
    organisations = {name for name, (kind, _) in rows.items() if kind == "organization"}
    assert organisations >= {
        "Liverpool", "Barcelona", "Newcastle", "Chelsea", "Arsenal", "Everton", "Manchester United", "Labour",
        "Liberal Democrats", "Microsoft", "Apple", "Intel", "Samsung", "Motorola", "Yahoo", "Sony", "Nokia",
    }
    assert not {"DVD", "MP3", "PC", "GB", "iPods", "iTunes", "Windows"} & set(rows)
    assert rows["Helsinki"][0] == rows["Mountain View"][0] == "place"
    assert {"Steve Jobs", "Frank Lampard", "Charles Kennedy", "Roger Federer"} <= {
        name for name, (kind, _) in rows.items() if kind == "person"
    }
