"""The seed documents in other file formats, prose and tables alike, reviewed and scored against gold.

    python benchmarks/converted.py [--formats html,docx,pdf,pdf-unruled] [--out DIR] [--verbose]

``roundtrip.py`` renders the gold forms (tables only) with jixiao's own
renderer. Here each seed text dump, narrative included, becomes the file a
department would send (``dumpfiles.py``: an HTML page, a Word file saved by
LibreOffice, a PDF printed by WeasyPrint with or without the tables'
borders); ``jixiao review`` reads it and ../shared/bench/score.py scores
extraction and findings against the seed gold.

A gold ``line`` counts lines of the dump; an extracted one counts lines of the
converted file. Before scoring, every line of the output (forms and findings)
is carried back to the dump line whose text holds that line's text, searched
forward from the previous match (the conversion keeps the order). This is
scoring-side bookkeeping, never done in src. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import dumpfiles
from jixiao.pipeline import review_file
from jixiao.read import read_path
from jixiao.render.jsonout import document_to_dict

SHARED = dumpfiles.ROOT.parent / "shared"
_NOISE = re.compile(r"[\s|#*�]+")
_REACH = 400  # dump lines searched ahead of the previous match


def _key(text: str) -> str:
    return _NOISE.sub("", text)


def line_map(converted: list[str], dump: list[str]) -> list[int]:
    """For each converted line (0-based index), the 1-based dump line it came from."""
    keys = [_key(text) for text in dump]
    mapped: list[int] = []
    cursor = 0
    for text in converted:
        key = _key(text)
        if key:
            for index in range(cursor, min(len(keys), cursor + _REACH)):
                if keys[index] and (key in keys[index] or keys[index] in key):
                    cursor = index
                    break
        mapped.append(cursor + 1)
    return mapped


def _remap(pred: dict[str, Any], mapped: list[int]) -> None:
    def to_dump(line: Any) -> Any:
        return mapped[line - 1] if isinstance(line, int) and 1 <= line <= len(mapped) else line

    for item in (*pred.get("forms", []), *pred.get("findings", [])):
        item["line"] = to_dump(item.get("line"))


def run(fmt: str, sources: list[Path], work: Path, verbose: bool) -> None:
    files = dumpfiles.convert(sources, fmt, work / "files")
    out = work / "pred"
    out.mkdir(exist_ok=True)
    for source, path in zip(sources, files, strict=True):
        document = review_file(path)
        pred = document_to_dict(document)
        converted = read_path(path).lines
        _remap(pred, line_map(converted, source.read_text(encoding="utf-8").splitlines()))
        pred["source"] = source.name
        (out / f"{source.stem}.json").write_text(json.dumps(pred, ensure_ascii=False, default=str), encoding="utf-8")
    scorer = [sys.executable, str(SHARED / "bench" / "score.py"), "--gold", str(SHARED / "corpus" / "seeds" / "gold")]
    result = json.loads(subprocess.run([*scorer, "--pred", str(out), "--json"], check=True, capture_output=True,
                                       text=True).stdout)  # fmt: skip
    extraction, findings = result["extraction"]["ALL"], result["findings"]
    unexpected = findings.get("findings.unexpected", {}).get("fp", 0)
    found = findings["ALL"]
    print(f"{fmt:12s} {extraction['f1']:7.4f} {extraction['tp']:5d} {extraction['fn']:4d} {extraction['fp']:4d}   "
          f"{found['f1']:7.4f} {found['tp']:4d} {found['fn']:4d} {unexpected:4d}")  # fmt: skip
    if verbose:
        detail = subprocess.run([*scorer, "--pred", str(out), "--verbose"], check=True, capture_output=True, text=True)
        for line in detail.stdout.split("-- misses", 1)[-1].splitlines():
            if line.strip():
                print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", default=",".join(dumpfiles.FORMATS))
    parser.add_argument("--out", type=Path, help="keep the converted files and the outputs here")
    parser.add_argument("--verbose", action="store_true", help="list every missed field and finding")
    args = parser.parse_args()
    sources = dumpfiles.dumps()
    print(f"{'format':12s} {'extr f1':>7s} {'tp':>5s} {'fn':>4s} {'fp':>4s}   {'find f1':>7s} {'tp':>4s} {'fn':>4s} "
          f"{'unex':>4s}")  # fmt: skip
    with tempfile.TemporaryDirectory() as temp:
        for fmt in args.formats.split(","):
            work = (args.out or Path(temp)) / fmt
            work.mkdir(parents=True, exist_ok=True)
            run(fmt, sources, work, args.verbose)


if __name__ == "__main__":
    main()
