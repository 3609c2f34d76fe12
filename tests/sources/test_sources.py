"""Reading articles: the seed format, every date form, headlines, JSON Lines, and bad files."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from reader.articles import Article, Problem
from reader.query import ListQuery
from reader.sources.files import load, parse_seed_text, seeds_dir, stream
from reader.text import displayable, first_sentence, headline, paragraphs
from tests.conftest import make_library, write


def test_the_five_seeds_load_with_their_dates_and_no_problems() -> None:
    collection = load([seeds_dir()])
    assert collection.problems == []
    dates = sorted(a.iso_date for a in collection.articles)
    assert dates == ["2022-04-04", "2022-08-24", "2022-09-04", "2022-09-08", "2022-09-09"]
    first = next(a for a in collection.articles if a.iso_date == "2022-09-04")
    assert first.body.startswith("Defence Minister Rajnath Singh will embark")
    assert not first.body.startswith("date")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2022-09-04", datetime(2022, 9, 4)),
        ("2022-09-04T10:30", datetime(2022, 9, 4, 10, 30)),
        ("4 September 2022", datetime(2022, 9, 4)),
        ("Sep 4, 2022", datetime(2022, 9, 4)),
        ("Sunday, 4 September 2022", datetime(2022, 9, 4)),
    ],
)
def test_every_date_form_is_read_and_the_body_starts_after_it(header: str, expected: datetime) -> None:
    article = parse_seed_text(f"  date {header} The talks began in Tokyo.\n\nSecond paragraph.", "x.txt")
    assert isinstance(article, Article)
    assert article.published == expected
    assert article.body.startswith("The talks began in Tokyo.")
    assert article.note is None


def test_body_text_that_starts_with_numbers_is_not_eaten_by_the_date() -> None:
    article = parse_seed_text("date 2022-09-04 2+2 talks open in Tokyo.", "x.txt")
    assert isinstance(article, Article)
    assert article.body == "2+2 talks open in Tokyo."


def test_headline_is_the_first_sentence_not_split_at_titles_or_initials() -> None:
    body = "Dr S. Jaishankar met U. Khurelsukh and Mr. Hayashi in the U.S. capital on Monday. Then he left."
    assert first_sentence(body) == "Dr S. Jaishankar met U. Khurelsukh and Mr. Hayashi in the U.S. capital on Monday."
    assert headline("A given title", body) == "A given title"
    assert headline(None, "One line with no full stop") == "One line with no full stop"


def test_very_long_first_sentences_are_shortened_at_a_word() -> None:
    text = headline(None, "word " * 100)
    assert len(text) <= 160 and text.endswith("…")


def test_paragraphs_and_subheadings() -> None:
    body = "First paragraph here.\n\nExpected Agenda\n\nWhich are the other countries?\n\nLast one."
    found = [(body[p.start : p.end], p.heading) for p in paragraphs(body)]
    assert found == [
        ("First paragraph here.", False),
        ("Expected Agenda", True),
        ("Which are the other countries?", False),
        ("Last one.", False),
    ]


def test_no_date_header_loads_undated_with_the_problem_noted(tmp_path: Path) -> None:
    write(tmp_path / "plain.txt", "Just some text about Tokyo.")
    collection = load([tmp_path])
    [article] = collection.articles
    assert article.published is None
    assert [p.reason for p in collection.problems] == ["no 'date' header; loaded as undated"]


def test_unreadable_date_loads_undated_and_sorts_last(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "date 2022-01-01 Dated article.")
    write(tmp_path / "b.txt", "date someday Undated article.")
    library = make_library([tmp_path])
    assert "someday" in library.problems[0].reason and library.problems[0].path.endswith("b.txt")
    for newest_first in (True, False):
        shown = library.view(ListQuery(newest_first=newest_first))
        assert shown[-1].published is None


def test_broken_files_are_reported_and_every_other_article_still_loads(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", "date 2022-09-04 A good article.")
    write(tmp_path / "empty.txt", "   \n")
    write(tmp_path / "binary.txt", b"\x00\x01\x02garbage")
    write(tmp_path / "latin1.txt", "date 2022-09-05 Caf\xe9 talks.".encode("latin-1"))
    write(tmp_path / "header-only.txt", "date 2022-09-06")
    write(tmp_path / ".hidden.txt", "date 2022-09-07 Hidden.")
    write(tmp_path / "notes.md", "not an article")
    collection = load([tmp_path, tmp_path / "missing.txt"])
    bodies = sorted(a.body for a in collection.articles)
    assert bodies == ["A good article.", "Café talks."]  # not UTF-8: read as Windows-1252
    reasons = {Path(p.path).name: p.reason for p in collection.problems}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "read as Windows-1252" in reasons["latin1.txt"]
    assert "no article text" in reasons["header-only.txt"]
    assert reasons["missing.txt"] == "no such file or folder"
    assert ".hidden.txt" not in reasons and "notes.md" not in reasons


def test_folders_are_searched_recursively(tmp_path: Path) -> None:
    write(tmp_path / "a" / "b" / "deep.txt", "date 2022-09-04 Deep article.")
    assert [a.body for a in load([tmp_path]).articles] == ["Deep article."]


def test_json_lines_archives_plain_and_gzipped_with_bad_lines_reported(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "  First body.  ", "date": "2022-09-04", "title": "First", "id": "a1"}),
        "{not json",
        json.dumps({"title": "no text"}),
        "",
        json.dumps({"text": "Second body. More.", "date": 1662249600}),
        json.dumps(["not", "an", "object"]),
    ]
    write(tmp_path / "archive.jsonl", "\n".join(lines) + "\n")
    with gzip.open(tmp_path / "more.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "Gzipped body.", "date": "Sep 5, 2022"}) + "\n")
    collection = load([tmp_path])
    by_body = {a.body: a for a in collection.articles}
    assert set(by_body) == {"First body.", "Second body. More.", "Gzipped body."}
    first = by_body["First body."]
    assert (first.id, first.title, first.iso_date, first.line) == ("a1", "First", "2022-09-04", 1)
    assert by_body["Second body. More."].title == "Second body."
    assert by_body["Second body. More."].iso_date == "2022-09-04"
    assert by_body["Gzipped body."].iso_date == "2022-09-05"
    problems = {p.path.rsplit(":", 1)[1]: p.reason for p in collection.problems}
    assert problems["2"].startswith("not valid JSON")
    assert problems["3"].startswith("no article text")
    assert problems["6"] == "not a JSON object"


def test_a_damaged_gzip_archive_keeps_what_was_read(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(json.dumps({"text": f"Body {i}."}).encode() + b"\n" for i in range(50)))
    write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    collection = load([tmp_path])
    assert collection.problems and "damaged" in collection.problems[-1].reason
    assert all(a.body.startswith("Body") for a in collection.articles)


def test_ids_survive_renames_and_moves(tmp_path: Path) -> None:
    original = shutil.copy(seeds_dir() / "000_8b3f4ba21f3eea16.txt", tmp_path / "one.txt")
    before = load([original]).articles[0].id
    moved = tmp_path / "elsewhere" / "renamed.txt"
    moved.parent.mkdir()
    Path(original).rename(moved)
    assert load([moved]).articles[0].id == before


def test_the_same_article_twice_loads_once(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "date 2022-09-04 Same text.")
    write(tmp_path / "b.txt", "date 2022-09-04 Same text.")
    collection = load([tmp_path])
    assert len(collection.articles) == 1
    reason = f"same article as {tmp_path / 'a.txt'}; loaded once"
    assert collection.problems == [Problem(str(tmp_path / "b.txt"), reason)]


def test_control_characters_become_visible_without_moving_offsets() -> None:
    text = "a\x1b[31mb\x07c\td\ne\x9b"
    shown = displayable(text)
    assert shown == "a␛[31mb␇c\td\ne\ufffd"
    assert len(shown) == len(text)


def test_a_big_archive_streams_in_growing_batches_that_add_up_to_the_whole(tmp_path: Path) -> None:
    records = [
        json.dumps({"id": f"n{i}", "date": f"2020-01-{i % 28 + 1:02d}", "text": f"Story {i}."}) for i in range(70)
    ]
    records[33] = "{broken"
    archive = write(tmp_path / "archive.jsonl", "\n".join(records) + "\n")
    batches = list(stream([archive], first=10))
    assert [len(b.articles) for b in batches] == [10, 20, 39]  # 10, then 20, then what is left
    assert [a.id for b in batches for a in b.articles] == [a.id for a in load([archive]).articles]
    assert [p.path for b in batches for p in b.problems] == [f"{archive}:34"]


def test_archives_own_field_names_are_read_and_a_repeated_problem_is_said_once(tmp_path: Path) -> None:
    records = [
        {"newid": 1, "date": "1987-02-26T15:01:01", "title": "BAHIA COCOA REVIEW", "body": "Showers continued."},
        {"headline": "Rates rise", "content": "The bank raised rates.", "published": "2024-05-01"},
        {"description": "A short description.", "time": 1714521600},
        {"summary": "Only a summary."},
    ]
    with gzip.open(tmp_path / "wire.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in records)
    write(tmp_path / "bare.jsonl", "".join(json.dumps({"topics": ["earn"], "n": i}) + "\n" for i in range(300)))
    collection = load([tmp_path])
    by_body = {a.body: a for a in collection.articles}
    assert set(by_body) == {"Showers continued.", "The bank raised rates.", "A short description.", "Only a summary."}
    assert (by_body["Showers continued."].title, by_body["Showers continued."].iso_date) == ("BAHIA COCOA REVIEW",
                                                                                             "1987-02-26")
    assert (by_body["The bank raised rates."].title, by_body["The bank raised rates."].iso_date) == ("Rates rise",
                                                                                                     "2024-05-01")
    assert by_body["A short description."].iso_date == "2024-05-01"
    bare = [p for p in collection.problems if p.path.startswith(str(tmp_path / "bare.jsonl"))]
    assert len(bare) == 1
    assert bare[0].reason.startswith("300 records: no article text") and "line 1" in bare[0].reason


def test_an_untitled_wire_record_is_headed_by_its_capitals_line_not_its_first_paragraph() -> None:
    body = ("BERKEY INC <BKY> 4TH QTR NET\nGREENWICH, Conn., March 2 -\n    Oper shr profit 12 cts vs loss 1.06 dlrs\n"
            "    Oper net profit 1,017,000 vs loss 6,086,000")
    assert headline(None, body) == "BERKEY INC <BKY> 4TH QTR NET"
    wrapped = "Showers continued throughout the week in\nthe Bahia cocoa zone. The dry period means more."
    assert headline(None, wrapped) == "Showers continued throughout the week in the Bahia cocoa zone."
    assert headline(None, "FED SETS RATES. The Fed said so.") == "FED SETS RATES."


def test_an_archive_record_keeps_its_web_link_and_says_who_published_it(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": "Named.", "url": "https://www.bbc.co.uk/news/1", "source": {"name": "BBC News"}},
        {"id": "b", "text": "By its host.", "link": "https://www.nydailynews.com/news/2"},
        {"id": "c", "text": "A script.", "url": "javascript:alert(1)", "publisher": "  Daily\nPlanet "},
        {"id": "d", "text": "Nothing said."},
    ]
    write(tmp_path / "many.jsonl", "\n".join(json.dumps(record) for record in records) + "\n")
    articles = {a.id: a for a in load([tmp_path]).articles}
    assert (articles["a"].link, articles["a"].outlet) == ("https://www.bbc.co.uk/news/1", "BBC News")
    assert (articles["b"].link, articles["b"].outlet) == ("https://www.nydailynews.com/news/2", "nydailynews.com")
    assert (articles["c"].link, articles["c"].outlet) == (None, "Daily Planet")  # only web links are kept
    archive = str(tmp_path / "many.jsonl")
    assert (articles["d"].link, articles["d"].outlet, articles["d"].source) == (None, None, archive)
    assert articles["a"].source == "BBC News" != articles["b"].source
