"""The kinds of names the reader knows, in the order the sidebar shows them."""

PERSON, PLACE, ORGANIZATION = "person", "place", "organization"
KINDS = (PERSON, PLACE, ORGANIZATION)
