"""`reader export --json`, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.storage.read_marks import ReadState
from tests.conftest import write


def _export(*arguments: str, db: Path) -> tuple[dict, str]:  # type: ignore[type-arg]
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", "--json", "--db", str(db), *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return json.loads(result.stdout), result.stderr


def test_export_of_the_seeds_follows_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "reader.db"
    document, stderr = _export("--body", db=db)
    assert set(document) == {"articles", "names", "threads", "problems"}
    assert stderr == "" and document["problems"] == []
    articles = document["articles"]
    assert [a["day"] for a in articles] == ["2022-09-09", "2022-09-08", "2022-09-04", "2022-08-24", "2022-04-04"]
    assert articles[0]["date"] == "2022-09-09T00:00:00+00:00"  # ISO 8601 with its offset
    for article in articles:
        fields = {"id", "path", "date", "day", "title", "feed", "link", "outlet", "read", "starred", "names", "related",
                  "thread"}
        fields.add("body")
        assert set(article) == fields
        assert article["feed"] is None and article["link"] is None and article["outlet"] is None
        april = article["day"] == "2022-04-04"  # talks months before the visit: a story of their own
        visit = document["threads"][0]["id"]
        if article["day"] == "2022-09-09":  # the day after the talks: in the visit's thread, or left to related
            assert article["thread"] in (None, visit)
        else:
            assert article["thread"] == (None if april else visit)
        assert article["read"] is False
        assert article["related"], "every seed article has related articles"
        for related in article["related"]:
            assert set(related) == {"id", "score", "shared"} and related["id"] != article["id"]
            assert 0 < related["score"] <= 1 and related["shared"]
        assert article["path"].endswith(".txt") and article["title"]
        for name in article["names"]:
            assert set(name) == {"name", "kind", "aliases", "mentions", "spans"}
            assert name["kind"] in {"person", "place", "organization"}
            assert name["mentions"] == len(name["spans"])
            for start, end in name["spans"]:
                assert article["body"][start:end] in name["aliases"]
    ids = {a["id"] for a in articles}
    for entity in document["names"]:
        assert set(entity) == {"name", "kind", "aliases", "articles"}
        assert set(entity["articles"]) <= ids
    # The seeds of the visit are one story, listed oldest first (the day after the talks when the check is sure).
    [thread] = document["threads"]
    assert set(thread) == {"id", "title", "articles"} and thread["title"]
    by_id = {a["id"]: a["day"] for a in articles}
    days = [by_id[i] for i in thread["articles"]]
    assert days[:3] == ["2022-08-24", "2022-09-04", "2022-09-08"] and days[3:] in ([], ["2022-09-09"])
    # The analysis is kept for the next run (the index is a cache); no read mark is written.
    assert ReadState.open(db).read_ids == frozenset()


def test_export_shows_read_marks_and_reports_problems_on_stderr(tmp_path: Path) -> None:
    write(tmp_path / "news" / "good.txt", "date 2022-09-04 Rajnath Singh visited Tokyo.")
    write(tmp_path / "news" / "bad.jsonl", "{broken\n")
    db = tmp_path / "reader.db"
    first, _ = _export(str(tmp_path / "news"), db=db)
    [article] = first["articles"]
    state = ReadState.open(db)
    state.mark([article["id"]], True)
    state.close()
    second, stderr = _export(str(tmp_path / "news"), db=db)
    assert second["articles"][0]["read"] is True
    assert "body" not in second["articles"][0]
    assert "bad.jsonl:1: not valid JSON" in stderr
    assert second["problems"][0]["path"].endswith("bad.jsonl:1")


# In-process, as scripts call it: what is printed, what is stored, and the exit status.

STORIES = {
    "quake1.txt": "date 2024-01-02 A magnitude 6.1 earthquake struck Hokkaido in Japan, collapsing houses in "
    "Sapporo. Rescue teams searched the rubble as aftershocks shook the island.",
    "quake2.txt": "date 2024-01-03 Rescue teams in Sapporo pulled survivors from collapsed houses after the "
    "Hokkaido earthquake. Aftershocks shook the island again.",
    "cars1.txt": "date 2024-02-10 Toyota Motor said profit rose on hybrid car sales, and the carmaker raised its "
    "forecast as the yen weakened. Akio Toyoda welcomed the results. Toyoda said demand was strong.",
    "cars2.txt": "date 2024-02-12 Shares of Toyota Motor climbed after the carmaker raised its profit forecast on "
    "hybrid car sales and a weak yen.",
    "undated.txt": "An undated note about the weather in Lisbon.",
}


def _news(tmp_path: Path) -> Path:
    for name, text in STORIES.items():
        write(tmp_path / "news" / name, text)
    return tmp_path / "news"


def _run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    from reader.cli.main import main

    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _articles(capsys: pytest.CaptureFixture[str], news: Path, db: Path, *filters: str) -> list[str]:
    """The files of the articles an export with these filters gives, in its order."""
    status, out, err = _run(capsys, "export", "--db", str(db), *filters, str(news))
    assert status == 0, err
    return [Path(a["path"]).stem for a in json.loads(out)["articles"]]


def test_a_second_export_reads_the_analysis_back_and_a_changed_file_alone_is_analysed_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import reader.analysis.stories
    import reader.analysis.workers

    analysed: list[str] = []
    bulk: list[int] = []
    find_names, related_table = reader.analysis.workers.find_names, reader.analysis.stories.related_table

    def counting_names(articles, stop=None):  # type: ignore[no-untyped-def]
        analysed.extend(Path(a.path).stem for a in articles)
        return find_names(articles, stop)

    def counting_related(ids, *rest):  # type: ignore[no-untyped-def]
        bulk.append(len(ids))
        return related_table(ids, *rest)

    monkeypatch.setattr(reader.analysis.workers, "find_names", counting_names)
    monkeypatch.setattr(reader.analysis.stories, "related_table", counting_related)
    news, db = _news(tmp_path), tmp_path / "reader.db"
    status, first, _ = _run(capsys, "export", "--db", str(db), str(news))
    assert status == 0 and sorted(analysed) == sorted(Path(n).stem for n in STORIES) and bulk == [5]
    analysed.clear()
    status, second, _ = _run(capsys, "export", "--db", str(db), str(news))
    assert status == 0 and analysed == [] and bulk == [5], "nothing analysed again, related read back"
    assert json.loads(second) == json.loads(first)
    write(news / "cars2.txt", STORIES["cars2.txt"] + " Analysts expect more.")
    _run(capsys, "export", "--db", str(db), str(news))
    assert analysed == ["cars2"] and bulk == [5, 5]


def test_jsonl_gives_the_same_articles_names_threads_and_problems_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news, db = _news(tmp_path), tmp_path / "reader.db"
    write(news / "broken.jsonl", "{not json\n")
    _, whole, _ = _run(capsys, "export", "--json", "--body", "--db", str(db), str(news))
    status, lines, _ = _run(capsys, "export", "--jsonl", "--body", "--db", str(db), str(news))
    document = json.loads(whole)
    parsed = [json.loads(line) for line in lines.splitlines()]
    assert status == 0 and len(parsed) == len(document["articles"]) + 3
    assert parsed[:-3] == document["articles"]
    assert parsed[-3:] == [{"names": document["names"]}, {"threads": document["threads"]},
                           {"problems": document["problems"]}]
    assert document["problems"] and document["threads"] and document["names"]


def test_each_filter_chooses_what_the_reader_would_and_they_combine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news, db = _news(tmp_path), tmp_path / "reader.db"
    assert _articles(capsys, news, db) == ["cars2", "cars1", "quake2", "quake1", "undated"]
    assert _articles(capsys, news, db, "--since", "2024-01-03") == ["cars2", "cars1", "quake2"]
    assert _articles(capsys, news, db, "--until", "3 January 2024") == ["quake2", "quake1"]  # the whole day
    assert _articles(capsys, news, db, "--since", "Jan 3 2024", "--until", "2024-02-10") == ["cars1", "quake2"]
    assert _articles(capsys, news, db, "--name", "sapporo") == ["quake2", "quake1"]  # any case
    assert _articles(capsys, news, db, "--name", "toyoda") == ["cars1"]  # an alias of Akio Toyoda
    assert _articles(capsys, news, db, "--search", "raised hybr") == ["cars2", "cars1"]  # every word, inside words
    assert _articles(capsys, news, db, "--search", "lisbon") == ["undated"]
    assert _articles(capsys, news, db, "--limit", "2") == ["cars2", "cars1"]
    _, out, _ = _run(capsys, "export", "--db", str(db), str(news))
    document = json.loads(out)
    quake_thread = next(a["thread"] for a in document["articles"] if a["path"].endswith("quake1.txt"))
    assert quake_thread is not None
    assert _articles(capsys, news, db, "--thread", str(quake_thread)) == ["quake2", "quake1"]
    assert _articles(capsys, news, db, "--thread", str(quake_thread), "--search", "survivors") == ["quake2"]
    first = document["articles"][0]["id"]
    _run(capsys, "mark", "read", first, "--db", str(db))
    assert _articles(capsys, news, db, "--unread", "--limit", "1") == ["cars1"]
    # The names and threads sections cover the chosen articles only.
    _, out, _ = _run(capsys, "export", "--db", str(db), "--name", "Sapporo", str(news))
    chosen = json.loads(out)
    ids = {a["id"] for a in chosen["articles"]}
    assert chosen["names"] and all(set(n["articles"]) <= ids for n in chosen["names"])
    assert [t["id"] for t in chosen["threads"]] == [quake_thread]


def test_mark_sets_marks_in_one_go_and_export_shows_them(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    news, db = _news(tmp_path), tmp_path / "reader.db"
    _, out, _ = _run(capsys, "export", "--db", str(db), str(news))
    ids = [a["id"] for a in json.loads(out)["articles"]]
    assert _run(capsys, "mark", "read", ids[0], ids[1], "--db", str(db))[:2] == (0, "2 marked read\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{ids[1]}\n{ids[2]}\n"))
    assert _run(capsys, "mark", "read", "-", "--db", str(db))[:2] == (0, "1 marked read (1 already were)\n")
    _, out, _ = _run(capsys, "export", "--db", str(db), str(news))
    assert [a["read"] for a in json.loads(out)["articles"]] == [True, True, True, False, False]
    assert _run(capsys, "mark", "unread", ids[0], "--db", str(db))[:2] == (0, "1 marked unread\n")
    status, out, err = _run(capsys, "mark", "read", ids[3], "no-such-id", "--db", str(db))
    assert status == 1 and out == "" and "unknown article id: no-such-id" in err and "nothing was changed" in err
    assert ReadState.open(db).read_ids == {ids[1], ids[2]}


def test_show_prints_the_article_as_the_reading_pane_lays_it_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news, db = _news(tmp_path), tmp_path / "reader.db"
    _, out, _ = _run(capsys, "export", "--db", str(db), str(news))
    cars = next(a for a in json.loads(out)["articles"] if a["path"].endswith("cars1.txt"))
    status, shown, _ = _run(capsys, "show", cars["id"], "--db", str(db), "--width", "40")
    lines = shown.splitlines()
    assert status == 0 and lines[0].startswith("Toyota Motor said profit rose")
    assert lines[1].startswith("Saturday 10 February 2024 · ") and lines[2].endswith("cars1.txt")
    assert any(line.startswith("People: ") and "Akio Toyoda" in line for line in lines)
    body = lines[lines.index("") + 1 :]
    assert body and all(len(line) <= 40 for line in body) and " ".join(body).startswith("Toyota Motor said")
    # An article the index does not know is looked for in the paths given.
    write(tmp_path / "other" / "new.txt", "date 2024-03-01 Lisbon hosted a summit.")
    _, out, _ = _run(capsys, "export", "--db", str(tmp_path / "elsewhere.db"), str(tmp_path / "other"))
    new_id = json.loads(out)["articles"][0]["id"]
    assert _run(capsys, "show", new_id, "--db", str(db))[0] == 1
    status, shown, _ = _run(capsys, "show", new_id, "--db", str(db), str(tmp_path / "other"))
    assert status == 0 and "Places: Lisbon" in shown


@pytest.mark.parametrize(
    ("arguments", "status", "message"),
    [
        (["export", "--since", "someday"], 2, "--since: not a date with a year: 'someday'"),
        (["export", "--until", "2024-02-30"], 2, "--until: not a date"),
        (["export", "--limit", "-1"], 2, "must be 0 or more"),
        (["export", "--thread", "x"], 2, "invalid int value"),
        (["export", "--json", "--jsonl"], 2, "not allowed with argument"),
        (["export", "--name", "Nobody At All"], 1, "no name in these articles is called 'Nobody At All'"),
        (["export", "--thread", "999"], 1, "no story thread 999"),
        (["show", "0123456789abcdef"], 1, "no article with id '0123456789abcdef'"),
        (["mark", "maybe", "x"], 2, "invalid choice: 'maybe'"),
        (["mark", "read", "\x1b]0;owned\x07"], 1, "unknown article id: ␛]0;owned␇"),
    ],
)
def test_bad_arguments_get_a_message_and_an_exit_status(
    tmp_path: Path, arguments: list[str], status: int, message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", *arguments, "--db", str(tmp_path / "reader.db")],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == status and message in result.stderr and "Traceback" not in result.stderr
    assert "\x1b" not in result.stderr


def test_export_of_files_with_nothing_readable_fails_and_says_why_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "bare.jsonl", "".join(json.dumps({"n": i}) + "\n" for i in range(50)))
    status, out, err = _run(capsys, "export", str(tmp_path / "bare.jsonl"), "--db", str(tmp_path / "r.db"))
    assert status == 1
    assert out == ""
    assert err.count("no article text") == 1 and "50 records" in err
    assert "no articles could be read" in err


def test_since_takes_today_yesterday_and_a_time_ago(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime, timedelta

    from reader.cli.articles import _relative_date

    now = datetime(2026, 11, 22, 15, 30)
    assert _relative_date("yesterday", now) == (datetime(2026, 11, 21), True)
    assert _relative_date("Today", now) == (datetime(2026, 11, 22), True)
    assert _relative_date("3d", now) == (datetime(2026, 11, 19, 15, 30), False)
    assert _relative_date("12h", now) == (datetime(2026, 11, 22, 3, 30), False)
    assert _relative_date("2w", now) == (datetime(2026, 11, 8, 15, 30), False)
    assert _relative_date("3 days", now) is None and _relative_date("d", now) is None
    today = datetime.now(UTC).replace(tzinfo=None)
    for name, ago in (("new", 0), ("day_before", 1), ("older", 2), ("old", 10)):
        when = (today - timedelta(days=ago)).strftime("%Y-%m-%dT%H:%M")
        write(tmp_path / "news" / f"{name}.txt", f"date {when} Report number {ago} on the harbour of Velmora.")
    news, db = tmp_path / "news", tmp_path / "reader.db"
    assert _articles(capsys, news, db, "--since", "3d") == ["new", "day_before", "older"]
    assert _articles(capsys, news, db, "--since", "yesterday", "--until", "yesterday") == ["day_before"]
    assert _articles(capsys, news, db, "--since", "today") == ["new"]


def test_star_sets_stars_and_export_starred_lists_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    news, db = _news(tmp_path), tmp_path / "reader.db"
    _, out, _ = _run(capsys, "export", "--db", str(db), str(news))
    ids = [a["id"] for a in json.loads(out)["articles"]]
    assert _run(capsys, "star", ids[1], ids[3], "--db", str(db))[:2] == (0, "2 starred\n")
    assert _articles(capsys, news, db, "--starred") == ["cars1", "quake1"]
    assert _run(capsys, "star", "--off", ids[1], ids[2], "--db", str(db))[:2] == (0, "1 unstarred (1 already were)\n")
    assert _articles(capsys, news, db, "--starred") == ["quake1"]
    status, out, err = _run(capsys, "star", "no-such-id", "--db", str(db))
    assert status == 1 and "unknown article id: no-such-id" in err


def test_export_help_names_the_default_sources(capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli.main import main

    with pytest.raises(SystemExit):
        main(["export", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "default: the subscribed feeds, or the built-in seeds while no feed is subscribed" in shown
    assert "--starred" in shown and "3d" in shown
