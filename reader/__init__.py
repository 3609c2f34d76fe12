"""reader: a terminal news reader that knows who and what the news is about."""

__version__ = "0.1.0"
