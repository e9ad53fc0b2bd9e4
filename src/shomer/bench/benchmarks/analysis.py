"""What the language analysis costs the inbound pipeline (ARCHITECTURE §5: >= 500 messages/s).

`analysis_pipeline`: customer messages added through `conversations.services.do_add_message`
(store, search text, SLA, audit, webhooks) on a throwaway database, with the analysis in the
pipeline (model reading, `MessageAnalysis` row, ticket badges, shielding and incidents for
abusive text) and with the analysis step switched off, on the same kind of messages in the
same run, alternating. The value is the milliseconds the analysis adds to each ordinary
message (the corpus's customer texts that are not abusive); both throughputs are in the
line. `abusive_extra_ms` is what an abusive message costs on top (incident, audit, a
notification per manager and its e-mail job), measured on the corpus's abusive texts.
`engine_ms`, `store_ms` and `badges_ms` split an ordinary message's analysis into the
engine's reading, the `MessageAnalysis` insert and the `TicketSignals` upsert, timed one by
one on messages stored without analysis: on a busy shared machine these parts are steadier
than the difference of two throughputs.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from typing import Any

from shomer.bench.registry import benchmark, line, progress, timer

ROUNDS = 2


@benchmark("analysis_pipeline")
def analysis_pipeline(quick: bool) -> Iterator[dict[str, Any]]:
    from shomer.analysis import services as analysis
    from shomer.bench.database import bench_database
    from shomer.conversations.models import Direction
    from shomer.conversations.services import do_add_message, do_create_ticket
    from shomer.customers.models import Contact
    from shomer.demo.generate import generate
    from shomer.language.corpus import load_corpus

    count = 60 if quick else 1000
    corpus = load_corpus()
    texts = [e.text for e in corpus if not e.abuse]
    abusive = [e.text for e in corpus if e.abuse]
    analysis.analyzer()  # load (or train) the model before timing, as a running worker has
    switched_on = analysis.do_analyze_message
    rates: dict[bool, list[float]] = {True: [], False: []}
    with bench_database() as vendor:
        generate(customers=10, tickets=0, seed=1)
        tickets = [
            do_create_ticket(subject="bench", body_text="שלום", contact=contact)
            for contact in Contact.objects.all()
        ]
        progress(f"analysis_pipeline: {count} messages x {ROUNDS} rounds x 2 on {vendor}")
        offset = 0
        for _ in range(ROUNDS):
            for with_analysis in (True, False):
                analysis.do_analyze_message = (  # type: ignore[assignment]
                    switched_on if with_analysis else lambda message, **options: None
                )
                try:
                    with timer() as elapsed:
                        for index in range(count):
                            do_add_message(
                                tickets[index % len(tickets)],
                                direction=Direction.INBOUND,
                                body_text=texts[(offset + index) % len(texts)],
                            )
                    rates[with_analysis].append(count / elapsed())
                finally:
                    analysis.do_analyze_message = switched_on  # type: ignore[assignment]
                offset += count
        parts = _parts(tickets, texts[:count])
        abusive_count = count // 5
        with timer() as elapsed:
            for index in range(abusive_count):
                do_add_message(
                    tickets[index % len(tickets)],
                    direction=Direction.INBOUND,
                    body_text=abusive[index % len(abusive)],
                )
        abusive_rate = abusive_count / elapsed()
    with_rate = statistics.median(rates[True])
    without_rate = statistics.median(rates[False])
    yield line(
        "analysis_pipeline",
        (1 / with_rate - 1 / without_rate) * 1000,
        "ms/message",
        count,
        with_analysis_per_s=round(with_rate, 1),
        without_analysis_per_s=round(without_rate, 1),
        abusive_extra_ms=round((1 / abusive_rate - 1 / with_rate) * 1000, 2),
        **parts,
        vendor=vendor,
    )


def _parts(tickets: list[Any], texts: list[str]) -> dict[str, float]:
    """Milliseconds per message of each step of `do_analyze_message` (ordinary messages)."""
    from django.db import transaction

    from shomer.analysis import services as analysis
    from shomer.conversations.models import Direction
    from shomer.conversations.services import do_add_message

    switched_on = analysis.do_analyze_message
    analysis.do_analyze_message = lambda message, **options: None  # type: ignore[assignment]
    try:
        messages = [
            do_add_message(
                tickets[index % len(tickets)], direction=Direction.INBOUND, body_text=text
            )
            for index, text in enumerate(texts)
        ]
    finally:
        analysis.do_analyze_message = switched_on  # type: ignore[assignment]
    totals = {"engine_ms": 0.0, "store_ms": 0.0, "badges_ms": 0.0}
    for message in messages:
        with transaction.atomic():
            with timer() as elapsed:
                reading = analysis.read_message(message)
            totals["engine_ms"] += elapsed()
            if reading is None:
                continue
            with timer() as elapsed:
                row = analysis._row(message, reading)
                row.save(force_insert=True)
            totals["store_ms"] += elapsed()
            with timer() as elapsed:
                analysis._update_signals(message.ticket_id, row)
            totals["badges_ms"] += elapsed()
    return {name: round(total / len(messages) * 1000, 3) for name, total in totals.items()}
