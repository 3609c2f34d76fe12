"""`reader export --json`: everything the reader knows, as one JSON document for scripts and tests."""

from __future__ import annotations

from typing import Any

from reader.library import Library, ListQuery


def export(library: Library, *, with_body: bool = False) -> dict[str, Any]:
    """The collection as plain data; names are analysed first if they are not yet."""
    if library.names is None:
        library.analyse()
    names = library.names
    assert names is not None
    articles = []
    for article in library.view(ListQuery()):
        record: dict[str, Any] = {
            "id": article.id,
            "path": article.path,
            "date": article.iso_date,
            "title": article.title,
            "read": library.is_read(article),
            "names": [
                {
                    "name": entity.name,
                    "kind": entity.kind,
                    "aliases": found.aliases,
                    "mentions": found.mentions,
                    "spans": [list(span) for span in found.spans],
                }
                for entity, found in names.names_in(article.id)
            ],
            "related": [
                {"id": related.article_id, "score": related.score, "shared": related.shared}
                for related in library.related(article)
            ],
            "thread": thread.id if (thread := library.thread(article)) else None,
        }
        if with_body:
            record["body"] = article.body
        articles.append(record)
    return {
        "articles": articles,
        "names": [
            {
                "name": entity.name,
                "kind": entity.kind,
                "aliases": sorted(entity.aliases),
                "articles": list(entity.articles),
            }
            for entity in names.ranked()
        ],
        "threads": [
            {"id": thread.id, "title": thread.title, "articles": list(thread.articles)}
            for thread in (library.stories.stories() if library.stories else [])
        ],
        "problems": [{"path": p.path, "reason": p.reason} for p in library.problems],
    }
