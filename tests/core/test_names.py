"""The first name finder on the seed articles and on small cases of its own."""

from __future__ import annotations

import json
from pathlib import Path

from reader.library import Library
from reader.names import article_names
from reader.pipeline import analyse
from tests.conftest import make_library, write


def _entities(library: Library) -> dict[str, tuple[str, set[str]]]:
    index = analyse(library)
    assert index is not None
    return {e.name: (e.kind, e.aliases) for e in index.entities}


def test_seed_people_are_people_with_their_aliases_merged(seeds_library: Library) -> None:
    entities = _entities(seeds_library)
    assert entities["Rajnath Singh"] == ("person", {"Rajnath Singh", "Singh"})
    kind, aliases = entities["Yoshimasa Hayashi"]
    assert kind == "person" and {"Hayashi Yoshimasa", "Yoshimasa Hayashi"} <= aliases
    assert entities["Yasukazu Hamada"][1] >= {"Hamada Yasukazu", "Yasukazu Hamada"}
    assert entities["S Jaishankar"][1] >= {"S Jaishankar", "S. Jaishankar", "Jaishankar"}
    assert entities["Narendra Modi"][1] >= {"Narendra Modi", "Modi", "@narendramodi"}
    assert entities["Ministry of External Affairs"][1] >= {"MEA"}
    assert entities["Ministry of Defence"][1] >= {"MoD"}


def test_seed_places_and_organisations(seeds_library: Library) -> None:
    entities = _entities(seeds_library)
    for place in ("India", "Japan", "Tokyo", "Mongolia", "New Delhi", "Ukraine"):
        assert entities[place][0] == "place", place
    assert entities["QUAD"][0] == "organization"


def test_sentence_starts_headings_and_bare_titles_are_not_names(seeds_library: Library) -> None:
    every_alias = {alias for _, aliases in _entities(seeds_library).values() for alias in aliases}
    for word in ("Taking", "Expected Agenda", "Agenda", "Also Read", "Read", "Minister", "Prime Minister",
                 "PM", "Dr", "Stage", "Looking", "During", "Japanese", "Indian"):
        assert word not in every_alias, word


def test_spans_point_at_the_mentions_in_the_body() -> None:
    body = "Defence Minister Rajnath Singh flew to Tokyo. Singh met officials of the Ministry of Defence."
    names = {n.name: n for n in article_names(body)}
    singh = names["Rajnath Singh"]
    assert [body[s:e] for s, e in singh.spans] == ["Rajnath Singh", "Singh"]
    assert [body[s:e] for s, e in names["Tokyo"].spans] == ["Tokyo"]
    assert names["Ministry of Defence"].kind == "organization"


def test_a_short_form_shared_by_two_people_is_not_merged() -> None:
    body = "Rahul Singh met Rajnath Singh in Delhi. Singh said little."
    names = {n.name: n for n in article_names(body)}
    assert names["Rahul Singh"].aliases == ["Rahul Singh"]
    assert names["Rajnath Singh"].aliases == ["Rajnath Singh"]


def test_possessives_and_curly_apostrophes() -> None:
    names = {n.name: n for n in article_names("Prime Minister Narendra Modi’s visit to Japan's capital Tokyo.")}
    assert names["Narendra Modi"].aliases == ["Narendra Modi"]
    assert names["Japan"].kind == "place"


def test_the_place_cache_gives_the_same_places_as_geonames(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from reader.names import gazetteer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    gazetteer._tables.cache_clear()
    fresh = gazetteer._tables()  # parses GeoNames and writes the cache
    assert list(tmp_path.rglob("places-*.json"))
    gazetteer._tables.cache_clear()
    assert gazetteer._tables() == fresh  # read back from the cache
    assert fresh[0]["tokyo"] == "Tokyo" and "japan" in fresh[1]
    gazetteer._tables.cache_clear()


def _kinds(*bodies: str) -> dict[str, str]:
    """Each name the bodies give, by its kind (read one article at a time)."""
    return {n.name: n.kind for body in bodies for n in article_names(body)}


def _found(body: str) -> dict[str, tuple[str, list[str]]]:
    return {n.name: (n.kind, n.aliases) for n in article_names(body)}


def test_a_misspelling_one_edit_from_one_name_merges_with_it(seeds_library: Library) -> None:
    assert "Jaishnakar" in _entities(seeds_library)["S Jaishankar"][1]
    names = _found("Foreign Minister Subrahmanyam Jaishankar spoke. Later Jaishnakar added a word.")
    assert names["Subrahmanyam Jaishankar"][1] == ["Subrahmanyam Jaishankar", "Jaishnakar"]


def test_a_misspelling_that_could_mean_two_people_stays_apart() -> None:
    names = _found("Ravi Jaishankar met Anil Jaishankor. Jaishankir spoke first.")
    assert names["Ravi Jaishankar"][1] == ["Ravi Jaishankar"]
    assert names["Anil Jaishankor"][1] == ["Anil Jaishankor"]
    # The tagger reads "Jaishankir" as a person of its own: one edit from two names, it joins neither.
    assert names["Jaishankir"] == ("person", ["Jaishankir"])


def test_sentence_openers_and_headings_are_not_names() -> None:
    body = (
        "Expected Agenda\n\nRecognizing the need, ministers met. Upon arrival, Taking stock was hard.\n\n"
        "Also Read: the rest\n\nOuter Space and Cyber Security were discussed with the Minister and the PM."
    )
    assert _found(body) == {}


def test_names_with_particles() -> None:
    names = _found(
        "Crown Prince Mohammed bin Salman met Ursula von der Leyen in Riyadh. "
        "Mark van Bommel and Charles de Gaulle's heirs were not there."
    )
    assert names["Mohammed bin Salman"][0] == "person"
    assert names["Ursula von der Leyen"][0] == "person"
    assert names["Mark van Bommel"][0] == "person"
    assert names["Charles de Gaulle"][0] == "person"
    assert names["Riyadh"][0] == "place"


def test_initials_and_hyphenated_names() -> None:
    names = _found("J. R. R. Tolkien, George W. Bush, Kim Jong-un and Jean-Pierre Raffarin were named.")
    assert set(names) == {"J. R. R. Tolkien", "George W. Bush", "Kim Jong-un", "Jean-Pierre Raffarin"}
    assert {kind for kind, _ in names.values()} == {"person"}


def test_possessives_merge_with_the_name() -> None:
    names = _found("Narendra Modi's plan was welcomed. Modi’s aides agreed, and Modi said so.")
    assert names == {"Narendra Modi": ("person", ["Narendra Modi", "Modi"])}


def test_names_next_to_quotation_marks() -> None:
    names = _found("“Rajnath Singh,” said the aide. ‘Fumio Kishida’s plan’ was read by Conan O’Brien.")
    assert set(names) == {"Rajnath Singh", "Fumio Kishida", "Conan O’Brien"}
    assert _found("Troops took part in ‘Dharma Guardian’ near Tokyo.") == {"Tokyo": ("place", ["Tokyo"])}


def test_an_all_capitals_headline_gives_places_not_people() -> None:
    names = _found("JAPAN AND INDIA SIGN DEFENCE PACT IN NEW YORK\nPrime Minister Fumio Kishida welcomed it.")
    assert names["New York"] == ("place", ["NEW YORK"])
    assert names["Japan"][0] == names["India"][0] == "place"
    assert names["Fumio Kishida"][0] == "person"
    assert set(names) == {"New York", "Japan", "India", "Fumio Kishida"}


def test_sides_in_a_results_table_are_teams_throughout_the_article() -> None:
    body = "Leeds beat Chelsea on Saturday.\nResults:\nLeeds 2 Chelsea 1\nArsenal 0 Everton 0\n"
    names = _found(body)
    assert names["Leeds"] == ("organization", ["Leeds"])
    assert names["Chelsea"][0] == names["Arsenal"][0] == names["Everton"][0] == "organization"
    assert len(article_names(body)[0].spans) == 2  # Leeds in the prose is the same team
    dateline = _found("LONDON 1996-08-30\nPrices rose in London on Friday.")
    assert dateline["London"][0] == "place"


def test_wire_services_and_based_companies_are_organisations() -> None:
    names = _found("The Ontario-based Magna said on Monday, Reuters reported, citing Interfax.")
    assert names["Magna"][0] == names["Reuters"][0] == names["Interfax"][0] == "organization"


def test_a_wire_sign_off_a_credit_and_ticker_codes_are_not_names() -> None:
    body = (
        "TOKYO (Reuters) - Standard Oil Co <SRD> and Nissan Motor Co (NYSE: NSN) signed, it said at 0900 GMT.\n"
        "NOTE: Full name is <Nissan Motor Co Ltd>.\n Reuter\n"
    )
    names = _found(body)
    assert set(names) == {"Tokyo", "Standard Oil Co", "Nissan Motor Co Ltd"}  # with and without "Ltd": one firm
    assert names["Nissan Motor Co Ltd"][0] == "organization"


def test_a_results_table_of_figures_gives_no_names() -> None:
    body = (
        "Shr 34 cts vs 1.19 dlrs\nNet 3,328,000 vs 11.0 mln\nRevs 12.8 mln vs 15.4 mln\nNINE MTHS\n"
        "Shr 1.20 dlrs vs 2.10 dlrs\nNote: Year-ago figures restated.\n"
    )
    assert _found(body) == {}


def test_a_dividend_notice_names_its_company_only() -> None:
    body = "Texas Commerce Bancshares Inc said\nQtly div 25 cts vs 25 cts prior\nPay April 15\nRecord March 31\n"
    assert set(_found(body)) == {"Texas Commerce Bancshares Inc"}
    # Dates written as codes are no names either.
    assert _found("Delivery in MAY7 or JUL8, traders said.\nJUL8 UNTRD\nMAY7 1.50 1.52\n") == {}


def test_a_title_before_a_name_is_a_cue_never_part_of_the_name() -> None:
    names = _found(
        "Treasury Secretary James Baker met Bank of Japan Governor Satoshi Sumita and Federal Reserve Board "
        "Chairman Paul Volcker. Chancellor of the Exchequer Nigel Lawson joined them."
    )
    for person in ("James Baker", "Satoshi Sumita", "Paul Volcker", "Nigel Lawson"):
        assert names[person][0] == "person", person
    assert names["Bank of Japan"][0] == names["Federal Reserve Board"][0] == "organization"
    assert not any("Secretary" in name or "Governor" in name or "Chairman" in name for name in names)


def test_firms_and_agencies_named_with_and_are_one_organisation() -> None:
    names = _found(
        "Merrill Lynch and Co said the Securities and Exchange Commission and the Organisation for Economic "
        "Cooperation and Development agreed. The Bank of Japan and Finance Ministry did not."
    )
    for organisation in ("Merrill Lynch and Co", "Securities and Exchange Commission", "Bank of Japan",
                         "Organisation for Economic Cooperation and Development", "Finance Ministry"):
        assert names[organisation][0] == "organization", organisation
    assert "Merrill Lynch" not in names and "Exchange Commission" not in names


def test_a_place_in_brackets_is_no_acronym_of_the_name_before_it() -> None:
    names = _found("Bache Securities (Japan) Ltd said Japan would buy. The Ministry of External Affairs (MEA) agreed.")
    assert names["Japan"] == ("place", ["Japan"])
    assert names["Bache Securities"][1] == ["Bache Securities"]
    assert names["Ministry of External Affairs"][1] == ["Ministry of External Affairs", "MEA"]


def test_regions_seas_and_houses() -> None:
    names = _found("Talks at the White House covered West Germany, the Far East and the North Sea.")
    assert names["White House"][0] == "organization"
    assert names["West Germany"][0] == names["Far East"][0] == names["North Sea"][0] == "place"


def _collection(tmp_path: Path, *bodies: str) -> dict[str, tuple[str, int]]:
    """The sidebar's rows for these articles: name -> (kind, how many articles)."""
    records = [json.dumps({"id": f"a{n}", "text": body}) for n, body in enumerate(bodies)]
    library = make_library([write(tmp_path / "news.jsonl", "\n".join(records) + "\n")])
    index = analyse(library)
    assert index is not None
    return {e.name: (e.kind, len(e.articles)) for rows in index.ranked_by_kind().values() for e in rows}


def test_the_seeds_variants_of_one_organisation_are_one_row(seeds_library: Library) -> None:
    entities = _entities(seeds_library)
    assert entities["Ministry of External Affairs"][1] >= {"MEA", "External Affairs Ministry"}
    assert entities["Self-Defense Forces"][1] >= {"Self-Defense Forces", "Self Defense Forces"}
    assert entities["Financial Express Online"][1] >= {"Financial Express", "Financial Express Online"}
    assert "Japan Self Defense Forces" not in entities  # the country is a place of its own
    assert entities["Japan"][0] == "place"


def test_a_firm_named_after_people_is_an_organisation_across_the_collection(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "Morgan Stanley and Co Inc said it would buy the bonds from the company.",
        "Analysts at Morgan Stanley expect the shares to rise this year.",
        "Goldman Sachs said its Class B shares would be listed in the autumn.",
    )
    assert rows["Morgan Stanley and Co Inc"] == ("organization", 2)
    assert "Morgan Stanley" not in rows
    assert rows["Goldman Sachs"] == ("organization", 1)  # the tagger knows a firm named after people
    assert "Class B" not in rows


def test_two_organisations_called_by_one_word_keep_their_own_articles(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "The Texas Railroad Commission set oil allowables for May. The Commission said output would be cut.",
        "The Securities and Exchange Commission sued the broker on Tuesday. The Commission said trades were illegal.",
        "The FDIC said it subsidized the merger of Central Bank and Trust Co with Peoples Bank and Trust Co.",
        "The Central Bank raised interest rates to defend the peso.",
        "The Central Bank said its reserves fell in March.",
    )
    assert rows["Texas Railroad Commission"] == ("organization", 1)
    assert rows["Securities and Exchange Commission"] == ("organization", 1)
    assert rows["Central Bank and Trust Co"] == ("organization", 1)  # a firm, not every central bank


def test_a_clipped_name_alone_is_the_organisation_a_collection_mostly_calls_by_it() -> None:
    from reader.names.entities import ArticleName, NameIndex

    def org(name: str, *aliases: str) -> list[ArticleName]:
        return [ArticleName(name, "organization", [name, *aliases], [(0, len(name))])]

    collection = NameIndex()
    for n in range(2):  # "FED SAYS…" headlines come first; the Fed alone, before any article names it in full
        collection.add(f"fed{n}", org("FED"))
    for n in range(5):
        collection.add(f"reserve{n}", org("Federal Reserve", "Fed"))
    collection.add("ny", org("Federal Reserve Bank of New York", "Fed"))
    collection.add("national", org("National"))
    collection.add("party", org("National Party", "National"))
    collection.add("data", org("National Data Communications Inc", "National"))
    collection.consolidate()
    rows = {e.name: len(e.articles) for e in collection.ranked() if e.listed}
    assert rows["Federal Reserve"] == 7  # the Fed's headlines too, no row of their own
    assert rows["Federal Reserve Bank of New York"] == 1
    assert rows["National Party"] == 1  # "National" alone: one of two Nationals, neither far more widely named


def test_one_real_entity_is_one_row_under_its_fullest_common_name(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "The International Monetary Fund (IMF) said growth would slow.",
        "The IMF met on Monday to discuss the loans.",
        "Officials of the International Monetary Fund arrived in the capital.",
        "Treasury Secretary James Baker met bankers in the capital.",
        "James Baker said the dollar was stable, and Baker would say more.",
        "The Asian Development Bank (ADB) lent more. The African Development Bank (ADB) did not.",
    )
    assert rows["International Monetary Fund"] == ("organization", 3)
    assert "IMF" not in rows
    assert rows["James Baker"] == ("person", 2)
    assert rows["Asian Development Bank"][0] == rows["African Development Bank"][0] == "organization"


def test_a_place_never_takes_an_organisations_name(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "Bache Securities (Japan) Ltd said Japan would import more rice.",
        "Japan said exports rose. Tokyo agreed.",
    )
    assert rows["Japan"] == ("place", 2)
    assert rows["Bache Securities"][0] == "organization"


def test_a_person_in_a_headline_of_capitals_is_found_by_the_surname_the_collection_knows(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "Federal Reserve Board Chairman Paul Volcker said rates would hold.",
        "VOLCKER SAYS DOLLAR DECLINE COULD BE COUNTERPRODUCTIVE",
        "Treasury official Peter Price said the price of gold rose.",
        "PRICE OF GOLD RISES IN LONDON",
    )
    assert rows["Paul Volcker"] == ("person", 2)
    assert rows.get("Peter Price", ("person", 1)) == ("person", 1)  # "price" is a word: the headline names no one


def test_firms_whose_names_hold_a_possessive_or_partners_before_a_comma() -> None:
    names = _found(
        "Smith Barney, Harris Upham and Co said Moody's Investors Service Inc cut the rating. "
        "Japan's Finance Ministry did not comment, and Standard and Poor's Corp agreed."
    )
    assert names["Standard and Poor's Corp"][0] == "organization"
    assert names["Smith Barney, Harris Upham and Co"][0] == "organization"
    assert names["Moody's Investors Service Inc"][0] == "organization"
    assert names["Japan"][0] == "place" and names["Finance Ministry"][0] == "organization"
    assert "Smith Barney" not in names and "Investors Service Inc" not in names


def test_a_party_and_state_after_a_politician_is_not_a_name() -> None:
    from reader.names import article_names

    found = article_names("Sen. Chris Dodd, D-Conn, a co-sponsor of the bill, and Rep. Joe Smith, R-Texas, agreed.")
    assert [(n.name, n.kind) for n in found] == [("Chris Dodd", "person"), ("Joe Smith", "person")]


def test_a_line_break_inside_a_name_is_a_space() -> None:
    # wire copy is wrapped at about 70 columns: a name may be broken across the lines of a paragraph
    names = _found(
        "Suffield Financial Corp said  \n"
        "Jon Googel and Benjamin Sisti of Colonial Realty, West\n"
        "Hartford, Conn., purchased 175,900 shares of its stock for\n"
        "3,416,624.\n"
        "    The company said the purchase equals 5.2 pct of its\n"
        "outstanding shares.\n"
        " Reuter\n"
    )
    assert names["West Hartford"][0] == "place" and "West" not in names and "Hartford" not in names
    # a list of short lines is no wrapped prose: each line's names stay its own
    names = _found("Draw for the second round:\nUnited States at Netherlands\nCzech Republic at Germany\n")
    assert {"Netherlands", "Czechia"} <= set(names)


def test_a_place_of_several_words_is_one_place() -> None:
    # the tagger, trained on news of 1996, reads "West" and "Germany" as two places
    names = _found("invest in Britain, West\nGermany, France and other countries")
    assert names["West Germany"][0] == "place" and "West" not in names and "Germany" not in names
    names = _found("the Group of Five comprising the United States,\nJapan, West Germany, France and Britain.")
    assert names["West Germany"][0] == "place" and "West" not in names


def test_a_sign_off_with_a_carriage_return_in_caret_notation_is_furniture() -> None:
    body = "Sales rose to 12 mln from 10 mln, the company said.^M\n    Net 1.0 mln vs 0.1 mln\nREUTER^M"
    assert _found(body) == {}


def test_two_names_joined_by_and_with_one_possessive_are_one_organisation() -> None:
    names = _found("The issue is rated AAA by Standard and Poor's and secured by Federal Home Loan Mortgage Corp.")
    assert names["Standard and Poor's"][0] == "organization" and "Standard" not in names and "Poor" not in names
    names = _found("Ford said sales rose. Ford and Chrysler's dealers agreed.")  # each named alone too: two
    assert "Ford" in names and "Ford and Chrysler's" not in names


def test_a_generic_word_is_no_name_alone() -> None:
    names = _found("RMJ is one of the largest U.S. Government securities brokers, beside a U.S.\nGovernment agency.")
    assert names["United States"][0] == "place" and "Government" not in names
    names = _found("Industrial Equity (Pacific) Ltd, a Hong Kong investment firm, said it raised its stake.")
    assert "Ltd" not in names


def test_a_firm_with_a_bracketed_part_before_its_legal_ending() -> None:
    names = _found("Industrial Equity (Pacific) Ltd, a Hong Kong investment firm, said it raised its stake.")
    assert names["Industrial Equity"][0] == "organization" and names["Pacific"][0] == "place"
    names = _found("The three are Cheung Kong (Holdings) Ltd <CKGH.HK> and Hongkong Electric Holdings Ltd.")
    assert names["Cheung Kong (Holdings) Ltd"][0] == "organization" and "Cheung Kong" not in names


def test_a_word_that_opens_a_sentence_is_no_country_by_its_letters() -> None:
    names = _found("Rates fell in the US, dealers said.\nUs investors, they said, bought bonds.")
    assert names["United States"] == ("place", ["US"])  # "Us" is the pronoun


def test_initials_joined_by_and_are_the_one_organisation_they_stand_for() -> None:
    names = _found("Standard and Poor's Corp said it cut the rating. S and P said the outlook was negative.")
    assert names["Standard and Poor's Corp"] == ("organization", ["Standard and Poor's Corp", "S and P"])
    assert "S and P" not in names


def test_a_name_before_a_role_and_a_person_is_the_employer() -> None:
    names = _found('"There are other buyers," added Kidder Peabody analyst Adam F. Cuhney, and Smith Barney analyst '
                   "Craig Sloane agreed.")
    assert names["Kidder Peabody"][0] == names["Smith Barney"][0] == "organization"
    assert names["Adam F. Cuhney"][0] == names["Craig Sloane"][0] == "person"


def test_a_person_named_with_and_without_a_middle_initial_is_one_row(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "Investor Martin T. Sosnoff said he would raise his stake in the casino company.",
        "Martin Sosnoff, who holds 13 pct of the company, wants a seat on the board.",
        "The company rejected the offer, a spokesman for Martin Sosnoff said.",
    )
    people = {name: found for name, found in rows.items() if "Sosnoff" in name}
    assert list(people.values()) == [("person", 3)], people


def test_a_city_is_the_most_populous_of_its_spelling_and_a_surname_is_no_foreign_town(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "Officials in Los Angeles said the fires had spread.",
        "The Bush administration loosened the rules in its last weeks, and Bush officials defended them.",
        "President Bush signed the bill on Friday.",
        "The rules were weakened in the final days of the Bush administration, critics said.",
    )
    assert rows["Los Angeles"] == ("place", 1)  # California's, not Chile's Los Ángeles
    assert not any(kind == "place" and "ush" in name for name, (kind, _) in rows.items())  # no Būsh (Egypt)


def test_a_players_surname_read_as_a_club_stays_the_player(tmp_path: Path) -> None:
    body = (
        "The New Orleans Saints placed Reggie Bush on injured reserve today.\n"
        "It's the second straight year that Bush failed to make it to the last week of the season.\n"
        "It's also the second straight year that Bush took steps backward after a strong rookie season.\n"
        "Bush, who missed several games, could still play an important role. Bush expressed unhappiness."
    )
    assert _kinds(body)["Reggie Bush"] == "person"


def test_a_person_most_articles_name_as_one_stays_a_person_where_one_reads_a_body() -> None:
    from reader.names.entities import LIKELY, ArticleName, NameIndex

    collection = NameIndex()
    for n in range(3):  # three articles name a player as a person, by name and then by surname
        collection.add(f"a{n}", [ArticleName("Eli Manning", "person", ["Eli Manning", "Manning"], [(0, 11)], LIKELY)])
    # one reads "a match for Eli Manning, who completed 29 of 34" as a club
    collection.add("a3", [ArticleName("Eli Manning", "organization", ["Eli Manning"], [(25, 36)])])
    collection.consolidate()
    rows = {(e.name, e.kind): len(e.articles) for e in collection.ranked() if e.listed}
    assert rows == {("Eli Manning", "person"): 4}


def test_a_one_word_firm_is_known_by_what_it_owns() -> None:
    kinds = _kinds(
        "Sony will sell its new games console in Japan from December.",
        "Nokia warned that its profits would fall as cheaper handsets took market share.",
        "Because of its limited supply, the drug will be restricted.",  # a word, not a firm
        "Smith said his company would sell its stake.",  # "his" first: a person's
    )
    assert kinds.get("Sony") == kinds.get("Nokia") == "organization"
    assert "Because" not in kinds and kinds.get("Smith") != "organization"


def test_a_firms_first_word_alone_is_the_firm(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "USAir Group Inc said it agreed to buy Piedmont Aviation Inc. USAir said its offer is worth 1.6 billion.",
        "USAir said its traffic rose 12 pct in March, USAir Group Inc told shareholders.",
        "Analysts said USAir would keep its hub in Pittsburgh after USAir Group Inc completes the deal.",
    )
    assert "USAir" not in rows and rows["USAir Group Inc"] == ("organization", 3)


def test_a_citys_side_is_a_team_not_the_city() -> None:
    kinds = _kinds(
        "He has spent time with the Indianapolis Colts, Philadelphia and Buffalo this season.",
        "The New York Yankees beat the Boston Red Sox on Sunday.",
        "Tourists flocked to the Cayman Islands and the Golan Heights.",
    )
    assert kinds["Indianapolis Colts"] == kinds["New York Yankees"] == kinds["Boston Red Sox"] == "organization"
    assert kinds["Cayman Islands"] == kinds["Golan Heights"] == "place"


def test_a_headline_in_title_case_names_only_its_names() -> None:
    kinds = _kinds(
        "Justin Bieber Telling Racist Joke Pops Up Online",
        "Johnny Depp Says Film Studio Still Owes Him Money",
        "Justin Bieber Shows Love For Selena On Instagram",  # few known words, but "For" and "On" in capitals
    )
    assert kinds.get("Justin Bieber") == kinds.get("Johnny Depp") == "person"
    assert not any(len(name.split()) > 3 for name in kinds), kinds  # no "Justin Bieber Telling Racist Joke …"
    # A line of names keeps its capitals: the clubs are not words written in sentence case.
    assert _kinds("Postponed: Manchester City v Charlton Athletic")["Manchester City"] == "organization"
    # A name's head word stays with it; a headline opening with an acronym still loses its words' capitals.
    kinds = _kinds("Manchester United Sign New Striker After Long Transfer Battle",
                   "IBM Shares Tumble After Weak Quarterly Results Disappoint")
    assert kinds.get("Manchester United") == kinds.get("IBM") == "organization", kinds


def test_a_body_every_country_has_is_no_row_of_its_own(tmp_path: Path) -> None:
    """"The Finance Ministry" of one article is Japan's, of the next France's: a collection that names the body
    after two countries ("Swiss Finance Ministry", "Dutch Finance Ministry") lists those, not one row that
    pools every country's. A body named after no country stays ("the Federal Reserve")."""
    rows = _collection(
        tmp_path,
        "The Swiss Finance Ministry said it would issue new government bonds in May.",
        "The Dutch Finance Ministry cut its forecast for economic growth this year.",
        "The Finance Ministry said exports rose in March, led by cars and machinery.",
        "The Finance Ministry said the budget deficit narrowed in the first quarter.",
        "The Federal Reserve left interest rates unchanged on Tuesday.",
        "The Federal Reserve said inflation was slowing.",
    )
    assert "Finance Ministry" not in rows
    assert rows["Swiss Finance Ministry"] == ("organization", 1)
    assert rows["Federal Reserve"] == ("organization", 2)


def test_an_acronym_of_letters_inside_its_names_words_is_that_organisation(tmp_path: Path) -> None:
    """"VW" beside Volkswagen AG in most of its articles is Volkswagen, though "W" is no initial; the same
    organisation written with "of" for "for", or after "The", is one row too."""
    rows = _collection(
        tmp_path,
        "Volkswagen AG said its car sales rose in March. VW shares climbed in Frankfurt.",
        "Volkswagen AG cut prices in Europe, and VW dealers welcomed the move.",
        "Volkswagen AG said it would build a new plant in Spain.",
        "The Organisation for Economic Cooperation and Development said growth would slow.",
        "The Organisation for Economic Cooperation and Development cut its forecasts.",
        "The Organisation of Economic Cooperation and Development said trade would grow.",
    )
    assert rows["Volkswagen AG"] == ("organization", 3)
    assert "VW" not in rows
    assert rows["Organisation for Economic Cooperation and Development"] == ("organization", 3)
