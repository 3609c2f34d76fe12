"""Names as wire copy writes them (Reuters-21578's wrong rows, written afresh here) and as the seeds do."""

from __future__ import annotations

from pathlib import Path

from reader.names import article_names
from tests.core.test_names import _collection, _kinds


def _people(body: str) -> list[str]:
    return sorted(n.name for n in article_names(body) if n.kind == "person")


def test_a_titled_name_one_letter_from_another_person_is_a_person_of_its_own() -> None:
    body = "President Reagan met his chief of staff Donald Regan, who later resigned. Regan said he would go."
    assert _people(body) == ["Donald Regan", "Reagan"]


def test_a_firm_named_by_its_partners_is_one_firm() -> None:
    body = (
        "L.F. Rothschild, Unterberg, Towbin Inc raised its rating. The board asked its financial\n"
        "advisor, Smith Barney, Harris Upham And Co Inc, to seek other buyers."
    )
    assert _kinds(body) == {
        "L.F. Rothschild, Unterberg, Towbin Inc": "organization",
        "Smith Barney, Harris Upham And Co Inc": "organization",
    }


def test_a_lead_manager_is_a_firm_and_its_name_alone_is_no_person(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "The bond is priced at 101, lead manager Banque Paribas said.",
        "Sole manager Kidder Peabody said the first class has a coupon of 7 pct.",
    )
    assert rows.get("Banque Paribas", ("", 0))[0] != "person"
    assert rows.get("Kidder Peabody", ("", 0))[0] != "person"


def test_a_person_named_like_the_opening_of_a_firm_is_the_firm(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "Drexel Burnham Lambert Inc said it would underwrite the issue.",
        "Analysts at Drexel Burnham said the shares were cheap.",
    )
    assert "Drexel Burnham" not in rows
    assert rows["Drexel Burnham Lambert Inc"] == ("organization", 2)


def test_an_organisation_named_across_on_is_one_name_with_its_acronym() -> None:
    for body in (
        "Talks under the General Agreement on Tariffs and Trade (GATT) resumed in Geneva.",
        "It would file a complaint with the General Agreement on Tariffs and\nTrade (GATT), it said.\n",
    ):
        names = {n.name: n.aliases for n in article_names(body) if n.kind == "organization"}
        assert names == {"General Agreement on Tariffs and Trade": ["General Agreement on Tariffs and Trade", "GATT"]}


def test_the_wire_that_signs_the_story_is_not_one_of_its_names() -> None:
    assert "Reuters" not in _kinds("A Reuters survey showed prices fell, dealers told Reuters.\n Reuter\n")
    assert "Reuters" not in _kinds("LONDON (Reuters) - Prices fell, a Reuters survey found.")
    assert _kinds("Magna said on Monday, Reuters reported, citing Interfax.")["Reuters"] == "organization"


def test_the_federal_reserve_its_board_and_the_fed_are_one_row() -> None:
    names = article_names("The Federal Reserve Board met. The Fed added reserves, the Federal Reserve said.")
    assert [(n.name, n.kind, n.mentions) for n in names] == [("Federal Reserve Board", "organization", 3)]


def test_a_given_name_alone_is_not_that_persons_short_form() -> None:
    names = article_names(
        "Trade Representative Clayton Yeutter met farm leaders. Yeutter said talks would go on. Clayton and\n"
        "Dubilier Inc said it bought the firm. Clayton said the price was fair.\n"
    )
    yeutter = next(n for n in names if n.name == "Clayton Yeutter")
    assert yeutter.aliases == ["Clayton Yeutter", "Yeutter"]


def test_a_surname_read_as_a_firm_in_a_headline_is_the_titled_person(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "Bank of Japan Governor Satoshi Sumita said the bank would intervene.",
        "Governor Satoshi Sumita said rates would stay where they are.",
        "Sumita says Bank of Japan will intervene if necessary",
    )
    assert rows["Satoshi Sumita"] == ("person", 3)
    assert "Sumita" not in rows


def test_a_surname_in_a_headline_in_capitals_is_found_though_once_written_as_a_word(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "Treasury Secretary James Baker said the dollar had fallen far enough.",
        "U.S. TREASURY'S BAKER SAYS PARIS PACT ONLY A START\n",
        "The baker in the village raised the price of bread.",
    )
    assert rows["James Baker"] == ("person", 2)
    assert not any("TREASURY" in name for name in rows)


def test_the_seeds_forms_that_name_no_one_organisation_or_place() -> None:
    kinds = _kinds(
        "The meeting was held between Japan's and India's Defence and Foreign Ministries. It paves the way for\n"
        "cooperation between the Air Forces of the two countries, and for peace in the Indo-Pacific Region and\n"
        "the Indo-Pacific. China's tactics in South and East China Sea and along the Line of Actual Control (LAC)\n"
        "were raised. They welcomed the Reciprocal Provision of Supply and Services Agreement.\n"
    )
    assert kinds == {
        "Japan": "place", "India": "place", "Indo-Pacific": "place", "China": "place",
        "East China Sea": "place", "Line of Actual Control": "place",
    }


def test_a_thing_bought_is_no_organisation() -> None:
    assert _kinds("He bought a new PC. Most DVDs sold out, and a DVD costs less.") == {}
    assert _kinds("An IBM spokesman said IBM would sell it.") == {"IBM": "organization"}


def test_the_seeds_platform_slip_and_agreement_are_not_places_or_bodies() -> None:
    assert _kinds("Taking to Twitter, Rajnath Singh said the talks went well.")["Twitter"] == "organization"
    assert _kinds("It holds talks with the US, Russia, Austral and Japan.")["Australia"] == "place"
    kinds = _kinds("Japan and India inked the Acquisition and Cross-Servicing Agreement (ACSA). The ACSA helps.")
    assert kinds == {"Japan": "place", "India": "place"}


def test_two_firms_named_one_after_the_other_are_two_rows() -> None:
    body = (
        "It affirmed the debt ratings of Chrysler Corp and Chrysler\nFinancial Corp. Shares of Texaco Inc and "
        "Pennzoil Co fell, and Chase Manhattan Corp <CMB>, Chemical New York Corp <CHL> rose."
    )
    assert sorted(_kinds(body)) == [
        "Chase Manhattan Corp", "Chemical New York Corp", "Chrysler Corp", "Chrysler Financial Corp", "Pennzoil Co",
        "Texaco Inc",
    ]


def test_a_title_after_an_organisation_is_the_persons_and_a_nationality_is_no_name() -> None:
    kinds = _kinds("Federal Reserve Chairman Paul Volcker said French, West German and Dutch officials met.")
    assert kinds == {"Federal Reserve": "organization", "Paul Volcker": "person"}


def test_a_sign_off_with_dots_is_no_name() -> None:
    assert _kinds("Shares of Texaco Inc fell.\n\n REUTER...\n") == {"Texaco Inc": "organization"}
    wrapped = (  # hard-wrapped prose, where the line's end before the credit reads as a space
        "The plan was for the consortium to establish a plant at several\n"
        "makers and equipment suppliers to pioneer advanced methods for\n"
        "making chips, Texaco Inc said in a statement on Tuesday morning.\n"
        "REUTER..."
    )
    assert _kinds(wrapped) == {"Texaco Inc": "organization"}


def test_a_body_named_across_on_is_one_name_whatever_the_tagger_reads_its_end_as() -> None:
    body = (  # hard-wrapped wire prose, where the tagger reads "Tariffs" on its own line as a person
        "    The talks on farm trade must start soon, the head of the\n"
        "Paris-based agency Henri Dupont told delegates on Monday.\n"
        "    And the place for such a start is the General Agreement on\n"
        "Tariffs and Trade, he added.\n"
        "    Dupont asked for a steady cut in the subsidies paid to\n"
        "farmers in every member country over the next ten years.\n"
    )
    assert _kinds(body) == {"Henri Dupont": "person", "General Agreement on Tariffs and Trade": "organization"}


def test_an_organisation_shortened_to_its_first_or_last_word_is_one_row() -> None:
    body = (
        "The European Community will cut farm prices, Community officials said. Shearson Lehman Brothers Inc "
        "raised its forecast, and Shearson said it expects more."
    )
    names = {n.name: (n.kind, n.mentions) for n in article_names(body)}
    assert names == {"European Community": ("organization", 2), "Shearson Lehman Brothers Inc": ("organization", 2)}


def test_a_one_word_name_most_of_its_articles_never_title_is_no_person(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "In a filing with the Securities and Exchange Commission, Emery said it sold 68,000 shares.",
        "Purolator's stock climbed 5-3/8 today, to 40-1/8, over the 40 dlr per share offer. Emery said it was pleased.",
        "Emery said it would sell or lease the unit's aircraft.",
        "Mr Emery, a spokesman, declined to comment on the talks.",
    )
    assert rows.get("Emery", ("", 0))[0] != "person"


def test_a_legislators_party_and_state_are_not_names() -> None:
    body = (
        "Rep. Dan Glickman (D-Kan.), chairman of the House Agriculture subcommittee, said more study was needed.\n"
        "Senator Robert Dole, R-Kan., agreed."
    )
    kinds = _kinds(body)
    assert {name: kind for name, kind in kinds.items() if kind == "person"} == {
        "Dan Glickman": "person",
        "Robert Dole": "person",
    }
    assert not [name for name in kinds if "Kan" in name]  # "(D-Kan.)", "R-Kan.": an affiliation, no name


def test_a_savings_and_loan_association_is_one_organisation() -> None:
    body = "Metropolitan Federal Savings and Loan Association said it has signed a letter of intent to merge."
    assert _kinds(body) == {"Metropolitan Federal Savings and Loan Association": "organization"}


def test_a_name_in_british_and_american_spelling_is_one_row_with_its_acronym(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "The International Coffee Organization (ICO) will meet in London next month to discuss export quotas.",
        "Delegates to the International Coffee Organisation (ICO) said producers were split on the quotas.",
        "Brazil told the International Coffee Organization it would not accept a smaller share of the market.",
        "ICO talks on quotas broke down on Monday, delegates said, and prices fell in New York.",
    )
    organisations = {name: count for name, (kind, count) in rows.items() if kind == "organization"}
    assert len([name for name in organisations if "Coffee" in name or name == "ICO"]) == 1
    assert organisations.get("International Coffee Organization") == 4


def test_a_word_capitalised_only_where_it_stands_is_no_name_but_a_firm_and_an_acronym_stay(
    tmp_path: Path,
) -> None:
    rows = _collection(
        tmp_path,
        "Shr 1.20 dlrs vs 1.05 dlrs\nNet 12.1 mln vs 10.4 mln\nNOTE - Net is after a gain of 1.1 mln dlrs.\n",
        "Shr 40 cts vs 31 cts\nNOTE - Per share figures are restated for a split in the first quarter.\n",
        "Nokia said it would sell bonds, a note said, and a second note would follow.",
        "Nokia said it would list new stock. The note said a second listing may follow.",
        "The note of the bank said Nokia would sell preferred stock.",
        "The WHO said the outbreak had spread, and doctors who saw it, nurses who came and those who left agreed.",
    )
    assert "NOTE" not in rows
    assert rows["Nokia"] == ("organization", 3)
    assert rows["WHO"][0] == "organization"


def test_a_figure_or_a_unit_after_a_country_is_no_organisation() -> None:
    kinds = _kinds("Japan's GNP rose 3.1 pct, and its reserves reached 13.6 billion U.S. Dlrs at the end of May.")
    assert kinds == {"Japan": "place", "United States": "place"}


def test_an_acronym_its_articles_spell_out_is_the_organisation_it_shortens(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        "American Telephone and Telegraph Co said it cut long-distance rates. ATT said the cut takes effect in May.",
        "ATT shares rose after American Telephone and Telegraph Co won the contract.",
        "The FCC approved the plan, and ATT said American Telephone and Telegraph Co would file rates today.",
        "ATT said it would hire 500 engineers this year.",
        "USAir Group Inc said it agreed to buy Piedmont Aviation Inc, and USAIR said the deal is worth 1.6 billion.",
        "USAIR said its offer for Piedmont Aviation Inc stands, USAir Group Inc told the board.",
        "The ITA said imports rose, and the International Trade Commission will rule on dumping in May.",
        "The International Trade Commission ruled on the duty, and the ITA said it would appeal.",
    )
    att = [name for name in rows if name in ("ATT", "American Telephone and Telegraph Co")]
    assert len(att) == 1 and rows[att[0]] == ("organization", 4)
    assert "USAIR" not in rows and rows["USAir Group Inc"] == ("organization", 2)
    # named beside it, but not its letters: the International Trade Administration is another body
    assert rows["ITA"] == ("organization", 2) and rows["International Trade Commission"] == ("organization", 2)


def test_the_day_after_a_name_is_not_part_of_it() -> None:
    """News says when ("fired Maurice Cheeks Saturday", "the Gulf of Aden Thursday"): the day is not the
    name's last word, whatever the name's kind."""
    kinds = _kinds("The Lakeport Sixers fired coach Maurice Cheeks Saturday after a slump. Pirates seized a "
                   "tanker in the Gulf of Aden Thursday, and a judge at New Bedford District Court Wednesday set "
                   "bail. Cheeks said he was sorry.")
    assert kinds.get("Maurice Cheeks") == "person", kinds
    assert kinds.get("Gulf of Aden") == "place", kinds
    assert not [name for name in kinds if name.split()[-1] in ("Saturday", "Thursday", "Wednesday")], kinds


def test_a_town_and_its_state_as_the_wires_abbreviate_it_are_places() -> None:
    kinds = _kinds(
        "It bought a stake in the Lake Charles, La\nrefinery owned by Citgo Petroleum Corp.",
        "Pittway Corp of Northbrook, Ill., said fourth quarter profit rose.",
        "The bank in Trenton, N.J., said it would close.",
    )
    assert kinds["Lake Charles"] == kinds["Northbrook"] == kinds["Trenton"] == "place"  # no "Lake Charles" person
    assert kinds["Louisiana"] == kinds["Illinois"] == kinds["New Jersey"] == "place"
    assert "La" not in kinds and "Ill" not in kinds


def test_a_rate_a_currency_unit_and_a_system_are_no_organisations(tmp_path: Path) -> None:
    kinds = _kinds(
        "The currency joined the European Monetary System (EMS) in 1979. The EMS was realigned in January.",
        "The bonds are denominated in European Currency Units, dealers said.",
    )
    assert kinds == {}
    assert _kinds("The Economist Intelligence Unit expects growth to slow.") == {
        "Economist Intelligence Unit": "organization"  # a unit is a body; units of a currency are not
    }
    rows = _collection(
        tmp_path,
        "The loan carries a margin of 1/8 point over the London Interbank Offered Rate (LIBOR).",
        "The notes pay 25 basis points over LIBOR, said lead manager Morgan Guaranty Ltd.",
        "The new issue was priced at LIBOR plus 10 basis points.",
    )
    assert "LIBOR" not in rows and "London Interbank Offered Rate" not in rows
    assert rows["Morgan Guaranty Ltd"] == ("organization", 1)


def test_an_accord_named_after_where_it_was_made_is_no_place() -> None:
    kinds = _kinds(
        "The so-called Louvre accord was reaffirmed on Wednesday.",
        "Since the Louvre Accord, we are acting as if we are in something.",
        "OPEC ministers stood by the OPEC accord. The Paris accord was signed in the French capital.",
    )
    assert "Louvre" not in kinds and "Louvre Accord" not in kinds
    assert kinds["OPEC"] == "organization" and kinds["Paris"] == "place"


def test_bonds_named_after_a_body_are_no_body(tmp_path: Path) -> None:
    rows = _collection(
        tmp_path,
        *(f"The Treasury said it would sell {n} billion dlrs of notes next week." for n in range(2, 6)),
        "Treasuries rallied in late trading as the dollar firmed.",
        "Dealers sold treasuries and bought bunds.",
    )
    assert rows["Treasury"] == ("organization", 4)
    assert "Treasuries" not in rows
