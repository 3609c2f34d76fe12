"""`reader export --json`, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from reader.store import ReadState
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
    assert [a["date"] for a in articles] == ["2022-09-09", "2022-09-08", "2022-09-04", "2022-08-24", "2022-04-04"]
    for article in articles:
        assert set(article) == {"id", "path", "date", "title", "read", "names", "related", "thread", "body"}
        assert article["read"] is False and article["thread"] == document["threads"][0]["id"]
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
    # The five seeds are one story, listed oldest first.
    [thread] = document["threads"]
    assert set(thread) == {"id", "title", "articles"} and thread["title"]
    by_id = {a["id"]: a["date"] for a in articles}
    assert [by_id[i] for i in thread["articles"]] == sorted(by_id.values())
    assert not db.exists(), "export only reads the database"


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
