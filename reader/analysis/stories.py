"""Related articles and story threads: which articles report the same story, and in what order.

Each article becomes a weighted profile of what it is about: the collection entities it names (the
strongest evidence, counted twice) and its distinctive words and numbers, weighted by TF-IDF so that a
name or word found everywhere ("India" in an India collection, "said") counts for almost nothing.
Candidates come from an inverted index over those features, so no article is compared with every
other; features shared by too many articles are skipped when looking for candidates.

Threads are built in two passes, the way a reader sorts a pile of clippings:

1. Topics: one pass in date order; each article joins the topic whose centre (the sum of its articles'
   profiles) it is closest to, or starts a new one. Comparing with a whole topic, not with its closest
   article, means one shared word or name cannot chain two stories together; an article must share two
   features with a topic to join it; and a topic that no article joined for `quiet_days` (the
   `thread_gap_days` setting), or none of the last QUIET_ARTICLES, has gone quiet: a later article on the
   subject starts a thread of its own.
2. Events: inside each topic, words are weighed again against that topic only. "Earthquake" says
   nothing inside a pile of earthquake reports, while "Sumatra", "6.1" or "2013" tell one quake from
   another, so a topic that holds two events splits in two (average linkage on the topic's articles).
   Headlines are too short for this and stay as their topic.
3. Templates: a topic of short items cast in one mould about different names (dividend notices,
   earnings tables, "what you need to know") is told apart by its names: items that share a name are
   one story, the rest stand alone.

An article added later joins the thread it matches best, or stands alone, without rebuilding the rest.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import islice, repeat
from operator import truediv

from reader.analysis import story_gate
from reader.analysis.copies import Copies, copy_key
from reader.analysis.related import (
    CANDIDATE_DF,
    MIN_LINK,
    RELATED_LIMIT,
    RELATED_SIMILARITY,
    SHARED_LEAST,
    RelatedTable,
    average_linkage,
    cosine,
    evidence,
    related_table,
)
from reader.analysis.story_words import numbers_of, table_share, words_of, written_forms
from reader.articles import Article, sources
from reader.text import HEADLINE_MAX, headline

TOPIC_SIMILARITY = 0.10  # average similarity that makes one topic (global word weights)
EVENT_SIMILARITY = 0.075  # average similarity that makes one event inside a topic (topic word weights)
EVENT_MIN_FEATURES = 40  # articles shorter than this (headlines) are not split into events
NAME_WEIGHT = 2  # a shared name counts as much as a word used twice
_FRONT_RUNNERS = 5
_LOOKUP_FEATURES = 12
RECENT_TOPICS = 5  # a feature's candidate topics: the few that used it most recently (a story still running)
# A topic no article joined for this many days has gone quiet: the news has moved on, and a later article on
# the same subject starts a thread of its own (undated articles never make a topic quiet).
QUIET_DAYS = 14.0
# In a firehose (UCI: 2,500 headlines a day) a topic also goes quiet when none of the last this many articles
# joined it: 14 days open took UCI's precision from 0.850 to 0.598, the topics growing into subjects.
QUIET_ARTICLES = 3000
# A pile of items cast in one mould (dividend notices, "what you need to know") about different names:
# no name in more than this share of the pile, and the words most of it shares (in this share or more of
# the pile) each common in the whole collection (in this share of all articles or more).
TEMPLATE_NAME_SHARE = 0.3
TEMPLATE_WORD_SHARE = 0.5
TEMPLATE_DF_SHARE = 0.005
# A thread keeps together articles that, on average, pass the same-story check with more than half of each other
# (average linkage over the check's answers): one link in a chain of daily reports does not make a story, and an
# article that passes with one of a thread's two articles and fails with the other stays out.
SAME_STORY_SHARE = 0.51
TITLE_NAMES = 2  # a thread's title: up to this many names, then headline words, three in all
TITLE_HEADLINES = 20  # how many of a thread's headlines say how its title's words are written
REPORT_EVERY = 5000  # articles between progress reports
Progress = Callable[[str, int, int], None]  # (stage, articles done, articles in all)
NamedArticles = list[tuple[Article, list[tuple[int, str, int]]]]  # each with its (entity id, name, mentions)

@dataclass(slots=True)
class Related:
    """Another article of the same story, how close it is (0–1), and the names and words they share."""

    article_id: str
    score: float
    shared: list[str]


@dataclass(frozen=True, slots=True)
class SavedStories:
    """Threads as kept in the index: how many there were, and those of two or more articles
    as (thread id, title, article ids in date order)."""

    count: int
    threads: list[tuple[int, str, list[str]]]


@dataclass(slots=True)
class Thread:
    """A story: its articles in date order (undated last) and a short title from its commonest names."""

    id: int
    title: str
    articles: list[str] = field(default_factory=list)

    def position(self, article_id: str) -> int:
        return self.articles.index(article_id)


__all__ = ["NamedArticles", "Progress", "Related", "SavedStories", "Stories", "Thread", "words_of"]

Feature = str  # a word, or NAME_MARK and an entity id: a string keeps its hash, so dict lookups are cheap
NAME_MARK = "#"  # never in a word (see reader.story_words)
Postings = defaultdict[Feature, "array[int]"]
_NO_NUMBERS: frozenset[str] = frozenset()
_ALONE = Thread(-1, "")  # in place of a thread of one article, read back before it is profiled


class Stories:
    """Profiles, the inverted index over them, and the threads built from them."""

    def __init__(self, quiet_days: float = QUIET_DAYS, gate: story_gate.StoryGate | None = None) -> None:
        self.quiet_days = quiet_days  # a thread no article joined for this many days has gone quiet
        self.gate = gate  # the same-story check; None: the shipped one (`story_gate.shipped`)
        # While threads are built: raw feature counts and unit-length TF-IDF profiles, as dicts.
        self._counts: list[Counter[Feature]] = []
        self._vectors: list[dict[Feature, float]] = []
        # Afterwards, each profile kept compact: its features (shared objects) and their weights.
        self._profiles: list[tuple[tuple[Feature, ...], array[float]]] = []
        self._features: dict[Feature, Feature] = {}  # one object per feature, however many articles have it
        self._ids: list[str] = []
        self._headlines: list[tuple[Feature, ...]] = []  # each headline's words
        self._titles: list[str] = []  # each headline as written (the title, or an untitled article's body)
        self._bare: list[bool] = []  # each article: whether it is a headline alone (its body says no more)
        self._numbers: list[frozenset[str]] = []  # while threads are built: the figures each article gives
        self._tables: list[float] = []  # and how much of it is a table (figures, labels)
        self._sources: list[str] = []  # while threads are built: the feed or file each article came from
        # While threads are built: each feature's `_background_weight`, each name's words.
        self._background: dict[Feature, float] = {}
        self._name_words: dict[Feature, frozenset[str]] = {}
        self._dates: list[datetime | None] = []
        self._position: dict[str, int] = {}
        # Each feature's articles by position: flat arrays, not lists of Python numbers (35 MB less at Reuters).
        self._postings: Postings = defaultdict(_positions)
        # Beside each posting, that article's weight for the feature (0 when it is not weighed), so that
        # similarities add up feature by feature instead of article by article.
        self._posted_weights: defaultdict[Feature, array[float]] = defaultdict(_weights)
        self._labels: dict[Feature, str] = {}  # a name's feature -> the name (a word is its own label)
        self._copies = Copies()  # which articles are versions of one story
        self._copy_groups: dict[int, list[int]] | None = None
        self._thread_of: list[int] = []
        self._related: dict[str, list[Related]] = {}  # the pane and the sidebar both ask on every open
        self.threads: list[Thread] = []
        self.profiled = False  # restored threads come without profiles: no related articles until `profile`
        self._stories: list[Thread] | None = None
        self._member_of: dict[str, int] | None = None  # read back and not profiled yet: article -> thread
        # Every article's related articles, found in bulk (`find_related`) or read back with the threads.
        self.table: RelatedTable | None = None
        self._shown_table: tuple[RelatedTable, list[bool], dict[int, frozenset[str]]] | None = None

    @classmethod
    def restored(cls, saved: SavedStories, table: RelatedTable | None = None) -> Stories | None:
        """Threads as `saved` left them; None when they do not hold together.

        Only the article -> thread map is made here. Profiles, and threads of one article, come with
        `profile` (in the background), which related articles and adding articles need.
        """
        member_of = {article_id: thread_id for thread_id, _, members in saved.threads for article_id in members}
        kept = {thread_id for thread_id, _, _ in saved.threads}
        if (
            len(member_of) != sum(len(members) for _, _, members in saved.threads)  # one thread per article
            or len(kept) != len(saved.threads)
            or not all(0 <= thread_id < saved.count for thread_id in (min(kept, default=0), max(kept, default=0)))
        ):
            return None
        stories = cls()
        stories.threads = [_ALONE] * saved.count
        for thread_id, title, members in saved.threads:
            stories.threads[thread_id] = Thread(thread_id, title, members)
        stories._member_of = member_of
        stories.table = table
        return stories

    def find_related(self, progress: Progress | None = None) -> RelatedTable:
        """Every article's related articles at once (needs the profiles: `build` or `profile`); kept, and
        returned for the analysis index."""
        if not self.profiled:
            raise RuntimeError("profile the articles before finding related ones")
        report = partial(progress, "related") if progress is not None else None
        table = related_table(
            list(self._ids), self._profiles, lambda f: len(self._postings[f]), lambda f: self._labels.get(f, f), report
        )
        self._related.clear()
        self.table = table
        return table

    def saved(self) -> SavedStories:
        """What `restored` needs: the threads of two or more articles (the rest are one article each)."""
        kept = [(t.id, t.title, list(t.articles)) for t in self.threads if len(t.articles) > 1]
        return SavedStories(len(self.threads), kept)

    # Building -----------------------------------------------------------------------------------

    def _profile(
        self,
        article: Article,
        names: Iterable[tuple[int, str, int]],
        labels: dict[Feature, str],
        words: dict[str, int] | None = None,
    ) -> Counter[Feature]:
        """The article's feature counts; `words`: `words_of(article.text)`, when counted already."""
        counts: Counter[Feature] = Counter()
        shared = self._features
        for word, count in (words if words is not None else words_of(article.text)).items():  # distinct
            # words are distinct: set, not +=, which calls back into Python for a new key
            counts[shared.setdefault(word, word)] = count
        for entity_id, name, mentions in names:
            key = f"{NAME_MARK}{entity_id}"
            feature = shared.setdefault(key, key)
            counts[feature] += NAME_WEIGHT * mentions
            labels[feature] = name
        return counts

    def _place(self, articles: list[Article]) -> None:
        self._ids = [article.id for article in articles]
        self._dates = [article.published for article in articles]
        self._position = {article_id: index for index, article_id in enumerate(self._ids)}
        self._bare = [_bare(article) for article in articles]
        self._titles = [article.title or article.body for article in articles]  # untitled: its first line
        # A headline alone has been counted already: its words are its profile's (a headline is short, never cut).
        counts = self._counts
        self._headlines = [
            tuple(f for f in counts[n] if f[0] != NAME_MARK)
            if bare and counts and len(article.title) <= HEADLINE_MAX and "\n" not in article.title
            else self._headline(article)
            for n, (article, bare) in enumerate(zip(articles, self._bare, strict=True))
        ]
        self._sources = sources(articles)
        # The figures each article gives, for the same-story check; a headline alone is never checked.
        self._numbers = [
            _NO_NUMBERS if bare else numbers_of(article.text)
            for article, bare in zip(articles, self._bare, strict=True)
        ]
        self._tables = [
            0.0 if bare else table_share(article.text) for article, bare in zip(articles, self._bare, strict=True)
        ]

    def _headline(self, article: Article) -> tuple[Feature, ...]:
        """The headline's words, as the profiles' feature objects: what a thread's title is made of. An untitled
        article's headline is the one the reader shows for it (its first line or sentence)."""
        return tuple(self._features.setdefault(word, word) for word in words_of(headline(article.title, article.body)))

    def _weighed(
        self,
        articles: NamedArticles,
        words: Iterable[dict[str, int]] | None,
        progress: Progress | None,
    ) -> tuple[list[Counter[Feature]], list[dict[Feature, float]], dict[Feature, str], Postings]:
        labels: dict[Feature, str] = {}
        postings: Postings = defaultdict(_positions)
        report = partial(progress, "profiles") if progress is not None else None
        counts = list(self._counted(articles, labels, postings, words, report))
        total = len(counts)
        vectors = [self._weigh(c.items(), lambda f: len(postings[f]), total) for c in counts]
        return counts, vectors, labels, postings

    def _counted(
        self,
        articles: NamedArticles,
        labels: dict[Feature, str],
        postings: Postings,
        words: Iterable[dict[str, int]] | None = None,
        report: Callable[[int, int], None] | None = None,
    ) -> Iterator[Counter[Feature]]:
        """Each article's feature counts, posting it under each of its features as it goes. `words`: each
        article's `words_of`, in order, if they are counted elsewhere (in a pool of processes). `report`
        hears how many articles are done, of how many."""
        counted: Iterable[dict[str, int] | None] = words if words is not None else repeat(None, len(articles))
        for index, ((article, names), found) in enumerate(zip(articles, counted, strict=True)):
            if report is not None and index % REPORT_EVERY == 0:
                report(index, len(articles))
            counts = self._profile(article, names, labels, found)
            for feature in counts:
                postings[feature].append(index)
            yield counts

    def profile(
        self,
        articles: NamedArticles,
        words: Iterable[dict[str, int]] | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Weigh what each article is about, for related articles (threads read back need it). Built aside
        and put in place at the end, so a reader on another thread sees no related articles or all of them."""
        # Compact as it goes: every article's counts are needed (for document frequencies) before any is
        # weighed, but never as dicts all at once.
        labels: dict[Feature, str] = {}
        postings: Postings = defaultdict(_positions)
        report = partial(progress, "profiles") if progress is not None else None
        counted: list[tuple[tuple[Feature, ...], array[float]] | None] = [
            _compact(counts) for counts in self._counted(articles, labels, postings, words, report)
        ]
        total = len(counted)
        posted: defaultdict[Feature, array[float]] = defaultdict(_weights)
        profiles = []
        features: list[tuple[Feature, ...]] = []  # what copies are told by
        for index, found in enumerate(counted):
            assert found is not None
            counted[index] = None  # weighed: its counts are not needed any more
            features.append(found[0])
            vector = self._weigh(zip(*found, strict=True), lambda f: len(postings[f]), total)
            _post(posted, found[0], vector)
            profiles.append(_compact(vector))
        self._place([article for article, _ in articles])
        if self._member_of is not None:
            self._thread_of = self._threads_of_one(self._member_of)
        self._labels, self._postings, self._posted_weights, self._profiles = labels, postings, posted, profiles
        self._find_copies([article for article, _ in articles], self._vector, features.__getitem__)
        self._related.clear()
        self.profiled = True
        self._member_of = None

    def _threads_of_one(self, member_of: dict[str, int]) -> list[int]:
        """Each placed article's thread, read back; one not in any thread gets a thread of its own."""
        thread_of = [member_of.get(article_id, -1) for article_id in self._ids]
        free = (thread_id for thread_id, thread in enumerate(self.threads) if thread is _ALONE)
        for index, thread_id in enumerate(thread_of):
            if thread_id < 0:
                thread_id = next(free, len(self.threads))
                if thread_id == len(self.threads):
                    self.threads.append(_ALONE)
                self.threads[thread_id] = Thread(thread_id, "", [self._ids[index]])
                thread_of[index] = thread_id
        return thread_of

    def _find_copies(
        self,
        articles: list[Article],
        vector_of: Callable[[int], dict[Feature, float]],
        features_of: Callable[[int], Iterable[Feature]],
    ) -> None:
        """Which articles are versions of one story: the same text, the same link, or nearly the same words."""
        self._copies, self._copy_groups = Copies(), None
        for index, article in enumerate(articles):
            self._copy(index, article, vector_of(index), features_of(index))

    def _copy(self, index: int, article: Article, vector: dict[Feature, float], features: Iterable[Feature]) -> int:
        key = copy_key(article.title, article.body)
        return self._copies.add(
            index, key, article.link, vector, features, self._postings.__getitem__, article.published
        )

    def copies_of(self, article_id: str) -> list[str]:
        """The versions of the article's story (the same text, or nearly, from other feeds or with other ids),
        itself included, in the order they were listed; just the article when it has none (or before the
        profiles are made)."""
        index = self._position.get(article_id)
        if index is None or index >= len(self._copies.root):
            return [article_id]
        groups = self._copy_groups
        if groups is None:
            groups = self._copy_groups = self._copies.groups()
        members = groups.get(self._copies.root[index])
        return [self._ids[i] for i in members] if members else [article_id]

    def _register(self, article: Article, counts: Counter[Feature]) -> int:
        index = len(self._ids)
        self._ids.append(article.id)
        self._dates.append(article.published)
        self._position[article.id] = index
        self._headlines.append(self._headline(article))
        self._titles.append(article.title or article.body)
        self._bare.append(_bare(article))
        self._numbers.append(_NO_NUMBERS)  # the check runs as threads are built, not on articles added later
        self._tables.append(0.0)
        self._sources.append(article.source)
        for feature in counts:
            self._postings[feature].append(index)
        return index

    def _weigh(
        self,
        counts: Iterable[tuple[Feature, float]],
        document_frequency: Callable[[Feature], int],
        total: int,
        most: float = 0.5,
    ) -> dict[Feature, float]:
        """(feature, count) pairs as a unit-length TF-IDF profile."""
        vector: dict[Feature, float] = {}
        for feature, count in counts:
            df = document_frequency(feature)
            if df < 2 or df > total * most:
                continue  # in one article only (links nothing) or in most of them (tells nothing)
            vector[feature] = (1 + math.log(count)) * math.log(total / df)
        return _unit(vector)

    def build(
        self,
        articles: NamedArticles,
        words: Iterable[dict[str, int]] | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Profile every article, then cluster them into threads. `names` are (entity id, name, mentions);
        `words`, if given, each article's `words_of(article.text)` in the same order. `progress` hears
        how far the profiles ("profiles") and then the grouping ("threads") have got."""
        self._counts, self._vectors, self._labels, self._postings = self._weighed(articles, words, progress)
        self._place([article for article, _ in articles])
        self._find_copies([article for article, _ in articles], self._vectors.__getitem__, self._counts.__getitem__)
        total = len(self._ids)
        topics = self._topics(progress)
        self._thread_of = [-1] * total
        groups: list[list[int]] = []
        for members in topics:
            if self._splittable(members):
                groups.extend(self._events(members))
            elif self._templated(members):
                groups.extend(self._by_names(members))
            else:
                groups.append(members)
        self._background, self._name_words = {}, {}
        groups = [part for members in groups for part in self._verified(members)]
        self.threads, self._stories = [], None
        for members in groups:
            self._new_thread(members)
        # Threads are built: keep the profiles compact, and the counts and the check's weights no more.
        self._background, self._name_words = {}, {}
        self._posted_weights = _posted_weights(self._counts, self._vectors)
        self._profiles = [_compact(vector) for vector in self._vectors]
        self._counts, self._vectors, self._numbers, self._tables, self._sources = [], [], [], [], []
        self._related.clear()
        self.profiled = True

    @staticmethod
    def _links(members: list[int], vectors: dict[int, dict[Feature, float]]) -> dict[tuple[int, int], float]:
        """Every similarity between articles of a topic that share a not-too-common feature."""
        postings: defaultdict[Feature, list[int]] = defaultdict(list)
        for index in members:
            for feature in vectors[index]:
                postings[feature].append(index)
        links: dict[tuple[int, int], float] = {}
        for index in members:
            vector = vectors[index]
            scores: defaultdict[int, float] = defaultdict(float)
            common = []
            for feature, weight in vector.items():
                posting = postings[feature]
                if len(posting) > CANDIDATE_DF:
                    common.append((feature, weight))  # adds to the similarity, but finds no candidates
                    continue
                for other in posting:
                    if other > index:
                        scores[other] += weight * vectors[other][feature]
            for feature, weight in common:
                for other in postings[feature]:
                    if other in scores:
                        scores[other] += weight * vectors[other][feature]
            # Profiles are unit length: the dot products added up feature by feature are the cosines.
            links.update(((index, other), score) for other, score in scores.items())
        return links

    def _topics(self, progress: Progress | None = None) -> list[list[int]]:
        """One pass in date order: each article joins the topic whose centre it is closest to, or starts one."""
        order = sorted(range(len(self._ids)), key=self._date_key)
        centres: list[dict[Feature, float]] = []
        norms: list[float] = []
        members: list[list[int]] = []
        holders: defaultdict[Feature, list[int]] = defaultdict(list)  # feature -> topics whose centre has it
        last_joined: list[datetime | None] = []  # each topic's latest dated article
        last_seen: list[int] = []  # when each topic was last joined, in articles seen
        quiet = timedelta(days=self.quiet_days)
        for done, index in enumerate(order):
            if progress is not None and done % REPORT_EVERY == 0:
                progress("threads", done, len(order))
            vector = self._vectors[index]
            dots: dict[int, float] = {}
            # Candidates: the topics that most recently used one of the article's most distinctive features
            # (a common word's old topics are stale news).
            lookup = (
                vector
                if len(vector) <= _LOOKUP_FEATURES
                else heapq.nlargest(_LOOKUP_FEATURES, vector, key=vector.__getitem__)
            )
            for feature in lookup:
                weight = vector[feature]
                for topic in holders[feature][-RECENT_TOPICS:]:
                    dots[topic] = dots.get(topic, 0.0) + weight * centres[topic][feature]
            date = self._dates[index]
            # Topics gone quiet are no candidates: none of the last QUIET_ARTICLES joined them, or none for a while.
            since = done - QUIET_ARTICLES
            dots = {
                t: dot
                for t, dot in dots.items()
                if last_seen[t] >= since and (date is None or (last := last_joined[t]) is None or date - last <= quiet)
            }
            # Rank by the rarer features' share, then score the few front-runners exactly.
            front: Iterable[int] = dots
            if len(dots) > _FRONT_RUNNERS:
                shares = sorted(
                    zip(map(truediv, dots.values(), map(norms.__getitem__, dots)), dots, strict=True), reverse=True
                )
                front = [topic for _, topic in shares[:_FRONT_RUNNERS]]
            best, best_similarity = -1, 0.0
            for topic in front:
                similarity = cosine(vector, centres[topic]) / norms[topic]
                if similarity > best_similarity or (similarity == best_similarity and topic < best):
                    if evidence(vector, centres[topic]):
                        best, best_similarity = topic, similarity
            if best_similarity < TOPIC_SIMILARITY:
                best = len(centres)
                centres.append({})
                members.append([])
                norms.append(1.0)
                last_joined.append(None)
                last_seen.append(done)
            last_seen[best] = done
            if date is not None:
                last_joined[best] = date
            centre = centres[best]
            square = norms[best] ** 2 if len(centre) else 0.0
            for feature, weight in vector.items():
                before = centre.get(feature)
                if before is None:
                    holders[feature].append(best)
                    before = 0.0
                centre[feature] = before + weight
                square += (before + weight) ** 2 - before**2
            norms[best] = math.sqrt(square) or 1.0
            members[best].append(index)
        return members

    def _date_key(self, index: int) -> tuple[bool, datetime, str]:
        date = self._dates[index]
        return (date is None, date or datetime.min, self._ids[index])

    def _splittable(self, members: list[int]) -> bool:
        """Whether a topic can be told apart into events: enough articles, and long enough to say when and who.

        A headline has a handful of words; weighed against its topic, two headlines of the same story
        rarely share one, so splitting piles of headlines would only scatter their stories.
        """
        if len(members) < 4:
            return False
        lengths = sorted(len(self._counts[index]) for index in members)
        return lengths[len(lengths) // 2] >= EVENT_MIN_FEATURES

    def _templated(self, members: list[int]) -> bool:
        """A pile of items cast in one mould about different names: dividend notices, earnings tables,
        "what you need to know" pieces. Their words are shared by most of them, their names by few."""
        if len(members) < 4:
            return False
        names: Counter[Feature] = Counter()
        words: Counter[Feature] = Counter()
        for index in members:
            for feature in self._counts[index]:
                (names if feature[0] == NAME_MARK else words)[feature] += 1
        top_name = max(names.values(), default=0)
        if top_name >= TEMPLATE_NAME_SHARE * len(members):
            return False
        # The mould: words most of the pile shares that are common in the whole collection too ("div",
        # "qtly", "know"), not one story's own ("earthquake", "Noah"), which few other articles use.
        common = TEMPLATE_DF_SHARE * len(self._ids)
        mould = [f for f, n in words.items() if n >= TEMPLATE_WORD_SHARE * len(members)]
        return bool(mould) and all(len(self._postings[f]) >= common for f in mould)

    def _by_names(self, members: list[int]) -> list[list[int]]:
        """A templated pile told apart by its names: items that share a name (one not in most of the pile)
        are one story; an item that shares none stands alone."""
        names: defaultdict[Feature, list[int]] = defaultdict(list)
        for index in members:
            for feature in self._counts[index]:
                if feature[0] == NAME_MARK:
                    names[feature].append(index)
        parent = {index: index for index in members}

        def root(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        for holders in names.values():
            if 1 < len(holders) <= max(2, len(members) // 2):
                first = root(holders[0])
                for other in holders[1:]:
                    parent[root(other)] = first
        groups: defaultdict[int, list[int]] = defaultdict(list)
        for index in members:
            groups[root(index)].append(index)
        return list(groups.values())

    def _events(self, members: list[int]) -> list[list[int]]:
        """Split a topic into events, weighing each word by how rare it is inside the topic."""
        frequency: Counter[Feature] = Counter(f for index in members for f in self._counts[index])
        # Inside a topic, a word in most of its articles may still be one event's own: only a word in
        # every article (weight log 1 = 0) says nothing.
        size = len(members)
        local = {index: self._weigh(self._counts[index].items(), frequency.__getitem__, size, 1.0) for index in members}
        links = self._links(members, local)
        position = {index: n for n, index in enumerate(members)}
        renumbered = {(position[a], position[b]): s for (a, b), s in links.items()}
        return [[members[n] for n in group] for group in average_linkage(len(members), renumbered, EVENT_SIMILARITY)]

    def _verified(self, members: list[int]) -> list[list[int]]:
        """A thread's articles kept together where pairs of them pass the same-story check, the rest alone.

        Headlines alone are too short to be checked (a pair shares a word or two, and rarely a name): a
        thread of them told by several outlets is kept as it is. One outlet's (a wire's briefs, a title-only
        feed) are held to the one-outlet check like any of its articles, which a headline rarely passes: one
        outlet's next headline about the same company is mostly its next piece of news, not the same story.
        """
        if len(members) < 2:
            return [members]
        if 2 * sum(self._bare[index] for index in members) >= len(members) and self._told_by_several(members):
            return [members]
        gate = self.gate or story_gate.shipped()
        vectors = {index: self._checked_vectors(index) for index in members}
        names = {index: self._names_of(index) for index in members}
        links = {
            (n, m): 1.0
            for n, a in enumerate(members)
            for m in range(n + 1, len(members))
            if gate.same_story(self._likeness(a, members[m], vectors, names))
        }
        return [[members[n] for n in group] for group in average_linkage(len(members), links, SAME_STORY_SHARE)]

    def _told_by_several(self, members: list[int]) -> bool:
        """Whether the articles come from more than one source (feed, outlet or file)."""
        sources = self._sources
        first = sources[members[0]]
        return any(sources[index] != first for index in members)

    def _names_of(self, index: int) -> frozenset[Feature]:
        return frozenset(f for f in self._counts[index] if f[0] == NAME_MARK)

    def _background_weight(self, feature: Feature) -> float:
        """A feature's rarity read against the news at large (`story_gate.rarity`): in a collection of five
        articles, a story's words are in most of them and would otherwise weigh nothing."""
        weight = self._background.get(feature)
        if weight is None:
            weight = self._background[feature] = story_gate.rarity(len(self._postings[feature]), len(self._ids))
        return weight

    def _words_of_name(self, feature: Feature) -> frozenset[str]:
        found = self._name_words.get(feature)
        if found is None:
            found = self._name_words[feature] = frozenset(words_of(self._labels.get(feature, "")))
        return found

    def _checked_vectors(self, index: int) -> tuple[dict[Feature, float], ...]:
        """What the same-story check compares of an article, each weighed by `_background_weight`, unit
        length: its words and names; its headline's words; and both again without its names and the words
        they are made of (what happened, not to whom: "restaurant", "offering")."""
        counts = self._counts[index]
        weight = self._background_weight
        words = {f: (1 + math.log(n)) * weight(f) for f, n in counts.items()}
        headline = {f: weight(f) for f in self._headlines[index]}
        in_names: set[str] = set()
        for feature in counts:
            if feature[0] == NAME_MARK:
                in_names |= self._words_of_name(feature)
        events = {f: w for f, w in words.items() if f[0] != NAME_MARK and f not in in_names}
        event_headline = {f: w for f, w in headline.items() if f not in in_names}
        return _unit(words), _unit(headline), _unit(events), _unit(event_headline)

    def _likeness(
        self,
        a: int,
        b: int,
        vectors: Mapping[int, tuple[dict[Feature, float], ...]],
        names: Mapping[int, frozenset[Feature]],
    ) -> tuple[float, ...]:
        """What the same-story check compares of two articles (while threads are built)."""
        shared = names[a] & names[b]
        first, second = self._dates[a], self._dates[b]
        return story_gate.likeness(
            [cosine(mine, theirs) for mine, theirs in zip(vectors[a], vectors[b], strict=True)],
            [self._background_weight(f) for f in shared],
            (len(names[a]), len(names[b])),
            max(self._missing_headline_name(a, b, names), self._missing_headline_name(b, a, names)),
            (first - second).total_seconds() / 86400 if first and second else None,
            (self._numbers[a], self._numbers[b]),
            min(self._tables[a], self._tables[b]),
            self._sources[a] == self._sources[b],
        )

    def _missing_headline_name(self, a: int, b: int, names: Mapping[int, frozenset[Feature]]) -> float:
        """The rarity of the rarest name `a`'s headline gives that `b` never mentions, not even by one of its
        words ("Japan" in an article on the Bank of Japan): 0 when b mentions all of them."""
        headline = set(self._headlines[a])
        theirs = self._counts[b]
        missing = 0.0
        for feature in names[a] - names[b]:
            words = self._words_of_name(feature)
            if not words.isdisjoint(headline) and all(word not in theirs for word in words):
                missing = max(missing, self._background_weight(feature))
        return missing

    def _new_thread(self, members: list[int]) -> Thread:
        thread = Thread(len(self.threads), "", [])
        self.threads.append(thread)
        for index in members:
            self._thread_of[index] = thread.id
        self._order(thread, members)
        return thread

    def _order(self, thread: Thread, members: list[int]) -> None:
        members = sorted(members, key=self._date_key)
        thread.articles = [self._ids[i] for i in members]
        thread.title = self._title(members) if len(members) > 1 else ""  # an article alone is no thread shown

    def _title(self, members: list[int]) -> str:
        """The thread's most specific names and headline words: "Texaco Inc · bankruptcy · creditor".

        A feature scores by how many of the thread's articles (for a word: headlines) have it, times how rare
        it is in the whole collection, so a country named everywhere does not title every thread. A name
        counts only when one of its words is in a headline, so that the labels of a table (NIL, APR) or a
        name in passing ("Reuters") never title a story. Headlines that are only a table's figures give no
        words: then the words of the text that are not a table's title it, or, when it is all figures, its names.
        """
        spread: Counter[Feature] = Counter()
        mentions: Counter[Feature] = Counter()
        headline: Counter[Feature] = Counter()
        text: Counter[Feature] = Counter()
        for index in members:  # counts while threads are built; weights for an article added later
            found: Mapping[Feature, float] = self._counts[index] if self._counts else self._vector(index)
            named = {f: n for f, n in found.items() if f[0] == NAME_MARK}
            spread.update(named.keys())
            mentions.update(named)
            headline.update(set(self._headlines[index]))
            text.update(f for f in found if f[0] != NAME_MARK)
        if not headline:
            headline = text
        total = len(self._ids)

        def rarity(feature: Feature) -> float:
            return 1 + math.log(total / max(1, len(self._postings[feature])))

        def in_headlines(feature: Feature) -> bool:  # when nothing but figures is written, any name
            return not headline or any(word in headline for word in self._words_of_name(feature))

        ranked = sorted(spread, key=lambda f: (spread[f] * rarity(f), mentions[f], f), reverse=True)
        chosen = [self._labels[f] for f in islice(filter(in_headlines, ranked), TITLE_NAMES)]  # the first that pass
        in_names = set(words_of(" ".join(chosen)))
        words = heapq.nlargest(
            3 - len(chosen), (f for f in headline if f not in in_names), key=lambda f: (headline[f] * rarity(f), f)
        )
        # Each word as the headlines write it ("policies", not the "policie" profiles count), from a few of them.
        shown = written_forms((self._titles[index] for index in members[:TITLE_HEADLINES]), words) if words else {}
        return " · ".join(chosen + [shown.get(word, word) for word in words])

    def add(self, article: Article, names: list[tuple[int, str, int]]) -> Thread:
        """Index one more article: it joins the thread it matches best on average, or starts its own."""
        if not self.profiled:
            raise RuntimeError("profile the restored threads before adding to them")
        counts = self._profile(article, names, self._labels)
        index = self._register(article, counts)
        self._related.clear()  # the new article may belong in any of them
        self.table = None  # found before it came: each article's are weighed alone from now on
        self._stories = None
        total = len(self._ids)
        vector = self._weigh(counts.items(), lambda f: len(self._postings[f]), total)
        _post(self._posted_weights, counts, vector)
        self._profiles.append(_compact(vector))
        self._copy(index, article, vector, counts)
        self._copy_groups = None
        self._thread_of.append(-1)
        sums: defaultdict[int, float] = defaultdict(float)
        for other, similarity in self._neighbours(index):
            if self._open(self._thread_of[other], article.published):
                sums[self._thread_of[other]] += similarity
        best = max(sums, key=lambda t: (sums[t] / len(self.threads[t].articles), -t), default=None)
        if best is not None and sums[best] / len(self.threads[best].articles) >= TOPIC_SIMILARITY:
            thread = self.threads[best]
            self._thread_of[index] = thread.id
            self._order(thread, [self._position[a] for a in thread.articles] + [index])
            return thread
        return self._new_thread([index])

    def _open(self, thread_id: int, date: datetime | None) -> bool:
        """Whether the thread is still news at `date`: some dated article of it came at most `quiet_days` before."""
        if date is None:
            return True
        dates = [d for a in self.threads[thread_id].articles if (d := self._dates[self._position[a]]) is not None]
        return not dates or date - max(dates) <= timedelta(days=self.quiet_days)

    # Reading ------------------------------------------------------------------------------------

    def _vector(self, index: int) -> dict[Feature, float]:
        features, weights = self._profiles[index]
        return dict(zip(features, weights, strict=True))

    def _neighbours(self, index: int) -> list[tuple[int, float]]:
        """Articles sharing a not-too-common feature with this one, and their cosine similarity to it (added
        up over the postings of its features: the cost is in its features' postings, not in the articles)."""
        vector = self._vector(index)
        scores: dict[int, float] = {}
        common = []
        for feature, weight in vector.items():
            posting = self._postings[feature]
            if len(posting) > CANDIDATE_DF:
                common.append((feature, weight))  # scores, but finds no candidates
                continue
            for other, other_weight in zip(posting, self._posted_weights[feature], strict=True):
                scores[other] = scores.get(other, 0.0) + weight * other_weight
        for feature, weight in common:
            for other, other_weight in zip(self._postings[feature], self._posted_weights[feature], strict=True):
                if other in scores:
                    scores[other] += weight * other_weight
        scores.pop(index, None)
        return [(other, s) for other, s in scores.items() if s >= MIN_LINK]

    def related(self, article_id: str, limit: int = RELATED_LIMIT, *, keep: bool = True) -> list[Related]:
        """The articles closest to this one, best first, each with the names and words they share: from
        the table found in bulk, or (an article added since) weighed alone. `keep=False`: not kept for
        the next time it is asked for (an export goes through every article once: at 400,000 articles
        keeping them all would cost 300 MB)."""
        cached = self._related.get(article_id)
        if cached is not None:
            return cached[:limit]
        table = self.table
        in_table = table.of(article_id) if table is not None else None
        if table is not None and in_table is not None:
            shown = self._shown_of(table)
            found = [Related(other, round(score, 3), shown(shared)) for other, score, shared in in_table]
            if keep:
                self._related[article_id] = found
            return found[:limit]
        index = self._position.get(article_id)
        if index is None or not self.profiled:
            return []
        vector = self._vector(index)
        close = []
        for other, similarity in self._neighbours(index):
            if similarity < RELATED_SIMILARITY:
                continue
            shared = [f for f in self._profiles[other][0] if f in vector]
            if len(shared) >= SHARED_LEAST:
                close.append((similarity, other, shared))
        best = heapq.nlargest(RELATED_LIMIT, close, key=lambda c: (c[0], -c[1]))
        found = [
            Related(self._ids[other], round(similarity, 3), self._labelled(shared, vector, self._vector(other)))
            for similarity, other, shared in best
        ]
        if keep:
            self._related[article_id] = found
        return found[:limit]

    def prepare_related(self) -> None:
        """Make what the first related list asks for (the table's lookup by id, what each shared feature is
        called), off the UI thread: 0.1 s at Reuters-21578, more at 400,000 articles."""
        if self.table is not None:
            self.table.position("")
            self._shown_of(self.table)

    def _shown_of(self, table: RelatedTable) -> Callable[[list[int]], list[str]]:
        """What `_labels_shown` says of a pair's shared features in `table`, each feature looked at once per
        table (whether it is a name, and which words a name is made of), not once per pair."""
        kept = self._shown_table
        if kept is None or kept[0] is not table:
            is_name = [feature[0] == NAME_MARK for feature in table.features]
            kept = self._shown_table = (table, is_name, {})
        _, is_name, known_words = kept
        labels, features = table.labels, table.features

        def name_words(i: int) -> frozenset[str]:
            """The words a name is made of, worked out when a list first shows it (most never are)."""
            found = known_words.get(i)
            if found is None:
                found = known_words[i] = frozenset(words_of(labels[i]))
            return found

        def shown(shared: list[int]) -> list[str]:
            names = [i for i in shared if is_name[i]][:3]
            in_names = frozenset().union(*map(name_words, names))
            words = [features[i] for i in shared if not is_name[i] and features[i] not in in_names][:3]
            return [labels[i] for i in names] + words

        return shown

    def _labelled(self, shared: list[Feature], vector: dict[Feature, float], other: dict[Feature, float]) -> list[str]:
        """Up to three shared names, then up to three shared words that are not part of those names."""
        shared = sorted(shared, key=lambda f: (-vector[f] * other[f], f))  # equals by name, as in bulk
        return _labels_shown(shared, lambda f: self._labels.get(f, f))

    def thread_of(self, article_id: str) -> Thread | None:
        """The article's story thread, or None when it stands alone."""
        member_of = self._member_of
        if member_of is not None:
            thread_id = member_of.get(article_id)
            return None if thread_id is None else self.threads[thread_id]
        index = self._position.get(article_id)
        if index is None or self._thread_of[index] < 0:  # unknown, or not in the threads read back
            return None
        thread = self.threads[self._thread_of[index]]
        return thread if len(thread.articles) > 1 else None

    def stories(self) -> list[Thread]:
        """Threads of two or more articles, the biggest first (kept until an article is added)."""
        found = self._stories
        if found is None:
            found = sorted((t for t in self.threads if len(t.articles) > 1), key=lambda t: (-len(t.articles), t.id))
            self._stories = found
        return found


def _unit(vector: dict[Feature, float]) -> dict[Feature, float]:
    """The vector scaled to unit length (an empty one as it is)."""
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {feature: w / norm for feature, w in vector.items()}


def _bare(article: Article) -> bool:
    """Whether an article is its headline alone: no body, or a body that is the headline again."""
    body = article.body.strip()
    return not body or body == article.title.strip()


def _labels_shown(shared: list[Feature], label: Callable[[Feature], str]) -> list[str]:
    """Of the shared features, the heaviest first: up to three names, then up to three words that are not
    part of those names."""
    names = [label(f) for f in shared if f[0] == NAME_MARK][:3]
    in_names = set(words_of(" ".join(names)))
    words = [f for f in shared if f[0] != NAME_MARK and f not in in_names][:3]
    return names + words


def _positions() -> array[int]:
    return array("i")


def _weights() -> array[float]:
    return array("d")


def _posted_weights(
    counts: list[Counter[Feature]], vectors: list[dict[Feature, float]]
) -> defaultdict[Feature, array[float]]:
    """Each article's weight beside each of its postings, in the order the postings were made."""
    posted: defaultdict[Feature, array[float]] = defaultdict(_weights)
    for found, vector in zip(counts, vectors, strict=True):
        _post(posted, found, vector)
    return posted


def _post(
    posted: defaultdict[Feature, array[float]], features: Iterable[Feature], vector: dict[Feature, float]
) -> None:
    """An article's weight beside each of its postings (0 for a feature it has but is not weighed on)."""
    for feature in features:
        posted[feature].append(vector.get(feature, 0.0))


def _compact(vector: Mapping[Feature, float]) -> tuple[tuple[Feature, ...], array[float]]:
    return tuple(vector), array("d", vector.values())
