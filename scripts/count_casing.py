"""Counts which words news writes in lower case and writes reader/names/lower_words.txt.gz.

    python scripts/count_casing.py [--data ../shared/data/conll2003] [--out PATH]

A headline in title case ("Justin Bieber Telling Racist Joke Pops Up Online") capitalises every word, so its
capitals say nothing of where a name is. The name finder writes such a line in sentence case first, and
needs to know which of its words are words: those that CoNLL-2003 train (Reuters news of 1996, read from
train.jsonl only) writes in lower case more often than capitalised, counting only words inside
a sentence (not its first), outside every gold name (of any type) and outside lines in capitals. The same data
gives the same file, byte for byte: the words are sorted and gzip is written without a timestamp.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.names.gazetteer import LOWER_WORDS  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "conll2003"


def counted(path: Path) -> tuple[Counter[str], Counter[str]]:
    """How often each word (folded) is written in lower case and capitalised inside a sentence, outside names."""
    lower: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        document = json.loads(line)
        text: str = document["text"]
        named = [(e["start"], e["end"]) for e in document["entities"]]
        at = 0
        for sentence in text.split("\n"):
            start = at
            at += len(sentence) + 1
            if sentence.upper() == sentence:
                continue  # a headline or a dateline in capitals
            offset = start
            for n, token in enumerate(sentence.split(" ")):
                begin, offset = offset, offset + len(token) + 1
                if n == 0 or not token.isalpha() or any(a <= begin < b for a, b in named):
                    continue
                if token.islower():
                    lower[token] += 1
                elif token[0].isupper() and token[1:].islower():
                    capitalised[token.lower()] += 1
    return lower, capitalised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "reader" / "names" / LOWER_WORDS)
    options = parser.parse_args()
    lower, capitalised = counted(options.data / "train.jsonl")
    words = sorted(w for w, n in lower.items() if n > capitalised[w])
    options.out.write_bytes(gzip.compress(("\n".join(words) + "\n").encode("utf-8"), mtime=0))
    print(f"{len(words):,} words written in lower case → {options.out}")


if __name__ == "__main__":
    main()
