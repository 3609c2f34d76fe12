"""The reader's database: its read marks and stars, saved filters, the analysis kept between starts, and (with
the feeds) the subscriptions, all in one SQLite file."""
