"""Related articles and story threads, on the seeds and on small collections made here."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from reader.analysis.stories import Related, Thread
from reader.articles import Article
from reader.library import Library
from reader.pipeline import analyse
from reader.query import ListQuery
from tests.conftest import make_library, write

QUAKE = [
    ("2024-01-02", "A magnitude 6.1 earthquake struck Hokkaido in Japan on Tuesday, collapsing houses in Sapporo. "
     "Rescue teams searched the rubble as aftershocks shook the island and the quake cut power to thousands."),
    ("2024-01-03", "Rescue teams in Sapporo pulled survivors from collapsed houses a day after the Hokkaido quake. "
     "Aftershocks continued across Japan's northern island and the death toll from the quake rose to twelve."),
    ("2024-01-05", "Hokkaido began rebuilding after the earthquake: Sapporo reopened schools, power returned to the "
     "island and rescue teams ended the search of the rubble of collapsed houses in Japan."),
]
CARS = [
    ("2024-01-02", "Toyota Motor said quarterly profit rose on strong sales of hybrid cars in Japan and North America, "
     "and the carmaker raised its forecast for the fiscal year as the yen weakened."),
    ("2024-01-04", "Shares of Toyota Motor climbed in Tokyo after the carmaker raised its profit forecast, citing "
     "hybrid car sales and a weak yen that lifts earnings in Japan."),
    ("2024-01-06", "Analysts said Toyota Motor's hybrid sales will keep profit strong; the carmaker's forecast "
     "depends on the yen, and Japan's exporters gain as it weakens."),
]

# One bankruptcy told three times (headline, body), as three outlets would, each naming the wire it quotes.
HARLOW_TOLD = [
    ("Harlow Petroleum files for bankruptcy", "Harlow Petroleum filed for bankruptcy protection on Sunday after "
     "losing its appeal over a damages award, the oil company told Newswire; creditors are owed billions."),
    ("Harlow Petroleum creditors meet", "Creditors of Harlow Petroleum met in court over the bankruptcy filing "
     "and the damages award, Newswire said; the oil company hopes to keep its refineries running."),
    ("Harlow Petroleum bankruptcy judge sets hearing", "A judge set a hearing on Harlow Petroleum's bankruptcy "
     "after creditors met; the oil company, Newswire said, owes billions over the damages award."),
]


def _library(tmp_path: Path, stories: list[list[tuple[str, str]]]) -> Library:
    for s, story in enumerate(stories):
        for n, (date, body) in enumerate(story):
            write(tmp_path / f"story{s}_{n}.txt", f"\n  date {date} {body}\n")
    library = make_library([tmp_path])
    analyse(library)
    return library


def test_the_seeds_are_one_story_in_date_order(seeds_library: Library) -> None:
    """The August-September visit is one story; April's talks, planned months before, are news of their own.
    The visit's last article (a day after the talks, from another angle) is left to related when the
    same-story check is not sure enough: a missing link costs a keypress, a wrong one the reader's trust."""
    analyse(seeds_library)
    april = min(seeds_library.articles, key=lambda a: a.published or datetime.max)
    assert seeds_library.thread(april) is None
    earliest = min((a for a in seeds_library.articles if a is not april), key=lambda a: a.published or datetime.max)
    story = seeds_library.thread_articles(earliest)
    dates = [a.iso_date for a in story]
    assert dates[:3] == ["2022-08-24", "2022-09-04", "2022-09-08"] and dates[3:] in ([], ["2022-09-09"])
    thread = seeds_library.thread(earliest)
    assert thread is not None and all(seeds_library.thread(a) is thread for a in story)
    assert thread.title  # its most characteristic names
    related = seeds_library.related(earliest)
    assert {r.article_id for r in related} <= {a.id for a in seeds_library.articles} - {earliest.id}  # looser
    assert related == sorted(related, key=lambda r: -r.score) and related[0].shared
    last = max(seeds_library.articles, key=lambda a: a.published or datetime.min)
    assert last in story or any(r.article_id == last.id for r in seeds_library.related(story[-1]))


def test_two_stories_that_share_a_country_stay_apart(tmp_path: Path) -> None:
    library = _library(tmp_path, [QUAKE, CARS])
    quake = {a.id for a in library.articles if "quake" in a.body}
    cars = {a.id for a in library.articles if "Toyota" in a.body}
    for article in library.articles:
        thread = library.thread(article)
        assert thread is not None
        assert set(thread.articles) == (quake if article.id in quake else cars)
    for article in library.articles:
        mine = quake if article.id in quake else cars
        assert {r.article_id for r in library.related(article)} <= mine


def test_an_article_about_nothing_else_stands_alone(tmp_path: Path) -> None:
    lone = [("2024-01-03", "The village fete raised money for a new church roof; the brass band played and the "
             "vicar judged the marrow contest, won by a retired postman from Japan.")]
    library = _library(tmp_path, [QUAKE, lone])
    article = next(a for a in library.articles if "fete" in a.body)
    assert library.thread(article) is None
    assert library.thread_articles(article) == [article]


def test_adding_an_article_joins_its_story_without_a_rebuild(tmp_path: Path) -> None:
    library = _library(tmp_path, [QUAKE, CARS])
    assert library.stories is not None
    assert library.view(ListQuery(search="shelters")) == []  # builds the search text before the add
    threads_before = [list(t.articles) for t in library.stories.threads]
    late = Article(
        "late-quake", "later.txt", datetime(2024, 1, 9), "Hokkaido quake",
        "A week after the Hokkaido earthquake, Sapporo families whose houses collapsed moved into shelters "
        "while rescue teams and aftershocks kept the island of Japan on edge.",
    )
    library.add(late)
    assert library.view(ListQuery())[0] is late  # the newest, at the top of the list
    assert library.view(ListQuery(search="shelters")) == [late]
    thread = library.thread(late)
    assert thread is not None and thread.articles[-1] == "late-quake"
    assert {a.id for a in library.thread_articles(late)} >= {a.id for a in library.articles if "Sapporo" in a.body}
    assert [list(t.articles) for t in library.stories.threads if "late-quake" not in t.articles] == [
        a for a in threads_before if not set(a) & set(thread.articles)
    ]
    assert library.related(late) and library.related(late)[0].article_id in thread.articles
    assert any(r.article_id == "late-quake" for r in library.related(library.thread_articles(late)[0]))


def test_building_threads_reports_how_far_each_stage_has_got(
    seeds_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the indexing bar shows while threads are built: weighing, grouping, then related articles, counted
    in articles."""
    monkeypatch.setattr("reader.analysis.stories.REPORT_EVERY", 2)
    reports: list[tuple[str, int, int]] = []
    analyse(seeds_library, progress=lambda stage, done, total: reports.append((stage, done, total)))
    stages = [stage for stage, _, _ in reports]
    assert stages == sorted(stages, key=["names", "profiles", "threads", "related"].index)  # one after another
    assert [(done, total) for stage, done, total in reports if stage == "related"][-1] == (5, 5)
    # The pipeline names the stage at 0 before it starts (the bar shows it even when it is read back).
    assert [(done, total) for stage, done, total in reports if stage == "profiles"] == [(0, 5), (0, 5), (2, 5), (4, 5)]
    assert [(done, total) for stage, done, total in reports if stage == "threads"] == [(0, 5), (2, 5), (4, 5)]
    assert seeds_library.stories is not None and len(seeds_library.stories.stories()) == 1


def test_related_articles_found_in_bulk_are_those_weighed_one_article_at_a_time(tmp_path: Path) -> None:
    library = _library(tmp_path, [QUAKE, CARS])
    stories = library.stories
    assert stories is not None and stories.table is not None  # analyse finds them in bulk
    in_bulk = {article.id: library.related(article) for article in library.articles}
    stories.table = None  # the path an article added later takes: its postings, one article at a time
    stories._related.clear()
    alone = {article.id: library.related(article) for article in library.articles}

    def shown(found: dict[str, list[Related]]) -> dict[str, list[tuple[str, float, set[str]]]]:
        # Shared words of equal weight may come in either order.
        return {a: [(r.article_id, r.score, set(r.shared)) for r in rs] for a, rs in found.items()}

    assert shown(in_bulk) == shown(alone) and any(in_bulk.values())
    quake = next(a for a in library.articles if a.body.startswith("A magnitude"))
    assert "Sapporo" in in_bulk[quake.id][0].shared


COMPANIES = ["Acme Widget Corp", "Bolton Paper Co", "Carver Foods Inc", "Dunmore Mining Ltd", "Eastgate Bancorp Inc",
             "Fairfax Shipping Co"]


def test_notices_cast_in_one_mould_about_different_companies_are_different_stories(tmp_path: Path) -> None:
    notices = [
        [(f"2024-03-0{n + 1}", f"{company} said its board declared a quarterly dividend of 25 cts a share, "
          f"unchanged from the prior quarter, payable April 15 to holders of record March 31.")]
        for n, company in enumerate(COMPANIES)
    ]
    library = _library(tmp_path, [QUAKE, CARS, *notices])
    for article in library.articles:
        if "dividend" in article.body:
            thread = library.thread(article)
            assert thread is None or len(thread.articles) == 1, thread.title
    quake = next(a for a in library.articles if "quake" in a.body)
    assert len(library.thread_articles(quake)) == 3  # one story told three times still threads


def test_a_story_that_went_quiet_starts_a_new_thread_when_it_comes_back(tmp_path: Path) -> None:
    """A thread no article joined for the gap (in days) has gone quiet: three months on, the same words start a
    thread of their own; within the gap, the article joins its story (the gap is a setting)."""
    later = [("2024-04-09", "Three months on, Sapporo remembered the Hokkaido earthquake: rescue teams that searched "
              "the rubble of collapsed houses in Japan's northern island laid wreaths for the quake's dead.")]
    library = _library(tmp_path, [QUAKE, CARS, later])
    first = next(a for a in library.articles if a.iso_date == "2024-01-02" and "quake" in a.body)
    comeback = next(a for a in library.articles if "Three months on" in a.body)
    assert len(library.thread_articles(first)) == 3
    assert comeback not in library.thread_articles(first)
    library = make_library([tmp_path])
    library.thread_gap_days = 120.0  # a slower news: still the same story
    analyse(library)
    first = next(a for a in library.articles if a.iso_date == "2024-01-02" and "quake" in a.body)
    assert [a.body for a in library.thread_articles(first)][-1].startswith("Three months on")


def _feed_article(article_id: str, feed: str, body: str, title: str = "Harbour crane collapse") -> Article:
    return Article(article_id, feed, datetime(2024, 5, 6), title, body, feed=feed)


CRANE = ("A container crane collapsed at the Port of Velmora on Monday, crushing two trucks and closing "
         "berth four; the harbour master said no one was hurt and engineers from Ostrand Lifting were "
         "inspecting the crane's cracked boom before cargo ships could dock again.")


def test_identical_copies_from_two_feeds_share_a_copies_group(tmp_path: Path) -> None:
    from reader.analysis.stories import Stories

    articles = [
        _feed_article("a", "https://one.example/feed", CRANE),
        _feed_article("b", "https://two.example/rss", "  " + CRANE.upper().replace(" ", "  ") + "\n"),
        _feed_article("c", "https://one.example/feed", QUAKE[0][1], "Hokkaido quake"),
        _feed_article("d", "https://two.example/rss", CARS[0][1], "Toyota profit"),
    ]
    stories = Stories()
    stories.build([(article, []) for article in articles])
    assert stories.copies_of("a") == stories.copies_of("b") == ["a", "b"]  # the same words, spaced and cased apart
    assert stories.copies_of("c") == ["c"] and stories.copies_of("d") == ["d"]


def test_a_near_identical_version_from_another_feed_is_a_copy_and_the_library_lists_them(tmp_path: Path) -> None:
    library = _library(tmp_path, [QUAKE, CARS])
    first = library.articles[0]
    version = Article("version", "other.txt", first.published, first.title, first.body.replace("Tuesday", "Monday"),
                      feed="https://other.example/rss")
    library.add(version)
    assert [a.id for a in library.copies(version)] == [first.id, "version"]
    assert library.copies(library.articles[1]) == [library.articles[1]]


def test_link_lines_and_numbers_never_make_articles_related(tmp_path: Path) -> None:
    from reader.analysis.stories import words_of

    links = "\n\nLinks:\n[1] http://127.0.0.1:8080/feed/item/1\n[2] https://www.example.com/a/b?id=25\n"
    assert words_of(links) == {"link": 1}
    assert words_of("Shr 25 cts vs 30 cts\nNet 1,234,000 vs 987,000\nRevs 12.3 mln vs 10.1 mln") == {}
    lone = [[("2024-01-03", f"{topic}{links}Figures: 2024, 127.0, 0.1, 8080.")] for topic in (
        "The village fete raised money for a new church roof and the brass band played.",
        "Shares of a shipping line fell after storms delayed its vessels in the Baltic.",
    )]
    library = _library(tmp_path, lone)
    for article in library.articles:
        assert library.related(article) == []
        assert library.thread(article) is None


def _thread_of_three_outlets(told: list[tuple[str, str]], names: list[tuple[int, str, int]]) -> Thread:
    """The thread of three outlets' articles (headline, body), one a day, among three pieces of other news:
    it holds all three (one outlet's own follow-ups would have to pass a stricter check)."""
    from reader.analysis.stories import Stories

    articles = [(Article(f"h{n}", f"outlet{n}", datetime(2024, 4, 12 + n), title, body), names)
                for n, (title, body) in enumerate(told)]
    elsewhere = ["Wheat prices rose in Chicago.", "A ferry sailed late.", "Rain fell in Leeds."]
    others = [(Article(f"o{n}", "wire", datetime(2024, 4, 12), f"Other news {n}", body), [])
              for n, body in enumerate(elsewhere)]
    stories = Stories()
    stories.build(articles + others)
    thread = stories.thread_of("h0")
    assert thread is not None and len(thread.articles) == 3
    return thread


def test_a_thread_is_titled_by_the_names_and_words_of_its_headlines_not_by_names_in_passing() -> None:
    told = HARLOW_TOLD
    names = [(1, "Harlow Petroleum", 2), (2, "Newswire", 1)]  # the wire's own name, in every article
    thread = _thread_of_three_outlets(told, names)
    assert thread.title.startswith("Harlow Petroleum") and "Newswire" not in thread.title, thread.title
    assert all(word in " ".join(t for t, _ in told).casefold() for word in thread.title.casefold().split(" · ")[1:])


def test_a_threads_title_writes_its_words_as_the_headlines_do() -> None:
    told = [
        ("Harlow refineries shut as floods spread", "Floods shut the Harlow refineries on Sunday after the river "
         "burst its banks; the oil company said fuel supplies across the region would run short."),
        ("Floods keep Harlow refineries shut", "The Harlow refineries stayed shut on Monday as the floods spread, "
         "the oil company said; fuel supplies across the region are running short."),
        ("Harlow refineries to stay shut for a week after floods", "The flooded Harlow refineries will stay shut "
         "for a week, the oil company said, as fuel supplies across the region ran short after the floods."),
    ]
    title = _thread_of_three_outlets(told, [(1, "Harlow", 2)]).title
    words = title.split(" · ")
    assert "refineries" in words and "refinerie" not in words, title  # as written, never the counted form


def test_two_reports_of_one_event_from_two_feeds_share_a_thread_and_a_copies_group_and_other_news_does_not() -> None:
    from reader.analysis.stories import Stories

    version = CRANE.replace("on Monday", "on Monday morning").replace("engineers", "inspectors")
    recall = ("Toyota Motor is recalling 400,000 pickup trucks in North America over a faulty steering column, the "
              "carmaker said; dealers in Japan will replace the part free and no crashes have been linked to it.")
    port = [(7, "Port of Velmora", 1), (8, "Ostrand Lifting", 1)]
    toyota = [(1, "Toyota Motor", 1), (2, "Japan", 1)]
    articles = [
        (Article("a", "one", datetime(2024, 5, 6), "Crane collapses at Velmora port", CRANE, feed="one"), port),
        (Article("b", "two", datetime(2024, 5, 6, 5), "Velmora harbour crane falls", version, feed="two"), port),
        (Article("c", "one", datetime(2024, 1, 2), "Toyota profit rises", CARS[0][1]), toyota),
        (Article("d", "two", datetime(2024, 1, 4), "Toyota recalls pickups", recall), toyota),
        (Article("e", "one", datetime(2024, 1, 2), "Hokkaido quake", QUAKE[0][1]), [(2, "Japan", 1)]),
    ]
    stories = Stories()
    stories.build(articles)
    thread = stories.thread_of("a")
    assert thread is not None and thread.articles == ["a", "b"] and stories.copies_of("b") == ["a", "b"]
    # Two pieces about one company share a few words and names, but they are not versions of one text.
    assert stories.copies_of("c") == ["c"] and stories.copies_of("d") == ["d"]
    assert stories.thread_of("e") is None


def test_one_story_told_by_three_outlets_in_one_archive_is_a_thread_as_it_would_be_from_three_feeds(
    tmp_path: Path,
) -> None:
    """An archive gathered from many outlets says where each record came from (its link's host here): the same
    event told by three of them is a thread. Taken as one outlet's three reports, it is held to the stricter
    check one outlet's own follow-ups must pass, and stays apart."""
    told = HARLOW_TOLD
    others = ["Wheat prices rose in Chicago on Monday as dry weather hurt crops.",
              "A ferry sailed late from Dover after a storm.", "Rain fell in Leeds all week."]
    threads = []
    for with_links in (True, False):
        records = [{"id": f"h{n}", "title": title, "text": body, "date": f"2024-04-{12 + n}"}
                   | ({"url": f"https://www.outlet{n}.example/news/{n}"} if with_links else {})
                   for n, (title, body) in enumerate(told)]
        records += [{"id": f"o{n}", "text": body, "date": "2024-04-12"} for n, body in enumerate(others)]
        folder = tmp_path / str(with_links)
        write(folder / "gathered.jsonl", "\n".join(json.dumps(record) for record in records) + "\n")
        library = make_library([folder])
        analyse(library)
        first = next(a for a in library.articles if a.id == "h0")
        threads.append([a.id for a in library.thread_articles(first)])
    assert threads == [["h0", "h1", "h2"], ["h0"]]


@pytest.mark.xfail(strict=True, reason="issue 25: threads still gather one company's news (a profit and a recall)")
def test_two_different_events_of_one_company_do_not_share_a_thread() -> None:
    """A profit report and a recall two days apart name the same carmaker and country: two stories, not one."""
    from reader.analysis.stories import Stories

    recall = ("Toyota Motor is recalling 400,000 pickup trucks in North America over a faulty steering column, the "
              "carmaker said; dealers in Japan will replace the part free and no crashes have been linked to it.")
    toyota = [(1, "Toyota Motor", 1), (2, "Japan", 1)]
    articles = [
        (Article("a", "one", datetime(2024, 5, 6), "Crane collapses at Velmora port", CRANE, feed="one"), []),
        (Article("c", "one", datetime(2024, 1, 2), "Toyota profit rises", CARS[0][1]), toyota),
        (Article("d", "two", datetime(2024, 1, 4), "Toyota recalls pickups", recall), toyota),
        (Article("e", "one", datetime(2024, 1, 2), "Hokkaido quake", QUAKE[0][1]), [(2, "Japan", 1)]),
    ]
    stories = Stories()
    stories.build(articles)
    profit = stories.thread_of("c")
    assert profit is None or "d" not in profit.articles, profit


def test_the_same_kind_of_news_about_two_companies_is_not_one_story() -> None:
    """Two companies' share offers the same week, told in the same words and naming nothing in common: a
    topic, not a story. Two reports of one company's offer stay one thread."""
    from reader.analysis.stories import Stories

    def offer(company: str, day: int) -> str:
        return (f"{company} said it filed with the Securities and Exchange Commission for a public offering of "
                f"two million common shares, to be underwritten by a group of investment banks, and will use the "
                f"proceeds to repay bank debt and for general corporate purposes. {company} had {day} million "
                "shares outstanding before the offering, the company said in a statement on Monday.")

    quake = [(f"q{n}", body) for n, (_, body) in enumerate(QUAKE)]
    articles = [
        (Article("a", "one", datetime(2024, 3, 4), "Velmora Mining files share offering", offer("Velmora Mining", 9)),
         [(1, "Velmora Mining", 3), (3, "Securities and Exchange Commission", 1)]),
        (Article("b", "one", datetime(2024, 3, 6), "Ostrander Foods files share offering",
                 offer("Ostrander Foods", 12)), [(2, "Ostrander Foods", 3)]),
        (Article("c", "two", datetime(2024, 3, 5), "Velmora Mining offering filed", offer("Velmora Mining", 9)
                 + " Velmora Mining's shares rose on the news."), [(1, "Velmora Mining", 4)]),
    ] + [
        (Article(key, "one", datetime(2024, 1, 2 + n), "Hokkaido quake", body), [(4, "Hokkaido", 1)])
        for n, (key, body) in enumerate(quake)
    ]
    stories = Stories()
    stories.build(articles)
    velmora = stories.thread_of("a")
    assert velmora is not None and "c" in velmora.articles
    assert "b" not in velmora.articles


def test_a_notice_sent_again_on_other_days_is_not_a_version_of_one_story() -> None:
    """The same words on six days (a daily notice, the day's number aside) are six articles, each its own row;
    the same words twice on one day are versions of one story."""
    from reader.analysis.stories import Stories

    def notice(day: int) -> str:
        return (f"Prime Minister Jane Smith met officials from the United Nations in Paris on day {day}, the "
                "ministry said in a statement, and the talks on trade and the climate will go on next week.")

    articles = [
        (Article(f"d{day}", "one", datetime(2024, 5, 1 + day), f"Ministers meet in Paris, day {day}", notice(day)),
         [(1, "Jane Smith", 1), (2, "United Nations", 1)])
        for day in range(6)
    ] + [(Article("again", "two", datetime(2024, 5, 1, 18), "Ministers meet in Paris", notice(0)),
          [(1, "Jane Smith", 1), (2, "United Nations", 1)])]
    others = [(f"q{n}", "Hokkaido quake", body) for n, (_, body) in enumerate(QUAKE)]
    others += [(f"c{n}", "Toyota profit", body) for n, (_, body) in enumerate(CARS)]
    others += [("crane", "Crane collapses at Velmora port", CRANE)]
    articles += [(Article(key, "three", datetime(2024, 5, 2), title, body), []) for key, title, body in others]
    stories = Stories()
    stories.build(articles)
    assert sorted(stories.copies_of("d0")) == ["again", "d0"]
    assert all(stories.copies_of(f"d{day}") == [f"d{day}"] for day in range(1, 6))


def test_one_outlets_next_report_of_the_same_kind_is_not_the_same_story() -> None:
    """One wire's weekly report, the same words with other figures a week later, is not one story with last
    week's; the same report told by two outlets the same day is."""
    from reader.analysis.stories import Stories

    def report(week: int, level: str, change: str) -> str:
        return (f"Grain stocks at Lakeport terminals stood at {level} tonnes in week {week}, {change} from the "
                "week before, the Lakeport Grain Board said in its weekly report; exporters loaded ships for Asia "
                "and the board expects steady deliveries from farms along the river this month.")

    board = [(1, "Lakeport Grain Board", 1), (2, "Lakeport", 2)]
    articles = [
        (Article("w1", "wire", datetime(2024, 3, 4), "Lakeport grain stocks fall", report(10, "412,500", "down 8,200")),
         board),
        (Article("w2", "wire", datetime(2024, 3, 11), "Lakeport grain stocks fall",
                 report(11, "398,700", "down 13,800")), board),
        (Article("p1", "paper", datetime(2024, 3, 4, 18), "Lakeport grain stocks down 8,200 tonnes",
                 report(10, "412,500", "down 8,200") + " Traders said prices held."), board),
    ] + [(Article(f"q{n}", "quakes", datetime(2024, 1, 2 + n), "Hokkaido quake", body), [(4, "Hokkaido", 1)])
         for n, (_, body) in enumerate(QUAKE)]
    stories = Stories()
    stories.build(articles)
    week = stories.thread_of("w1")
    assert week is not None and "p1" in week.articles
    assert "w2" not in week.articles


def test_a_thread_of_untitled_wire_records_is_titled_by_their_first_lines() -> None:
    """Wire records without a title (their first line in capitals is their headline) make a thread whose title
    comes from those lines, never an empty one."""
    from reader.analysis.stories import Stories

    body = ("HARLOW PETROLEUM FILES FOR BANKRUPTCY\n    Harlow Petroleum filed for bankruptcy protection on Sunday "
            "after losing its appeal over a damages award, the oil company said; creditors are owed billions.")
    articles = [
        (Article("u1", "wire", datetime(2024, 4, 12, 9), "", body), [(1, "Harlow Petroleum", 2)]),
        (Article("u2", "paper", datetime(2024, 4, 12, 11), "", body.replace("said;", "said in a statement;")),
         [(1, "Harlow Petroleum", 2)]),
    ] + [(Article(f"q{n}", "quakes", datetime(2024, 1, 2 + n), "Hokkaido quake", b), [(4, "Hokkaido", 1)])
         for n, (_, b) in enumerate(QUAKE)]
    stories = Stories()
    stories.build(articles)
    thread = stories.thread_of("u1")
    assert thread is not None and "u2" in thread.articles
    assert "bankruptcy" in thread.title.casefold(), thread.title


def test_a_thread_of_price_tables_is_never_untitled() -> None:
    """A quote sent by two outlets, nothing but a table of figures under a line of figures, still gets a title."""
    from reader.analysis.stories import Stories

    quote = "LAKEPORT GOLD 1200 - APRIL 7 pool 419.50-422.50 (418.50-421.50 at\n11.00) interbank 420.60-421.10"
    named = [(1, "Lakeport", 1), (2, "Lakeport Bullion Pool", 1)]
    articles = [
        (Article("g1", "wire", datetime(2024, 4, 7, 12), "", quote), named),
        (Article("g2", "paper", datetime(2024, 4, 7, 12, 5), "", quote + " (420.00)"), named),
    ] + [(Article(f"q{n}", "quakes", datetime(2024, 1, 2 + n), "Hokkaido quake", b), [(4, "Hokkaido", 1)])
         for n, (_, b) in enumerate(QUAKE)]
    stories = Stories()
    stories.build(articles)
    thread = stories.thread_of("g1")
    assert thread is not None and "g2" in thread.articles
    assert thread.title and set(thread.title.split(" · ")) <= {"Lakeport", "Lakeport Bullion Pool"}, thread.title


def test_one_outlets_price_table_sent_at_two_times_of_a_day_is_not_one_story() -> None:
    """A table of prices sent again an hour later, a figure or two moved, names the same market in the same
    labels; neither tells a story, so the shipped check does not call them one. A report told in sentences by
    two outlets still is one story."""
    from reader.analysis import story_gate
    from reader.analysis.story_words import numbers_of, table_share

    def gold(time: str, prev: str, pool: str, before: str, interbank: str, earlier: str) -> str:
        return (f"LAKEPORT GOLD {time} - APRIL 7 pool {pool} ({before} at\n{prev}) "
                f"interbank {interbank} ({earlier} at {prev})")

    noon = gold("1200", "11.00", "419.50-422.50", "418.50-421.50", "420.60-421.10", "419.70-420.10")
    one = gold("1300", "1200", "419.50-422.50", "419.50-422.50", "420.40-420.90", "420.60-421.10")
    report = ("Harlow Petroleum filed for bankruptcy protection on Sunday after losing its appeal over a damages "
              "award of 10.5 billion, the oil company said; creditors are owed 21 billion.")
    gate = story_gate.shipped()

    def same_story(first: str, second: str, cosines: list[float], one_outlet: bool) -> bool:
        return gate.same_story(story_gate.likeness(
            cosines, [1.0], (1, 1), 0.0, 1 / 24, (numbers_of(first), numbers_of(second)),
            min(table_share(first), table_share(second)), one_outlet))

    assert not same_story(noon, one, [1.0, 0.0, 0.0, 0.0], True)
    assert same_story(report, report, [0.8, 0.5, 0.7, 0.5], False)


def test_the_files_of_an_archive_folder_are_one_outlets(tmp_path: Path) -> None:
    """A folder of many text files (a site's articles saved as files, a corpus in sections) reads as one
    outlet's, as one JSON Lines archive does: its weekly report is not one story with last week's. A handful
    of files (the seeds) are read as gathered from anywhere."""
    from reader.articles import ARCHIVE_FILES

    def report(week: int, level: str, change: str) -> str:
        return (f"Grain stocks at Lakeport terminals stood at {level} tonnes in week {week}, {change} from the "
                "week before, the Lakeport Grain Board said in its weekly report; exporters loaded ships for Asia "
                "and the board expects steady deliveries from farms along the river this month.")

    towns = ["Arlen", "Brisk", "Coldwater", "Dunmore", "Elkton", "Fairbank", "Glenrock", "Harlow", "Ironton",
             "Jasper", "Kinsley", "Linden", "Marlow", "Norwood", "Oakdale", "Pinecrest", "Quinton", "Redfield",
             "Sutton", "Thornbury", "Upton", "Vale"]
    archive = tmp_path / "archive"
    for n, town in enumerate(towns[:ARCHIVE_FILES]):  # one-off local news, one file each
        write(archive / f"{n:03}.txt", f"date 2024-02-{n + 1:02} The {town} library reopened after repairs "
                                       f"costing {n + 3} thousand, the {town} council said.\n")
    write(archive / "w1.txt", f"date 2024-03-04 {report(10, '412,500', 'down 8,200')}\n")
    write(archive / "w2.txt", f"date 2024-03-11 {report(11, '398,700', 'down 13,800')}\n")
    library = make_library([archive])
    analyse(library)
    weekly = [a for a in library.articles if "Lakeport" in a.body]
    assert len(weekly) == 2
    first = library.thread(weekly[0])
    assert first is None or library.thread(weekly[1]) is not first


def test_one_outlets_headlines_alone_of_one_company_are_not_one_story() -> None:
    """Headlines without a body from one outlet (a wire's briefs, a title-only feed) about three things one
    company did are three stories: a headline is too short for the strict one-outlet check, so they stay
    apart. The same story's headlines from three outlets still share a thread."""
    from reader.analysis.stories import Stories

    def bare(id_: str, source: str, day: int, headline: str, named: list[tuple[int, str, int]]) -> tuple[
            Article, list[tuple[int, str, int]]]:
        return Article(id_, source, datetime(2024, 3, day, 9), headline, headline), named

    harlow = [(1, "Harlow Motors", 1)]
    briefs = [
        bare("b1", "wire", 4, "HARLOW MOTORS QUARTERLY PROFIT RISES 12 PCT ON TRUCK SALES", harlow),
        bare("b2", "wire", 5, "HARLOW MOTORS RECALLS 40,000 TRUCKS OVER FAULTY BRAKES", harlow),
        bare("b3", "wire", 6, "HARLOW MOTORS NAMES NEW CHIEF EXECUTIVE AFTER TRUCK SALES SLUMP", harlow),
    ]
    flood = [(2, "Danube", 1), (3, "Budapest", 1)]
    outlets = [
        bare(f"f{n}", outlet, 8, headline, flood)
        for n, (outlet, headline) in enumerate([
            ("paper", "Danube floods Budapest as river reaches record height"),
            ("radio", "Budapest flooded as Danube reaches record height"),
            ("daily", "Record Danube flood swamps Budapest riverside"),
        ])
    ]
    articles = briefs + outlets + [
        (Article(f"q{n}", "quakes", datetime(2024, 1, 2 + n), "Hokkaido quake", b), [(4, "Hokkaido", 1)])
        for n, (_, b) in enumerate(QUAKE)
    ]
    stories = Stories()
    stories.build(articles)
    assert all(stories.thread_of(f"b{n}") is None for n in range(1, 4))
    flooded = stories.thread_of("f0")
    assert flooded is not None and set(flooded.articles) == {"f0", "f1", "f2"}
