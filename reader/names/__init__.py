"""People, places and organisations named in articles, and the index of them across a collection."""

from reader.names.entities import ArticleName, CollectionName, NameIndex, NamesSummary, article_names
from reader.names.kinds import KINDS, ORGANIZATION, PERSON, PLACE

__all__ = [
    "KINDS",
    "ORGANIZATION",
    "PERSON",
    "PLACE",
    "ArticleName",
    "CollectionName",
    "NameIndex",
    "NamesSummary",
    "article_names",
]
