"""``manage.py seed_synthetic``: a large, deterministic synthetic data set, or its removal.

Examples::

    manage.py seed_synthetic                       # the default scale: 100,000 persons, 20,000 cases …
    manage.py seed_synthetic --scale 0.1 --seed 7  # a tenth of it, from another seed
    manage.py seed_synthetic --persons 5000 --cases 500 --defendants 2000
    manage.py seed_synthetic --delete              # remove every synthetic record, and nothing else

Synthetic records are marked (``synthetic=True`` and a ``[synthetic]`` tag in
their names) and written without history; see ``cases/synthetic.py``.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.synthetic import (
    SyntheticCounts,
    SyntheticDataError,
    format_reports,
    synthetic_delete,
    synthetic_seed,
)


class Command(BaseCommand):
    help = (
        "Write a large synthetic data set for load testing (by default 100,000 persons, 20,000 cases, "
        "100,000 defendants, 150,000 charges, 100,000 sentences, with status histories and citations), "
        "or remove it with --delete. Synthetic records are marked and have no history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every default count by this factor (e.g. 0.01 for a quick run). Default 1.",
        )
        for name in SyntheticCounts.names():
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                dest=name,
                metavar="N",
                help=f"Number of {name.replace('_', ' ')} (default {getattr(SyntheticCounts(), name):,} × scale).",
            )
        parser.add_argument("--batch-size", type=int, default=5_000, help="Rows per INSERT statement (default 5,000).")
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Remove every synthetic record (and nothing else) instead of seeding.",
        )

    def handle(self, *args, **options):
        progress = options["verbosity"] >= 1
        started = time.perf_counter()
        try:
            if options["delete"]:
                reports = synthetic_delete(progress=progress)
                verb = "deleted"
            else:
                try:
                    counts = SyntheticCounts().scaled(options["scale"])
                except ValueError as error:
                    raise CommandError(str(error)) from error
                counts = counts.replace(**{name: options[name] for name in SyntheticCounts.names()})
                reports = synthetic_seed(
                    counts=counts, seed=options["seed"], batch_size=options["batch_size"], progress=progress
                )
                verb = "written"
        except SyntheticDataError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 1:
            self.stdout.write(format_reports(reports, verb=verb))
            total = sum(report.rows for report in reports)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{total:,} synthetic rows {verb} in {time.perf_counter() - started:.1f} s"
                    + ("" if options["delete"] else f" (seed {options['seed']}). Remove them with --delete.")
                )
            )
