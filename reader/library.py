"""The library: the loaded articles with their read state, names, order and the views the reader shows.

Everything the terminal UI and `reader export` know comes from here; it never imports Textual.
"""

from __future__ import annotations

import math
from array import array
from bisect import insort
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import filterfalse
from typing import TYPE_CHECKING

from reader.analysis.collector import collector_paused
from reader.analysis.words import WordIndex
from reader.articles import Article, Problem
from reader.query import ListQuery
from reader.sources.files import Collection
from reader.storage.read_marks import ReadChange, ReadState

if TYPE_CHECKING:  # the name finder is imported when analysis starts, off the start-up path
    from reader.analysis.stories import NamedArticles, Progress, Related, Stories, Thread
    from reader.names import ArticleName, CollectionName, NameIndex, NamesSummary
    from reader.storage.analysis_index import AnalysisIndex


class Library:
    """Articles, read marks and names, and the queries over them."""

    def __init__(self, collection: Collection, read_state: ReadState) -> None:
        self.articles: list[Article] = collection.articles
        self.problems: list[Problem] = collection.problems
        self._files = dict.fromkeys(collection.files)  # the source files, in order, once each
        self._awaiting_text: dict[str, Article] = {}  # listed from the index, their text not read yet
        self.read = read_state
        self.names: NameIndex | None = None
        self.stories: Stories | None = None
        self.thread_gap_days: float | None = None  # the setting; None: the threads' default (stories.QUIET_DAYS)
        # Until the names and threads are read back: the head of the names and the story count, as kept.
        self.summary: NamesSummary | None = None
        self._kept_story_count: int | None = None
        self._by_id = {article.id: index for index, article in enumerate(self.articles)}
        # Seconds before the epoch per article (undated: +inf), so sorting newest first is a C-level sort;
        # equal times keep the order the articles were read in.
        self._when = array("d", map(_newest_first_key, self.articles))
        self._newest_first = sorted(range(len(self.articles)), key=self._when.__getitem__)
        self._search: WordIndex | None = None  # made on the first search, or by `prepare_search`
        # Each name's articles by position, for these names and this many articles (`prepare_name_filters`).
        self._name_positions: tuple[NameIndex, int, list[array[int]]] | None = None
        self._rank: list[int] | None = None
        # The unfiltered list, kept: rebuilding (and freeing) 400,000 entries costs 15 ms at every filter change.
        self._everything: list[Article] | None = None
        # Each article that has copies (another version of its story) -> its group's ids, in the order listed;
        # made once per analysis (`prepare_copies`), so that the list shows each story once without asking the
        # threads row by row.
        self._copy_groups: dict[str, tuple[str, ...]] = {}
        self._copy_rows = _CopyRows()  # which versions a list of one row per story leaves out
        self.copies_made = 0  # how many times the groups were made: the screen shows them again when it grows
        # The unfiltered list one row per story, with the list and the groups it was made from.
        self._stories_once: tuple[list[Article], _CopyRows, list[Article]] | None = None

    @classmethod
    def listed(cls, articles: list[Article], files: list[str], read_state: ReadState) -> Library:
        """A library that starts from articles listed by the analysis index, before their files are read:
        each one's text arrives with `extend`, or is read alone by `ensure_text` if it is opened first."""
        library = cls(Collection(list(articles), [], list(files)), read_state)
        library._awaiting_text = {article.id: article for article in library.articles}
        return library

    @property
    def files(self) -> list[str]:
        """The source files read (or to read), for the analysis index."""
        return list(self._files)

    @property
    def listed_from_index(self) -> bool:
        """Some articles are listed from the index and wait for their file to be read."""
        return bool(self._awaiting_text)

    def ensure_text(self, article: Article) -> Problem | None:
        """Read the text of an article listed before its file was read; a Problem if that fails."""
        if self._awaiting_text.pop(article.id, None) is None:
            return None
        from reader.sources.files import read_article

        found = read_article(article.path, article.line, article.offset)
        if isinstance(found, Problem):
            return found
        if found.id != article.id:
            return Problem(found.path, "changed since it was indexed; its text shows once the file is read again")
        self._fill(article, found)
        return None

    @staticmethod
    def _fill(article: Article, found: Article) -> None:
        article.body, article.note, article.line, article.offset = found.body, found.note, found.line, found.offset

    def extend(self, batch: Collection) -> None:
        """Take in more articles as they are read (a big archive is shown while the rest loads).

        Only the new articles are sorted; merging them into the order is one C-level pass over it.
        """
        start = len(self.articles)
        fresh: list[Article] = []
        for article in batch.articles:
            if article.id not in self._by_id:
                self._by_id[article.id] = start + len(fresh)
                fresh.append(article)
            elif (listed := self._awaiting_text.pop(article.id, None)) is not None:
                self._fill(listed, article)  # the listed article gets its text; the list keeps the same object
        self.problems.extend(batch.problems)
        self._files.update(dict.fromkeys(batch.files))
        self.articles.extend(fresh)
        self._when.extend(map(_newest_first_key, fresh))
        self._newest_first.extend(sorted(range(start, len(self.articles)), key=self._when.__getitem__))
        self._newest_first.sort(key=self._when.__getitem__)  # two sorted runs: Timsort merges them
        self._rank = self._everything = None
        self._search = None

    def revise(self, changed: list[Article]) -> list[Article]:
        """Take in the newer text of articles already here (a feed entry rewritten); returns those found."""
        revised = []
        for newer in changed:
            article = self.article(newer.id)
            if article is not None:
                article.title, article.body, article.link = newer.title, newer.body, newer.link
                revised.append(article)
        if revised:
            self._search = None
        return revised

    def feed_counts(self) -> dict[str, tuple[int, int]]:
        """Each feed's articles listed here and how many are unread, by feed URL."""
        counts: dict[str, list[int]] = {}
        is_read = self.read.is_read
        for article in self.articles:
            if article.feed is not None:
                entry = counts.setdefault(article.feed, [0, 0])
                entry[0] += 1
                entry[1] += not is_read(article.id)
        return {feed: (total, unread) for feed, (total, unread) in counts.items()}

    def __len__(self) -> int:
        return len(self.articles)

    def article(self, article_id: str) -> Article | None:
        index = self._by_id.get(article_id)
        return None if index is None else self.articles[index]

    # Read state -------------------------------------------------------------------------------

    def is_read(self, article: Article) -> bool:
        return self.read.is_read(article.id)

    def unread_count(self) -> int:
        """Articles not marked read (counted over the marks, which are far fewer than the articles)."""
        return len(self.articles) - self.read.count_read(self._by_id.keys())

    def mark(self, articles: list[Article], read: bool) -> ReadChange | None:
        return self.read.mark([a.id for a in articles], read)

    def is_starred(self, article: Article) -> bool:
        return self.read.is_starred(article.id)

    def star(self, article: Article) -> ReadChange | None:
        """Star the article, or unstar it when it is starred."""
        return self.read.star([article.id], not self.read.is_starred(article.id))

    def undo(self) -> ReadChange | None:
        return self.read.undo()

    # Names ------------------------------------------------------------------------------------

    @property
    def analysed(self) -> bool:
        return self.names is not None

    @collector_paused()
    def find_names(
        self,
        progress: Progress | None = None,
        stop: Callable[[], bool] | None = None,
        index: AnalysisIndex | None = None,
    ) -> NameIndex | None:
        """Find the names in every article, reading back from `index` what an earlier run found.

        `progress("names", done, total)` is called as chunks finish; each finished chunk is saved to
        the index at once, so quitting mid-way keeps it. Articles are added to the collection oldest
        first, so a name's first article comes first in its list. Returns None when stopped.
        """
        from reader.analysis.workers import find_names
        from reader.names import NameIndex
        from reader.names.entities import decode_names, encode_names

        restored = index.stored_names(self.files, self._by_id.keys()) if index is not None else None
        if index is not None and restored is not None:  # no file changed: the merged names read back as they were
            if progress is not None:
                progress("names", len(self.articles), len(self.articles))
            restored.load(index.encoded_names(self.files))
            index.forget_missing()
            self.names = restored
            return restored
        oldest = [self.articles[position] for position in reversed(self._newest_first)]
        kept, todo = index.stored(oldest) if index is not None else ({}, oldest)
        # Each article's names until they are merged: encoded as the index keeps them, and (found just now)
        # as objects too, which need not be decoded again.
        found: dict[str, tuple[list[ArticleName] | None, str]] = {i: (None, text) for i, text in kept.items()}
        del kept
        total, done = len(oldest), len(found)
        collection = NameIndex()
        merged = 0  # oldest articles whose names are merged into the collection's

        def merge() -> None:
            """Merge as far as the names are known, oldest first (here, not after the last chunk: this core
            would wait for the pool while the others work, then work while they wait)."""
            nonlocal merged
            while merged < total and (entry := found.pop(oldest[merged].id, None)) is not None:
                names, encoded = entry
                collection.add(oldest[merged].id, names if names is not None else decode_names(encoded), encoded)
                merged += 1

        if progress is not None:
            progress("names", done, total)
        for chunk in find_names(todo, stop):
            encoded = [(article, names, encode_names(names)) for article, names in chunk]
            found.update((article.id, (names, text)) for article, names, text in encoded)
            if index is not None:
                index.save((article, text) for article, _, text in encoded)
            merge()
            done += len(chunk)
            if progress is not None:
                progress("names", done, total)
        merge()  # names read back from the index after the last chunk (or with no chunk at all)
        if merged < total:
            return None  # stopped: what was saved stays saved
        collection.consolidate()  # every article is in: settle each entity across the collection
        bodies = [(article.id, article.body) for article in oldest]
        collection.unlist_words(bodies)
        collection.unlist_every_countrys_bodies()
        grown = collection.attach_shouted(bodies)
        del bodies
        if index is not None and grown:
            index.save((article, grown[article.id]) for article in oldest if article.id in grown)
        if index is not None:
            index.finish(oldest)
            index.forget_missing()
            index.save_names(self.files, collection.saved(), collection.summary())
        collection.ranked_by_kind()  # sorted here, off the UI thread
        self.names = collection  # one assignment: readers see no names or all of them
        return collection

    def restore_summary(self, index: AnalysisIndex) -> bool:
        """Read back the head of the names and the story count the index kept for this collection's files
        (a few kilobytes), to show while the rest is read back."""
        kept = index.stored_summary(self.files)
        if kept is None:
            return False
        self.summary, self._kept_story_count = kept
        return True

    def story_count(self) -> int | None:
        """How many stories are told in two or more articles; None while the threads are unknown."""
        if self.stories is not None:
            return len(self.stories.stories())
        return self._kept_story_count

    def restore(self, index: AnalysisIndex) -> bool:
        """Read back the names and story threads the index kept for this collection's files, without
        waiting for the articles to be read (no file changed since, so they are the same articles)."""
        from reader.analysis.stories import Stories

        names = index.stored_names(self.files)
        if names is None:
            return False
        saved = index.stored_stories(self.files)
        # Related articles are read back by `find_related`, in the background: numpy is not on the start-up path.
        self.stories = Stories.restored(saved) if saved is not None else None
        self.names = names
        return True

    @collector_paused()
    def build_stories(
        self, index: AnalysisIndex | None = None, progress: Progress | None = None
    ) -> Stories | None:
        """Group the articles into story threads (needs the names first), or read back the threads `index`
        kept when none of the files changed since. Related articles come with `find_related`."""
        from reader.analysis.stories import Stories

        if self.names is None:
            return None
        saved = index.stored_stories(self.files) if index is not None else None
        stories = Stories.restored(saved) if saved is not None else None
        if stories is None:
            stories = Stories() if self.thread_gap_days is None else Stories(self.thread_gap_days)
            stories.build(self._named_articles(), self._words(), progress)
            if index is not None:
                index.save_stories(self.files, stories.saved())
        self.stories = stories
        return stories

    @collector_paused()
    def profile_stories(
        self, index: AnalysisIndex | None = None, progress: Progress | None = None
    ) -> None:
        """Weigh what each article is about, so that related articles can be found (after `build_stories`).
        Names read back are first loaded from `index` all at once."""
        if self.stories is not None and not self.stories.profiled:
            if self.names is not None and self.names.fetching and index is not None:
                self.names.load(index.encoded_names(self.files))
            self.stories.profile(self._named_articles(), self._words(), progress)

    @collector_paused()
    def find_related(self, index: AnalysisIndex | None = None, progress: Progress | None = None) -> None:
        """Every article's related articles (after `build_stories`): read back from `index` when none of the
        files changed, otherwise found in bulk, weighing restored threads' articles first, and kept there."""
        stories = self.stories
        if stories is None or stories.table is not None:
            return
        table = index.stored_related(self.files) if index is not None else None
        if table is not None:
            stories.table = table
        else:
            self.profile_stories(index, progress)
            table = stories.find_related(progress)
            if index is not None:
                index.save_related(self.files, table)
        stories.prepare_related()

    def _words(self) -> Iterator[dict[str, int]]:
        """Each article's words, counted over every core while threads are grouped on this one."""
        from reader.analysis.workers import count_words

        return count_words([article.text for article in self.articles])

    def _named_articles(self) -> NamedArticles:
        assert self.names is not None
        return [(article, _names_for(self.names, article.id)) for article in self.articles]

    def add_to_analysis(self, article: Article, found: list[ArticleName]) -> None:
        """Add to the names and threads an article already listed (arrived from a feed), with its names found;
        after `profile_stories`. Nothing else is redone."""
        if self.names is None or self.stories is None or self.names.knows(article.id):
            return
        self.names.add(article.id, found)
        self.stories.add(article, _names_for(self.names, article.id))
        self._add_copy(article)
        self._name_positions = None  # a name's articles are looked up by id until they are placed again

    def add(self, article: Article) -> None:
        """Add one article to an analysed library: its names, related articles and thread, nothing else redone."""
        from reader.names import article_names

        if article.id in self._by_id:
            return
        self.profile_stories()  # restored threads: weigh the articles already here before adding one
        self._by_id[article.id] = len(self.articles)
        self.articles.append(article)
        self._when.append(_newest_first_key(article))
        insort(self._newest_first, len(self.articles) - 1, key=self._when.__getitem__)
        self._rank = self._everything = None
        if self._search is not None and len(self._search) == len(self.articles) - 1:
            self._search.extend([article])
        if self.names is not None and self.stories is not None:
            self.add_to_analysis(article, article_names(article.body))

    # Stories ------------------------------------------------------------------------------------

    def related(self, article: Article, *, keep: bool = True) -> list[Related]:
        """The article's related articles; `keep=False` when each article is asked for once (export)."""
        return [] if self.stories is None else self.stories.related(article.id, keep=keep)

    def related_articles(self, article: Article) -> list[tuple[Related, Article]]:
        """Each related article with why it is related, for showing and opening."""
        return [(found, other) for found in self.related(article) if (other := self.article(found.article_id))]

    def thread(self, article: Article) -> Thread | None:
        """The story the article belongs to, or None when it stands alone (or threads are not built yet)."""
        return None if self.stories is None else self.stories.thread_of(article.id)

    def copies(self, article: Article) -> list[Article]:
        """The versions of the article's story (the same text, or nearly, from other feeds or ids), itself
        included: one row of a list ("3 sources"), marked read together. Just the article until the stories
        are profiled."""
        if self.stories is None:
            return [article]
        return [a for a in (self.article(i) for i in self.stories.copies_of(article.id)) if a is not None]

    def copy_group(self, article: Article) -> tuple[str, ...] | None:
        """The ids of the article's story's versions, itself included, when it has copies (see `copies`); None
        when it has none, or the groups are not made yet (`prepare_copies`)."""
        return self._copy_groups.get(article.id)

    def prepare_copies(self, index: AnalysisIndex | None = None) -> None:
        """Note which articles are copies of one another, so the list shows each story once: told by the profiled
        stories (one pass over the articles, off the UI thread: a second or so at 400,000) and kept in `index`,
        or read back from it for threads read back (which are not profiled)."""
        stories = self.stories
        if stories is None:
            return
        groups: dict[str, tuple[str, ...]] = {}
        if stories.profiled:
            for article in self.articles:
                if article.id not in groups:
                    ids = stories.copies_of(article.id)
                    if len(ids) > 1:
                        group = tuple(ids)
                        groups.update(dict.fromkeys(group, group))
            if index is not None:
                index.save_copies(self.files, [list(group) for group in dict.fromkeys(groups.values())])
        else:
            kept = index.stored_copies(self.files) if index is not None else None
            if kept is None:
                return  # told when the threads are weighed (a refresh's arrivals), not before
            for ids in kept:
                group = tuple(i for i in ids if i in self._by_id)
                if len(group) > 1:
                    groups.update(dict.fromkeys(group, group))
        rows = self._rows_for(groups)
        self._copy_groups, self._copy_rows = groups, rows  # the screen's thread sees the old groups or the new
        self.copies_made += 1

    def _rows_for(self, groups: dict[str, tuple[str, ...]]) -> _CopyRows:
        """Each group's newest version (the one that stands for the story in a list) and the others."""
        rows = _CopyRows()
        for group in dict.fromkeys(groups.values()):
            positions = sorted((p for p in map(self._by_id.get, group) if p is not None),
                               key=lambda p: (self._when[p], p))
            if len(positions) > 1:
                versions = [self.articles[p] for p in positions]
                rows.stories.append(versions)
                rows.hidden.update(versions[1:])
        return rows

    def _add_copy(self, article: Article) -> None:
        """An article added to the threads may be a copy of one already here: its group grows."""
        if self.stories is None:
            return
        ids = self.stories.copies_of(article.id)
        if len(ids) > 1:
            group = tuple(ids)
            groups = dict(self._copy_groups)
            groups.update(dict.fromkeys(group, group))
            self._copy_groups, self._copy_rows = groups, self._rows_for(groups)
            self.copies_made += 1

    def thread_articles(self, article: Article) -> list[Article]:
        """The articles of the article's thread in date order; just the article when it stands alone."""
        thread = self.thread(article)
        if thread is None:
            return [article]
        return [a for a in (self.article(i) for i in thread.articles) if a is not None]

    def names_in(self, article: Article) -> list[tuple[CollectionName, ArticleName]]:
        return [] if self.names is None else self.names.names_in(article.id)

    def entity(self, entity_id: int) -> CollectionName | None:
        """The collection entity with this id (ids are positions in the NameIndex)."""
        if self.names is None or not 0 <= entity_id < len(self.names.entities):
            return None
        return self.names.entities[entity_id]

    def entity_name(self, entity_id: int) -> str | None:
        """The entity's name, from the summary while the names are still being read back."""
        entity = self.entity(entity_id)
        if entity is not None:
            return entity.name
        top = self.summary.top.values() if self.summary is not None and self.names is None else ()
        return next((name for rows in top for i, name, _ in rows if i == entity_id), None)

    # Views ------------------------------------------------------------------------------------

    def view(self, query: ListQuery, *, one_per_story: bool = False) -> list[Article]:
        """The articles the list shows for `query`: filtered, newest (or oldest) first, undated last.
        `one_per_story`: a story's copies (`copy_group`) are listed once, by the first of them in the order.

        A name filter starts from the name's own articles rather than the whole collection, so it
        costs what that name's articles cost, even among 400,000.
        """
        if not query.filtered and query.newest_first:
            if self._everything is None:
                self._everything = list(map(self.articles.__getitem__, self._newest_first))
            if not one_per_story or not self._copy_rows.hidden:
                return self._everything  # shared: callers only read it
            once = self._stories_once
            if once is None or once[0] is not self._everything or once[1] is not self._copy_rows:
                rows = self._copy_rows  # made beside the screen: the list is kept with the groups it was made by
                once = self._stories_once = (self._everything, rows, list(filterfalse(rows.hidden.__contains__,
                                                                                    self._everything)))
            return once[2]  # shared too
        order: list[int] = self._newest_first
        if query.name is not None:
            order = sorted(self._named(query.name), key=self._ranks().__getitem__)
        words = query.search.casefold().split()
        if words:
            matching = self._search_index().matching(words)
            if query.name is not None or len(matching) * 8 > len(order):
                order = [i for i in order if i in matching]
            else:  # few matches: sort them rather than walk the whole order
                order = sorted(matching, key=self._ranks().__getitem__)
        if query.feed is not None:
            order = [i for i in order if self.articles[i].feed == query.feed]
        if query.starred_only:
            order = [i for i in order if self.read.is_starred(self.articles[i].id)]
        if not query.newest_first:
            dated = [i for i in order if self.articles[i].published is not None]
            order = dated[::-1] + order[len(dated) :]
        articles = self.articles
        if query.unread_only:
            listed = [articles[i] for i in order if not self.read.is_read(articles[i].id)]
        else:
            listed = list(map(articles.__getitem__, order))
        return self._one_per_story(listed) if one_per_story else listed

    def _one_per_story(self, listed: list[Article]) -> list[Article]:
        """`listed` with each story of several versions listed once: by its newest version, or, when a filter
        leaves that out, by its newest one listed. A C-level pass over the list; the stories are walked only
        when the list leaves some out (a filter)."""
        rows = self._copy_rows
        if not rows.hidden:
            return listed
        kept = list(filterfalse(rows.hidden.__contains__, listed))
        if len(kept) == len(listed):
            return listed
        present = set(listed)
        back = set()
        for versions in rows.stories:
            if versions[0] not in present:
                back.update(next(([v] for v in versions if v in present), []))
        if back:  # rare: a filter left out the newest version of some story, but not all of them
            kept = [a for a in listed if a in back or a not in rows.hidden]
        return kept

    def _named(self, entity_id: int) -> Iterable[int]:
        """The positions of the listed articles that name the entity, nearly newest first."""
        kept = self._name_positions
        if kept is not None and kept[0] is self.names and kept[1] == len(self.articles):
            return reversed(kept[2][entity_id]) if 0 <= entity_id < len(kept[2]) else ()
        entity = self.entity(entity_id)
        # A name's articles come oldest first (the order they were analysed in): reversed, they are
        # nearly in list order already, which sorting finds in one pass.
        found = map(self._by_id.get, reversed(entity.articles)) if entity else iter(())
        return [position for position in found if position is not None]  # not (yet) listed: left out

    def prepare_name_filters(self) -> None:
        """Each name's articles by position in the list, so that choosing a name looks up none of them by
        id (a second at 400,000 articles: run it off the UI thread, once the names are found and every
        article is read). Names found or articles added later fall back to looking them up."""
        names = self.names
        if names is None:
            return
        positions: list[array[int]] = [array("I") for _ in names.entities]
        for position, article in enumerate(self.articles):
            for entity_id in names.entity_ids(article.id):
                kept = positions[entity_id]
                if not kept or kept[-1] != position:  # an article names an entity once, however many ways
                    kept.append(position)
        self._name_positions = (names, len(self.articles), positions)

    def _ranks(self) -> list[int]:
        """Each article's place in the newest-first order, by position in `articles`."""
        rank = self._rank
        if rank is None:  # made aside and put in place whole: another thread may be reading it
            rank = [0] * len(self.articles)
            for place, position in enumerate(self._newest_first):
                rank[position] = place
            self._rank = rank
        return rank

    def prepare_search(self) -> None:
        """Index the words of every article (a few seconds for 400,000; run it off the UI thread), and rank
        the articles newest first, which searches and name filters sort by (25 ms at 400,000)."""
        self._search_index().prepare()
        self._ranks()

    def _search_index(self) -> WordIndex:
        search = self._search
        if search is None or len(search) != len(self.articles):
            search = self._search = WordIndex(self.articles)
        return search


_EPOCH = datetime(1970, 1, 1)


class _CopyRows:
    """A list's view of the stories told in several versions: each one's versions newest first, and the set of
    those a list of one row per story leaves out (all but the newest)."""

    def __init__(self) -> None:
        self.stories: list[list[Article]] = []
        self.hidden: set[Article] = set()


def _newest_first_key(article: Article) -> float:
    if article.published is None:
        return math.inf
    return -(article.published - _EPOCH).total_seconds()


def _names_for(index: NameIndex, article_id: str) -> list[tuple[int, str, int]]:
    return [(entity.id, entity.name, found.mentions) for entity, found in index.names_in(article_id)]
