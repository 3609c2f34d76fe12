"""A fetched document into a feed: its encoding settled, then parsed, or why it is not one.

Kept apart from `refresh` (and its HTTP client) so the worker processes that read documents during a
refresh import only what reading needs: they start in a quarter of the time.
"""

from __future__ import annotations

import re
import time

from reader.sources.feeds.parse import FeedError, ParsedFeed, parse_feed


def read_timed(content: bytes, content_type: str, url: str) -> tuple[ParsedFeed | str, float]:
    """`read_or_reason` and the CPU seconds it took (on the thread or worker process that read it)."""
    started = time.thread_time()
    read = read_or_reason(content, content_type, url)
    return read, time.thread_time() - started


def read_or_reason(content: bytes, content_type: str, url: str) -> ParsedFeed | str:
    """The document's feed, or why it is not one (on any thread or worker process)."""
    try:
        return read_document(content, content_type, url)
    except FeedError as error:
        return str(error)
    except Exception as error:  # a parser fault on a hostile document: that feed fails, the refresh goes on
        return f"not a feed that can be read ({type(error).__name__}: {error})"


_XML_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=", re.IGNORECASE)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def read_document(content: bytes, content_type: str, url: str) -> ParsedFeed:
    """The feed in a document fetched from `url`, read in the encoding its server declared (`content_type`)
    when it declares none itself."""
    if not content.strip():
        raise FeedError("the server sent an empty document")
    charset = _CHARSET.search(content_type)
    if (
        charset is not None
        and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii")
        and not content.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
        and not _XML_DECLARED.match(content[:200])
    ):
        try:
            content = content.decode(charset.group(1)).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass  # a charset that is wrong or unknown: the parser reads it as it can
    return parse_feed(_utf8(content), url)


_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([\w.:-]+)", re.IGNORECASE)


def _utf8(content: bytes) -> bytes:
    """A document that says (or takes) UTF-8 but is not, read as Windows-1252, the usual culprit: its curly
    quotes and accented letters come through instead of "�"."""
    declared = _DECLARED.match(content[:200])
    if declared is not None and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return content
    if content.startswith((b"\xff\xfe", b"\xfe\xff")) or content[:1] in (b"{", b"[") and b"\x00" not in content[:4]:
        return content  # UTF-16 with its mark; JSON (always UTF-8 by its standard)
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace").encode("utf-8")
    return content
