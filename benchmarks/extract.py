"""Extraction throughput and memory against the floor of merely reading the bytes.

    python benchmarks/extract.py [--files 1000] [--docs DIR]

The seed corpus (../shared/corpus/seeds/docs, else examples/) is replicated
to N files in a temporary folder. Times are CPU time of this one process
(one core), so other load on the machine does not distort them. Three
figures are printed:
the floor (read + decode the same bytes), extract (read → parse → jixiao/1
JSON), and their ratio; then peak memory at N/4 and N files, to show that
memory stays flat as the file count grows. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from jixiao.pipeline import extract_file
from jixiao.read.decode import decode
from jixiao.render.jsonout import dumps

ROOT = Path(__file__).resolve().parent.parent


def _corpus(docs: Path | None) -> list[Path]:
    for folder in (docs, ROOT.parent / "shared" / "corpus" / "seeds" / "docs", ROOT / "examples"):
        if folder is not None and folder.is_dir():
            files = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md", ".html"))
            if files:
                return files
    raise SystemExit("no corpus found")


def _replicate(files: list[Path], count: int, into: Path) -> list[Path]:
    out = []
    for index in range(count):
        source = files[index % len(files)]
        target = into / f"{index:05d}_{source.name}"
        shutil.copyfile(source, target)
        out.append(target)
    return out


def _floor(paths: list[Path]) -> float:
    start = time.process_time()
    for path in paths:
        decode(path.read_bytes(), path.name)
    return time.process_time() - start


def _extract(paths: list[Path], out: Path) -> float:
    start = time.process_time()
    for path in paths:
        (out / f"{path.stem}.json").write_bytes(dumps(extract_file(path), indent=False))
    return time.process_time() - start


def _peak(paths: list[Path], out: Path) -> int:
    tracemalloc.start()
    _extract(paths, out)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--docs", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs, as timeit does")
    args = parser.parse_args()
    files = _corpus(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "in", Path(tmp) / "out"
        folder.mkdir()
        out.mkdir()
        paths = _replicate(files, args.files, folder)
        _extract(paths[: len(files)], out)  # warm imports and caches once
        floor = min(_floor(paths) for _ in range(args.repeat))
        elapsed = min(_extract(paths, out) for _ in range(args.repeat))
        quarter = _peak(paths[: max(1, args.files // 4)], out)
        full = _peak(paths, out)
    count = len(paths)
    print(f"corpus: {len(files)} documents replicated to {count} files")
    print(f"floor   (read+decode): {count / floor:9.0f} docs/s")
    print(f"extract (to jixiao/1): {count / elapsed:9.0f} docs/s   target >= 300")
    print(f"ratio extract/floor  : {elapsed / floor:9.1f} x")
    print(f"peak memory {count // 4:>5} files: {quarter / 1e6:7.1f} MB")
    print(f"peak memory {count:>5} files: {full / 1e6:7.1f} MB   (flat = no growth with file count)")


if __name__ == "__main__":
    main()
