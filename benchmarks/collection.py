"""Names and threads as a reader sees them on a real archive: Reuters-21578 against its editors' index terms.

    python3 -m benchmarks.collection [--top 50] [--threads] [--sample 10] [--seed 1]

Reuters' editors gave each story `people`, `places` and `orgs` index terms. For every term that is
written in the story's text (its body: the reader finds names in the body, where the reading pane shows
them; many Reuters headlines are in capitals and name nothing else), the story's names should hold it
with the right kind, under the right
display name (the collection's name for it, as the sidebar and the story line show it):

- a person (`james-baker`, `volcker`): a person whose display name holds every part of the term;
- a country (`japan`, `west-germany`): a place displayed as that country's name;
- an organisation (`imf`, `worldbank`): an organisation displayed as its name or its acronym.

Then the top rows of each kind in the sidebar (the most widely named entities) are printed, with a
mark on rows that other evidence says are junk or of the wrong kind: a person that is a known place or
an organisation of the index terms, a place the gazetteer does not know, any row with digits or no
lower-case letter in a word of three or more (a table or a code), or a row named like another row of
its kind. Read them: the marks are a floor, not a verdict. With `--threads`, the share of articles in
threads, the biggest threads, and `--sample` threads chosen at random, with their articles' headlines.

The meaning of each index-term code (which names a country code stands for, what an organisation's
acronym expands to) is part of the gold data, kept here; the reader itself knows none of it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import time
from collections import Counter

from benchmarks.archives import REUTERS, reuters_named
from reader.library import Library
from reader.names import KINDS, ORGANIZATION, PERSON, PLACE
from reader.names.gazetteer import fold, place_name, places

# Country codes whose words are not the country's name.
COUNTRY_CODES = {"usa": "United States", "uk": "United Kingdom", "ussr": "Soviet Union"}
# Other names the text may use for a country (what "written in the text" looks for), beyond the gazetteer's.
COUNTRY_FORMS = {"Soviet Union": ["Soviet Union", "USSR"]}
# What each organisation code is called in the text: its acronym(s) and full name(s).
ORGANISATIONS = {
    "ec": ["EC", "EEC", "European Community", "European Economic Community"],
    "imf": ["IMF", "International Monetary Fund"],
    "opec": ["OPEC", "Organization of Petroleum Exporting Countries", "Organisation of Petroleum Exporting Countries"],
    "worldbank": ["World Bank"],
    "gatt": ["GATT", "General Agreement on Tariffs and Trade"],
    "ico-coffee": ["ICO", "International Coffee Organization", "International Coffee Organisation"],
    "oecd": ["OECD", "Organisation for Economic Co-operation and Development",
             "Organization for Economic Cooperation and Development",
             "Organisation for Economic Cooperation and Development"],
    "icco": ["ICCO", "International Cocoa Organization", "International Cocoa Organisation"],
    "adb-asia": ["ADB", "Asian Development Bank"],
    "adb-africa": ["ADB", "African Development Bank"],
    "itc": ["ITC", "International Tin Council"],
    "un": ["UN", "U.N.", "United Nations"],
    "unctad": ["UNCTAD", "United Nations Conference on Trade and Development"],
    "fao": ["FAO", "Food and Agriculture Organization", "Food and Agriculture Organisation"],
    "inro": ["INRO", "International Natural Rubber Organization", "International Natural Rubber Organisation"],
    "eib": ["EIB", "European Investment Bank"],
    "iea": ["IEA", "International Energy Agency"],
}


def _written(forms: list[str], text: str) -> bool:
    """Whether one of the forms is written as a name of its own: not inside another name ("Bank of Japan",
    "Shell Canada Ltd", "North America"), which is a mention of that other name."""
    for form in forms:
        for match in re.finditer(rf"(?<![\w.\-]){re.escape(form)}(?![\w\-])", text):
            before = text[max(0, match.start() - 40) : match.start()]
            after = text[match.end() : match.end() + 20]
            inside = re.search(r"[A-Z][\w&.']*\s+(?:(?:of|de)\s+(?:the\s+)?)?$", before)
            if inside and not re.search(r"(?:^|[.!?\n]\s*)[A-Z][\w&.']*\s+$", before):
                continue  # after a capitalised word (not one that starts a sentence)
            if re.match(r"\s+(?:Corp|Inc|Ltd|Co|Plc|Bank|Petroleum|Airlines)\b", after):
                continue
            return True
    return False


def _country_forms(name: str) -> list[str]:
    """The ways the gazetteer (and the gold table) writes a country, capitalised as in text."""
    folded = {alias for alias, canonical in places().items() if canonical == name}
    forms = {name, *COUNTRY_FORMS.get(name, [])}
    for alias in folded:
        if "." in alias or len(alias) <= 3:
            forms.add(alias.upper())  # u.s. -> U.S., uk -> UK
        else:
            forms.add(alias.title())
    return sorted(forms)


def gold_terms() -> dict[str, dict[str, list[str]]]:
    with gzip.open(REUTERS, "rt", encoding="utf-8") as source:
        return {
            f"reuters-{record['newid']}": {kind: record.get(kind) or [] for kind in ("people", "places", "orgs")}
            for record in map(json.loads, source)
        }


def score_names(library: Library, gold: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """Found / written per kind; prints the scores and returns the gold forms of organisations (for marks)."""
    assert library.names is not None
    written: Counter[str] = Counter()
    found: Counter[str] = Counter()
    missed: dict[str, Counter[str]] = {kind: Counter() for kind in ("people", "countries", "orgs")}
    for article in library.articles:
        terms = gold.get(article.id)
        if not terms:
            continue
        text = article.body
        names = [(entity, name) for entity, name in library.names_in(article)]
        for term in terms["people"]:
            parts = term.split("-")
            surname = parts[-1]
            if not re.search(rf"\b{re.escape(surname)}\b", text, re.IGNORECASE):
                continue
            written["people"] += 1
            ok = any(
                entity.kind == PERSON and set(parts) <= set(re.split(r"[\s.\-]+", fold(entity.name)))
                for entity, _ in names
            )
            found["people"] += ok
            if not ok:
                missed["people"][term] += 1
        for term in terms["places"]:
            country = COUNTRY_CODES.get(term) or place_name(term.replace("-", " "))
            if country is None:
                continue
            if not _written(_country_forms(country), text):
                continue
            written["countries"] += 1
            ok = any(entity.kind == PLACE and entity.name == country for entity, _ in names)
            found["countries"] += ok
            if not ok:
                missed["countries"][country] += 1
        for term in terms["orgs"]:
            forms = ORGANISATIONS.get(term)
            if not forms or not _written(forms, text):
                continue
            written["orgs"] += 1
            ok = any(entity.kind == ORGANIZATION and entity.name in forms for entity, _ in names)
            found["orgs"] += ok
            if not ok:
                missed["orgs"][term] += 1
    print("index terms written in the text, found with the right kind under the right display name:")
    for kind in ("people", "countries", "orgs"):
        share = found[kind] / written[kind] if written[kind] else 0.0
        worst = ", ".join(f"{term} {count}" for term, count in missed[kind].most_common(8))
        print(f"  {kind:10} {share:.3f}  ({found[kind]:,} of {written[kind]:,}; most missed: {worst})")
    return ORGANISATIONS


def top_rows(library: Library, size: int) -> int:
    """Print the top `size` rows of each kind, marking suspect ones; returns how many were marked."""
    assert library.names is not None
    organisation_forms = {fold(form) for forms in ORGANISATIONS.values() for form in forms}
    marked = 0
    for kind in KINDS:
        rows = library.names.ranked_by_kind().get(kind, [])[:size]
        seen: dict[str, str] = {}
        print(f"\ntop {size} {kind} rows (articles, name, mark):")
        for entity in rows:
            name = entity.name
            folded = fold(name)
            marks = []
            if re.search(r"\d", name) or any(len(w) >= 3 and w.isupper() and kind != ORGANIZATION
                                               for w in name.split()):
                marks.append("table or code")
            if kind == ORGANIZATION and len(name.split()) > 1 and name.isupper():
                marks.append("table or code")
            if kind == PERSON and (place_name(name) or folded in organisation_forms):
                marks.append("not a person")
            if kind == PLACE and place_name(name) is None:
                marks.append("unknown place")
            key = re.sub(r"\W", "", folded)
            if key in seen:
                marks.append(f"same as {seen[key]}")
            seen.setdefault(key, name)
            marked += bool(marks)
            print(f"  {len(entity.articles):6,}  {name}{'   <- ' + ', '.join(marks) if marks else ''}")
    return marked


def thread_report(library: Library, sample: int, seed: int) -> None:
    assert library.stories is not None
    stories = library.stories.stories()
    threaded = sum(len(t.articles) for t in stories)
    total = len(library.articles)
    print(f"\nthreads: {len(stories):,} of two or more articles; {threaded:,} of {total:,} articles "
          f"({threaded / total:.1%}) are in one")
    for thread in stories[:5]:
        print(f"  biggest: {len(thread.articles):,} articles, “{thread.title}”")
    sizes = Counter(min(len(t.articles), 10) for t in stories)
    print("  sizes: " + ", ".join(f"{'10+' if s == 10 else s}: {n:,}" for s, n in sorted(sizes.items())))
    chooser = random.Random(seed)
    for thread in chooser.sample(stories, min(sample, len(stories))):
        print(f"\n  thread {thread.id} ({len(thread.articles)} articles): “{thread.title}”")
        for article_id in thread.articles[:8]:
            article = library.article(article_id)
            if article is not None:
                print(f"    {article.iso_date or '':10}  {article.title[:100]}")
        if len(thread.articles) > 8:
            print(f"    … and {len(thread.articles) - 8} more")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--threads", action="store_true", help="also build the threads and report on them")
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    with reuters_named() as named:
        if named is None:
            print(f"skipped: {REUTERS} not found")
            return
        library, seconds = named
        print(f"Reuters-21578: {len(library.articles):,} articles, names found in {seconds:.1f} s")
        score_names(library, gold_terms())
        marked = top_rows(library, options.top)
        print(f"\nmarked rows in the top {options.top} of each kind: {marked} (read them: a floor, not a verdict)")
        if options.threads:
            started = time.perf_counter()
            library.build_stories()
            print(f"\nthreads built in {time.perf_counter() - started:.1f} s")
            thread_report(library, options.sample, options.seed)


if __name__ == "__main__":
    main()
