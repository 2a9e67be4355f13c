"""Review throughput against extraction alone, over the seed corpus replicated to N files.

    python benchmarks/review.py [--files 1000] [--format text|html|docx|xlsx|pdf]

Prints docs/s (CPU time of this process and of the reader processes it
forks, best of N runs) for extract alone (read → parse → jixiao/1 JSON) and
for review (the same plus every check and the findings in the JSON), and the
share review adds: the goal is at most +50%. Not a test: it asserts nothing.

``--format text`` (the default) reads the seed text dumps themselves; the
other formats read the same documents, prose and tables, as the files
departments send (``dumpfiles.py``), so reading the file is part of extraction.

The copies are byte-identical, so jixiao's caches keyed by text (a cleaned
line, a paragraph's figures, a cell's number) would answer every file after
the first few and flatter both figures. Before each file, in both modes, those
caches are emptied, as a batch of distinct documents would find them; the
caches of things every file shares (rule profiles, compiled patterns) are
kept. ``--warm`` keeps every cache instead.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import tempfile
from pathlib import Path

import dumpfiles
from cputime import cpu_seconds
from jixiao.pipeline import extract_file, review_file
from jixiao.read.guard import stop_worker
from jixiao.render.jsonout import dumps


def _corpus(fmt: str, folder: Path) -> list[Path]:
    """The seed text dumps, or the same documents (prose and tables alike) as HTML, PDF or docx files."""
    sources = dumpfiles.dumps()
    return sources if fmt == "text" else dumpfiles.convert(sources, fmt, folder)


_SHARED = {
    "load_profile",
    "_cn2an",
    "_sentence_pattern",
    "_separator_pattern",
}  # keyed by names, not by a document's text


def _text_caches() -> list[functools._lru_cache_wrapper[object]]:
    """Every lru_cache of jixiao's modules but the ones every document shares."""
    found: dict[int, functools._lru_cache_wrapper[object]] = {}
    for name, module in list(sys.modules.items()):
        if name == "jixiao" or name.startswith("jixiao."):
            for value in vars(module).values():
                if isinstance(value, functools._lru_cache_wrapper) and value.__wrapped__.__name__ not in _SHARED:
                    found[id(value)] = value
    return list(found.values())


def _run(paths: list[Path], out: Path, review: bool, warm: bool) -> float:
    caches = [] if warm else _text_caches()
    start = cpu_seconds()
    for path in paths:
        for cache in caches:
            cache.cache_clear()
        document = review_file(path) if review else extract_file(path)
        (out / f"{path.stem}.json").write_bytes(dumps(document, indent=False))
    stop_worker()  # the reader worker's CPU time is reaped, so it counts
    return cpu_seconds() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--format", default="text", choices=("text", *dumpfiles.FORMATS), help="what the files are")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--warm", action="store_true", help="keep the per-text caches between files")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, out, rendered = Path(tmp) / "in", Path(tmp) / "out", Path(tmp) / "rendered"
        for made in (folder, out, rendered):
            made.mkdir()
        files = _corpus(args.format, rendered)
        paths = []
        for index in range(args.files):
            source = files[index % len(files)]
            target = folder / f"{index:05d}_{source.name}"
            shutil.copyfile(source, target)
            paths.append(target)
        _run(paths[: len(files)], out, review=True, warm=True)  # imports, profiles, patterns
        extract = min(_run(paths, out, review=False, warm=args.warm) for _ in range(args.repeat))
        review = min(_run(paths, out, review=True, warm=args.warm) for _ in range(args.repeat))
    count = len(paths)
    caches = "kept" if args.warm else "emptied before each file"
    print(f"corpus: {len(files)} {args.format} documents replicated to {count} files; per-text caches {caches}")
    print(f"extract alone : {count / extract:8.0f} docs/s")
    print(f"review        : {count / review:8.0f} docs/s")
    print(f"review adds   : {100 * (review - extract) / extract:8.1f} %   goal <= 50 %")


if __name__ == "__main__":
    main()
