"""Trains the name tagger on CoNLL-2003 train and writes reader/names/tagger.model.gz.

    pip install -e '.[train]'
    python scripts/train_tagger.py [--data ../shared/data/conll2003] [--c1 0.01 --c2 0.01 --iterations 150]

Fits on train.jsonl only; dev.jsonl scores the result (mention F1 by type, MISC neither rewarded nor
penalised), so settings are chosen on dev and never fitted to it. The same data and settings give the
same file, byte for byte: crfsuite's L-BFGS is deterministic, documents are read in order and the
weights are written in sorted order without a timestamp.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reader.names.gazetteer import fold  # noqa: E402
from reader.names.tagger import MODEL, Tagger, crf_items, sequence, spans, write_model  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "conll2003"
KINDS = {"PER": "person", "LOC": "place", "ORG": "organization"}


def documents(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labelled(document: dict[str, object]) -> tuple[str, list[object], list[str]]:
    """The document's text, its tokens and their gold BIO labels (every gold boundary is a token boundary:
    the tokeniser never joins across CoNLL's spaces)."""
    text = str(document["text"])
    tokens = sequence(text)
    labels = ["O"] * len(tokens)
    starts = {t.start: i for i, t in enumerate(tokens)}
    for entity in document["entities"]:  # type: ignore[attr-defined]
        first = starts.get(entity["start"])
        if first is None:
            continue
        labels[first] = "B-" + entity["type"]
        i = first + 1
        while i < len(tokens) and tokens[i].end <= entity["end"]:
            labels[i] = "I-" + entity["type"]
            i += 1
    return text, tokens, labels


def score(tagger: Tagger, docs: list[dict[str, object]]) -> dict[str, tuple[float, float, float]]:
    """Mention precision, recall and F1 by kind, and overall, as benchmarks/names.py counts them."""
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    for document in docs:
        text = str(document["text"])
        tokens = sequence(text)
        found = {
            (tokens[a].start, tokens[b - 1].end): kind for a, b, kind in spans(tagger.tag(text, tokens))
        }
        entities = document["entities"]
        truth = {(e["start"], e["end"]): e["type"] for e in entities if e["type"] in KINDS}  # type: ignore[attr-defined]
        misc = {(e["start"], e["end"]) for e in entities if e["type"] == "MISC"}  # type: ignore[attr-defined]
        gold.update(truth.values())
        for span, kind in found.items():
            if kind not in KINDS or span in misc:
                continue
            predicted[kind] += 1
            tp[kind] += truth.get(span) == kind
    result = {}
    for kind in [*KINDS, "overall"]:
        t = sum(tp.values()) if kind == "overall" else tp[kind]
        p = sum(predicted.values()) if kind == "overall" else predicted[kind]
        g = sum(gold.values()) if kind == "overall" else gold[kind]
        precision, recall = (t / p if p else 0.0), (t / g if g else 0.0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[kind] = (precision, recall, f1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "reader" / "names" / MODEL)
    parser.add_argument("--c1", type=float, default=0.01, help="L1 penalty (keeps the model small)")
    parser.add_argument("--c2", type=float, default=0.01, help="L2 penalty")
    parser.add_argument("--iterations", type=int, default=150)
    parser.add_argument("--rare", type=int, default=1, help="words seen this often or less are trained as unknown")
    options = parser.parse_args()
    import pycrfsuite

    started = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    train = documents(options.data / "train.jsonl")
    sequences = [labelled(document) for document in train]
    counts = Counter(fold(t.text) for _, tokens, _ in sequences for t in tokens)  # type: ignore[attr-defined]
    rare = frozenset(word for word, count in counts.items() if count <= options.rare)
    for text, tokens, labels in sequences:
        if tokens:
            trainer.append(crf_items(text, tokens, rare), labels)  # type: ignore[arg-type]
    trainer.set_params(
        {"c1": options.c1, "c2": options.c2, "max_iterations": options.iterations, "feature.possible_transitions": True}
    )
    with tempfile.TemporaryDirectory() as folder:
        crf = str(Path(folder) / "tagger.crfsuite")
        trainer.train(crf)
        reader = pycrfsuite.Tagger()
        reader.open(crf)
        info = reader.info()
        attributes: dict[str, dict[str, float]] = {}
        for (attribute, label), weight in sorted(info.state_features.items()):
            attributes.setdefault(attribute, {})[label] = weight
        transitions = dict(info.transitions)
        reader.close()
    about = (
        f"linear-chain CRF (crfsuite L-BFGS, c1={options.c1}, c2={options.c2}, {options.iterations} iterations) "
        f"trained on CoNLL-2003 English train ({len(train)} documents) by scripts/train_tagger.py"
    )
    write_model(str(options.out), attributes, transitions, about)
    seconds = time.perf_counter() - started
    size = options.out.stat().st_size
    print(f"trained in {seconds:.0f} s: {len(attributes):,} attributes, {size / 1e6:.2f} MB → {options.out}")
    dev = options.data / "dev.jsonl"
    if dev.exists():
        tagger = Tagger(gzip.decompress(options.out.read_bytes()))
        for kind, (p, r, f) in score(tagger, documents(dev)).items():
            print(f"  dev {kind:8} precision {p:.3f} recall {r:.3f} F1 {f:.3f}")


if __name__ == "__main__":
    main()
