"""`shomer health recompute|churn-eval`: customer health from the command line.

shomer health recompute            # everyone: retrain the churn model, refit BG/NBD
shomer health recompute --dirty    # only the customers marked by events
shomer health recompute --no-train # everyone, with the stored churn model
shomer health churn-eval [--json]  # train on the history with a time split: AUC,
                                   # Brier score and reliability bins on the test set
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from shomer.health import churn, services


class Command(BaseCommand):
    help = "Customer health: recompute the scores, or evaluate the churn model."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        recompute = actions.add_parser("recompute", help="recompute health, risk, fit and type")
        recompute.add_argument("--dirty", action="store_true", help="only customers marked dirty")
        recompute.add_argument(
            "--no-train", action="store_true", help="keep the stored churn model"
        )
        evaluate = actions.add_parser(
            "churn-eval", help="train the churn model on a time split and print AUC and calibration"
        )
        evaluate.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "recompute":
            self._recompute(options)
        else:
            self._evaluate(options)

    def _recompute(self, options: dict[str, Any]) -> None:
        start = time.perf_counter()
        if options["dirty"]:
            count = services.do_recompute_dirty()
        else:
            count = services.do_recompute_all(train=not options["no_train"])
        seconds = time.perf_counter() - start
        self.stdout.write(f"Scored {count} customers in {seconds:.1f} s.")

    def _evaluate(self, options: dict[str, Any]) -> None:
        result = services.do_train_churn(now=timezone.now())
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(result), ensure_ascii=False))
            return
        evaluation = result.evaluation
        if isinstance(result, churn.TooLittle):
            params = ", ".join(f"{k} {v}" for k, v in result.params.items())
            self.stdout.write(
                f"No churn model ({result.code}: {params}); the risk comes from the "
                "rule-based health score."
            )
        if evaluation is None:
            return
        self.stdout.write(
            f"Time split: trained on {evaluation.train_rows} customer-months "
            f"({evaluation.train_positives} left), tested on {evaluation.test_rows} "
            f"({evaluation.test_positives} left), horizon {churn.HORIZON_DAYS} days."
        )
        self.stdout.write(f"AUC          {evaluation.auc:.3f}  (0.5 is chance)")
        self.stdout.write(
            f"Brier score  {evaluation.brier:.4f}  (base rate {evaluation.base_rate:.3f}; "
            f"always predicting it scores {evaluation.base_rate * (1 - evaluation.base_rate):.4f})"
        )
        self.stdout.write("Reliability  predicted  observed  customers")
        for item in evaluation.bins:
            self.stdout.write(
                f"  {item.low:.1f}-{item.high:.1f}    {item.mean_predicted:8.3f}  "
                f"{item.observed:8.3f}  {item.count:9d}"
            )


def _as_json(result: churn.Trained | churn.TooLittle) -> dict[str, Any]:
    evaluation = result.evaluation.as_dict() if result.evaluation else None
    if isinstance(result, churn.Trained):
        return {"model": "logistic-regression", "evaluation": evaluation}
    return {
        "model": None,
        "reason": result.code,
        "params": dict(result.params),
        "evaluation": evaluation,
    }
