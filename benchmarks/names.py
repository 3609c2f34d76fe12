"""Name-finding quality and speed on CoNLL-2003 dev (real Reuters news with gold mentions).

    python3 -m benchmarks.names [../shared/data/conll2003/dev.jsonl] [--reuters]

Scores mentions by exact span and kind (PER→person, LOC→place, ORG→organization). A prediction that
exactly covers a MISC span is neither rewarded nor penalised, as the data's README asks. Speed is
tokens per second on one core, for the full per-article pipeline (finding and merging names): cold (the
first pass, the tagger's per-word cache empty; loading the model is timed apart) and warm (a second
pass, as in a collection of thousands of articles). With --reuters, also the reader's full name analysis
of Reuters-21578 from cold, in a fresh process pool, as the app runs it. Skips cleanly when data is absent.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

from reader.names import article_names
from reader.names.gazetteer import places

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "conll2003" / "dev.jsonl"
KINDS = {"PER": "person", "LOC": "place", "ORG": "organization"}


def main() -> None:
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(arguments[0]) if arguments else DEFAULT
    if not path.exists():
        print(f"skipped: {path} not found")
        return
    documents = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    places()  # load the gazetteer before timing
    from reader.names.tagger import tagger

    loading = time.perf_counter()
    tagger()
    loaded = time.perf_counter() - loading
    tokens = sum(len(d["text"].split()) for d in documents)
    true_positive: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    started = time.process_time()
    predictions = [article_names(d["text"]) for d in documents]
    seconds = time.process_time() - started
    for document, names in zip(documents, predictions, strict=True):
        gold_spans = {(e["start"], e["end"]): KINDS[e["type"]] for e in document["entities"] if e["type"] in KINDS}
        misc = {(e["start"], e["end"]) for e in document["entities"] if e["type"] == "MISC"}
        gold.update(gold_spans.values())
        for name in names:
            for span in name.spans:
                if span in misc:
                    continue
                predicted[name.kind] += 1
                if gold_spans.get(span) == name.kind:
                    true_positive[name.kind] += 1
    print(f"{path.name}: {len(documents)} documents, {tokens:,} tokens")
    print(f"{'kind':14} {'precision':>9} {'recall':>7} {'F1':>6}   (gold / predicted)")
    for kind in [*KINDS.values(), "overall"]:
        tp = sum(true_positive.values()) if kind == "overall" else true_positive[kind]
        p = sum(predicted.values()) if kind == "overall" else predicted[kind]
        g = sum(gold.values()) if kind == "overall" else gold[kind]
        precision = tp / p if p else 0.0
        recall = tp / g if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{kind:14} {precision:9.3f} {recall:7.3f} {f1:6.3f}   ({g} / {p})")
    started = time.process_time()
    for document in documents:
        article_names(document["text"])
    warm = time.process_time() - started
    print(f"speed: {tokens / seconds:,.0f} tokens/s on one core cold ({seconds:.2f} s CPU), "
          f"{tokens / warm:,.0f} warm ({warm:.2f} s); the model loads in {loaded * 1000:.0f} ms")
    if "--reuters" in sys.argv:
        reuters()


def reuters() -> None:
    """The app's full name analysis of Reuters-21578, from a fresh index (a pool of processes, cold caches)."""
    from benchmarks.archives import REUTERS, reuters_named

    with reuters_named() as named:
        if named is None:
            print(f"reuters: skipped, {REUTERS} not found")
            return
        library, seconds = named
    print(f"Reuters-21578: {len(library.articles):,} articles, names found in {seconds:.1f} s (cold, all cores)")


if __name__ == "__main__":
    main()
