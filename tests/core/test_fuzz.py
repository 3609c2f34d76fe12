"""Random records and texts through the loader, the name finder, the stories and export (hypothesis).

Invariants: nothing raises; every non-blank line of a file is an article or a problem; every name's span lies
inside its body and covers one of the name's written forms; export is valid JSON.

CI runs a quick profile (READER_FUZZ_EXAMPLES, default 60 per property). Locally, for the issue's figure:

    READER_FUZZ_EXAMPLES=10000 python3 -m pytest tests/core/test_fuzz.py -q
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.library import Library
from reader.names import article_names
from reader.pipeline import analyse
from reader.query import ListQuery
from reader.sources.files import load
from reader.storage.read_marks import ReadState

EXAMPLES = int(os.environ.get("READER_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

# Unicode of every kind, lone surrogates and control characters included, with the shapes news text has.
ANY_CHARACTER = st.characters(exclude_categories=())
WORDS = st.sampled_from(
    ["President", "Joe", "Biden", "said", "in", "Tokyo", "the", "Bank", "of", "England", "Ministry", "Inc", "Corp",
     "U.S.", "REUTER", "[bold]", "[/]", "<SRD>", "(NYSE: X)", "Dr", "Mr.", "and", "Co", "\n", "\n\n", "  ", "—",
     "'s", ",", ".", "\x1b[31m", "\u202e", "é", "\u0301\u0301\u0301", "👩‍👩‍👧", "東京", "Müller"]
)
TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=200),
    st.lists(st.one_of(WORDS, st.text(ANY_CHARACTER, max_size=12)), max_size=60).map(" ".join),
)
DATES = st.one_of(
    st.none(),
    st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2024-02-30", "May 5", "yesterday",
                     "2024-05-01", "1987-03-02T10:00:00Z", ""]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(ANY_CHARACTER, max_size=30),
)
IDS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40), st.floats(),
                st.text(ANY_CHARACTER, max_size=20))
RECORDS = st.fixed_dictionaries(
    {},
    optional={"text": st.one_of(TEXT, st.integers(), st.none()), "date": DATES, "id": IDS,
              "title": st.one_of(TEXT, st.integers())},
)


def _line(record: dict[str, object], nesting: int, garbage: bytes | None) -> bytes:
    if garbage is not None:
        return garbage.replace(b"\n", b" ")
    if nesting:
        record = {**record, "deep": json.loads("[" * nesting + "]" * nesting)} if nesting < 900 else record
        if nesting >= 900:
            return (json.dumps(record)[:-1] + ', "x": ' + "[" * nesting + "]" * nesting + "}").encode()
    return json.dumps(record).encode("utf-8", "surrogatepass")


LINES = st.lists(
    st.builds(
        _line, RECORDS, st.sampled_from([0, 0, 0, 5, 3000]), st.one_of(st.none(), st.none(), st.binary(max_size=80))
    ),
    min_size=1,
    max_size=8,
)


@FUZZ
@given(LINES)
def test_every_line_is_an_article_or_a_problem(lines: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "fuzz.jsonl"
        archive.write_bytes(b"\n".join(lines) + b"\n")
        collection = load([archive])
        wanted = {number for number, line in enumerate(lines, start=1) if line.strip()}
        found = {article.line for article in collection.articles}
        for problem in collection.problems:
            place = problem.path.rsplit(":", 1)
            if place[0] == str(archive) and len(place) == 2 and place[1].isdigit():
                found.add(int(place[1]))
        assert wanted <= found or any(p.path == str(archive) for p in collection.problems)
        for article in collection.articles:
            article.id.encode("utf-8")  # never a lone surrogate: it goes to the database and the screen
            article.title.encode("utf-8")
            article.body.encode("utf-8")


@FUZZ
@given(TEXT)
def test_every_span_lies_in_its_body_and_covers_a_form_of_its_name(body: str) -> None:
    for name in article_names(body):
        for start, end in name.spans:
            assert 0 <= start < end <= len(body)
            assert body[start:end] in name.aliases or body[start:end] == name.name, (body[start:end], name)


@settings(max_examples=max(10, EXAMPLES // 5), deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(LINES)
def test_export_is_valid_json_whatever_the_records(lines: list[bytes]) -> None:
    from reader.export import write_export

    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "fuzz.jsonl"
        archive.write_bytes(b"\n".join(lines) + b"\n")
        library = Library(load([archive]), ReadState.in_memory())
        analyse(library)
        out = io.StringIO()
        write_export(library, library.view(ListQuery()), out, lines=False, with_body=True)
        document = json.loads(out.getvalue())
        assert len(document["articles"]) == len(library.articles)
