"""The synthetic corpus as a benchmark: planted defects found, unexpected findings, extraction F1.

    python benchmarks/synth.py [--count 500] [--seed 1] [--formats text,html,xlsx,docx,pdf] [--jobs 1] [--out DIR]

Generates ``count`` documents (``jixiao.synth``), renders each in every format
asked for, reads it back and reviews it as ``jixiao review`` would, and prints
per check id: defects injected, found, recall and unexpected findings (every
format pooled, then per format), and per format the field-level extraction F1
of the read-back forms against the generated ones (counted as
../shared/bench/score.py counts). A defect only the plain-text layout can
show (an empty 存在问题 section, a missing section) is expected of the text
rendering alone; the document's other defects count in every format. Acceptance: recall 1.0 for every check id and no
unexpected findings. ``--out`` also writes each rendering and its
``<stem>.expected.json``. Known misbehaviour of checks and readers is listed in
benchmarks/synth_issues.md. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.checks import REGISTRY
from jixiao.synth.compare import Tally
from jixiao.synth.corpus import FORMATS, SUFFIXES, check_sample, make_sample, render
from jixiao.synth.spec import Expected


@dataclass
class Result:
    """What one document gave in every format (picklable, for worker processes)."""

    stem: str
    tallies: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    injected: dict[str, list[str]] = field(default_factory=dict)
    found: dict[str, list[str]] = field(default_factory=dict)
    missed: dict[str, list[str]] = field(default_factory=dict)
    unexpected: dict[str, list[str]] = field(default_factory=dict)
    extraction_misses: dict[str, list[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _describe(item: Expected) -> str:
    return f"{item.check} form={item.form} field={item.field}"


def run_one(seed: int, index: int, formats: list[str], out: str | None) -> Result:
    sample = make_sample(seed, index)
    result = Result(sample.stem)
    for fmt in formats:
        start = time.perf_counter()
        data = render(sample, fmt)
        if out is not None:
            folder = Path(out) / fmt
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{sample.stem}.{SUFFIXES[fmt]}").write_bytes(data)
            (folder / f"{sample.stem}.expected.json").write_text(
                json.dumps(sample.expected_json(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
        outcome = check_sample(sample, fmt, data)
        result.seconds[fmt] = time.perf_counter() - start
        result.tallies[fmt] = (outcome.tally.tp, outcome.tally.fn, outcome.tally.fp)
        result.extraction_misses[fmt] = outcome.tally.misses[:5]
        result.injected[fmt] = [item.check for item in sample.expected_for(fmt)]
        result.found[fmt] = [item.check for item in outcome.verdict.found]
        result.missed[fmt] = [f"{sample.stem}: {_describe(item)}" for item in outcome.verdict.missed]
        result.unexpected[fmt] = [
            f"{f.check}\t{sample.stem}: form={f.form} field={f.field} — {f.message[:100]}"
            for f in outcome.verdict.unexpected
        ]
    return result


def _table(title: str, injected: Counter[str], found: Counter[str], unexpected: Counter[str]) -> None:
    print(f"\n{title}")
    print(f"{'check':36s} {'injected':>8s} {'found':>6s} {'recall':>7s} {'unexpected':>10s}")
    for check in sorted(REGISTRY):
        planted, hit = injected[check], found[check]
        recall = f"{hit / planted:.3f}" if planted else "—"
        print(f"{check:36s} {planted:8d} {hit:6d} {recall:>7s} {unexpected[check]:10d}")
    total, hit = sum(injected.values()), sum(found.values())
    recall = f"{hit / total:.3f}" if total else "—"
    print(f"{'ALL':36s} {total:8d} {hit:6d} {recall:>7s} {sum(unexpected.values()):10d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", default=None)
    parser.add_argument("--show", type=int, default=15, help="examples of misses to print per kind")
    args = parser.parse_args()
    formats = [name for name in args.formats.split(",") if name]
    start = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(run_one, args.seed, i, formats, args.out) for i in range(args.count)]
            results = [future.result() for future in futures]
    else:
        results = [run_one(args.seed, i, formats, args.out) for i in range(args.count)]
    wall = time.perf_counter() - start

    pooled: dict[str, Counter[str]] = defaultdict(Counter)
    per_format: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    tallies: dict[str, Tally] = defaultdict(Tally)
    seconds: dict[str, float] = defaultdict(float)
    missed: list[str] = []
    unexpected: list[str] = []
    extraction_misses: list[str] = []
    for result in results:
        for fmt in formats:
            tp, fn, fp = result.tallies[fmt]
            tallies[fmt].add(Tally(tp, fn, fp))
            seconds[fmt] += result.seconds[fmt]
            extraction_misses += [f"{fmt} {result.stem} {miss}" for miss in result.extraction_misses[fmt]]
            for kind, values in (("injected", result.injected[fmt]), ("found", result.found[fmt])):
                pooled[kind].update(values)
                per_format[fmt][kind].update(values)
            names = [line.split("\t", 1)[0] for line in result.unexpected[fmt]]
            pooled["unexpected"].update(names)
            per_format[fmt]["unexpected"].update(names)
            missed += [f"{fmt} {line}" for line in result.missed[fmt]]
            unexpected += [f"{fmt} {line.split(chr(9), 1)[1]}" for line in result.unexpected[fmt]]

    print(f"synthetic corpus: {args.count} documents (seed {args.seed}), formats {', '.join(formats)}; {wall:.0f} s")
    print(f"\n{'format':8s} {'F1':>7s} {'tp':>8s} {'fn':>6s} {'fp':>6s} {'s/doc':>7s}")
    for fmt in formats:
        tally = tallies[fmt]
        print(f"{fmt:8s} {tally.f1:7.4f} {tally.tp:8d} {tally.fn:6d} {tally.fp:6d} {seconds[fmt] / args.count:7.3f}")
    _table("all formats pooled", pooled["injected"], pooled["found"], pooled["unexpected"])
    for fmt in formats:
        counts = per_format[fmt]
        _table(f"format {fmt}", counts["injected"], counts["found"], counts["unexpected"])
    for title, lines in (("missed", missed), ("unexpected", unexpected), ("extraction differences", extraction_misses)):
        if lines:
            print(f"\n{title} ({len(lines)}):")
            for line in lines[: args.show]:
                print(f"  {line}")


if __name__ == "__main__":
    main()
