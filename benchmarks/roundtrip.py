"""Round trip: render every seed gold document, read the file back, score it against the gold.

    python benchmarks/roundtrip.py --to xlsx|docx|pdf|html|scanned|writer-pdf|calc-pdf|all [--skew DEGREES]
        [--out DIR] [--template region|NAME] [--verbose]

Each gold document (../shared/corpus/seeds/gold/*.json) is rendered with
``jixiao.render.forms.render_document`` (by default in its region's layout:
Anhui and Shanxi units get those templates), written as ``<stem>.<ext>``,
extracted again with ``jixiao.pipeline.extract_file`` and saved as
``<stem>.json``; then ../shared/bench/score.py scores the folder and the
extraction F1 is printed per format.

``--to scanned`` renders the PDF, rasterises every page at 200 dpi (grey, with
pypdfium2) into an image-only PDF, as a scanner would, and reads that back
through OCR (the ``jixiao[ocr]`` extra; goal F1 ≥ 0.95). ``--skew 0.8`` turns
each page image by that many degrees first, as a page fed askew into a scanner.
OCR takes seconds a page, so ``all`` does not include it.

``--to writer-pdf`` and ``--to calc-pdf`` render the docx (or the xlsx) and
have LibreOffice export it as PDF, as a department exporting from Word, WPS or
Excel would: a second PDF producer beside WeasyPrint, which draws and orders
its text its own way (fallback fonts, tables split over pages with their
header row repeated). They need LibreOffice (``soffice``).

Provenance is rewritten here, never in src: a gold ``line`` counts lines of
the original text dump, while an extracted form's ``line`` counts lines of the
rendered file. The scorer pairs forms partly by line distance, so each
extracted form takes the gold line of the form rendered at the same position
(the renderer keeps the order, and the kinds must agree); everything else is
compared as extracted. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from jixiao.parse.jsonin import load_document
from jixiao.pipeline import extract_file
from jixiao.read.convert import export, soffice_path
from jixiao.render.forms import FORMATS, TEMPLATES, render_document
from jixiao.render.jsonout import document_to_dict
from jixiao.rules.profile import profile_name_for

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _template(gold: dict[str, Any], choice: str) -> str:
    if choice != "region":
        return choice
    department = next((form.get("department") for form in gold.get("forms", []) if form.get("department")), None)
    name = profile_name_for(department)
    return name if name in TEMPLATES else "national"


def _align_lines(pred: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Give each extracted form the gold line of the form rendered in its place; False when they do not pair."""
    pforms, gforms = pred.get("forms", []), gold.get("forms", [])
    if len(pforms) != len(gforms) or any(p["kind"] != g["kind"] for p, g in zip(pforms, gforms, strict=True)):
        return False
    for p, g in zip(pforms, gforms, strict=True):
        if isinstance(g.get("line"), int):
            p["line"] = g["line"]
    return True


SCAN_DPI = 200


def scanned(pdf: bytes, skew: float = 0.0) -> bytes:
    """The PDF as a scanner gives it back: each page an image at :data:`SCAN_DPI`, no text layer, turned
    ``skew`` degrees counter-clockwise (the uncovered corners white)."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = [
            document[index].render(scale=SCAN_DPI / 72, grayscale=True).to_pil() for index in range(len(document))
        ]
    finally:
        document.close()
    if skew:
        images = [image.convert("L").rotate(skew, resample=3, fillcolor=255) for image in images]  # 3: bicubic
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=SCAN_DPI, save_all=True, append_images=images[1:])
    return buffer.getvalue()


_EXPORTED = {"writer-pdf": "docx", "calc-pdf": "xlsx"}  # the format LibreOffice exports to PDF


def exported_pdf(data: bytes, suffix: str) -> bytes:
    """``data`` (a docx or xlsx) exported as PDF by LibreOffice."""
    if soffice_path() is None:
        raise SystemExit("writer-pdf / calc-pdf need LibreOffice (soffice)")
    with tempfile.TemporaryDirectory() as temp:
        source = Path(temp) / f"document.{suffix}"
        source.write_bytes(data)
        return export([source], "pdf", Path(temp), timeout=300)[0].read_bytes()


def run(fmt: str, gold_dir: Path, out: Path, template: str, verbose: bool, skew: float = 0.0) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    render_time = extract_time = 0.0
    notes: list[str] = []
    files = sorted(gold_dir.glob("*.json"))
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        chosen = _template(gold, template)
        start = time.perf_counter()
        made = "pdf" if fmt == "scanned" else _EXPORTED.get(fmt, fmt)
        data = render_document(load_document(path), made, template=chosen)  # type: ignore[arg-type]
        if fmt == "scanned":
            data = scanned(data, skew)
        elif fmt in _EXPORTED:
            data = exported_pdf(data, made)
        render_time += time.perf_counter() - start
        rendered = out / f"{path.stem}.{'pdf' if fmt == 'scanned' or fmt in _EXPORTED else fmt}"
        rendered.write_bytes(data)
        start = time.perf_counter()
        document = extract_file(rendered)
        extract_time += time.perf_counter() - start
        for problem in document.problems:
            notes.append(f"{rendered.name}: {problem.message}")
        pred = document_to_dict(document)
        if not _align_lines(pred, gold):
            notes.append(f"{rendered.name}: 表单数量或类型与原文档不一致，保留提取出的行号")
        (out / f"{path.stem}.json").write_text(json.dumps(pred, ensure_ascii=False, default=str), encoding="utf-8")
    scorer = [sys.executable, str(SHARED / "bench" / "score.py"), "--gold", str(gold_dir), "--pred", str(out)]
    result = subprocess.run([*scorer, "--json"], check=True, capture_output=True, text=True)
    summary = json.loads(result.stdout)["extraction"]["ALL"]
    if verbose:
        detail = subprocess.run([*scorer, "--verbose"], check=True, capture_output=True, text=True).stdout
        misses = [line for line in detail.split("-- misses", 1)[-1].splitlines() if line and "finding" not in line]
        notes.extend(misses)
    return {
        "format": fmt,
        "files": len(files),
        "f1": summary["f1"],
        "precision": summary["precision"],
        "recall": summary["recall"],
        "tp": summary["tp"],
        "fn": summary["fn"],
        "fp": summary["fp"],
        "render_s": render_time,
        "extract_s": extract_time,
        "notes": notes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--to", required=True, choices=[*FORMATS, "scanned", *_EXPORTED, "all"])
    parser.add_argument("--skew", type=float, default=0.0, help="scanned: turn each page image by so many degrees")
    parser.add_argument("--out", type=Path, help="keep the rendered files and their extractions here")
    parser.add_argument("--template", default="region", choices=["region", *TEMPLATES])
    parser.add_argument("--gold", type=Path, default=SHARED / "corpus" / "seeds" / "gold")
    parser.add_argument("--verbose", action="store_true", help="list every missed field and every reader note")
    args = parser.parse_args(argv)
    if not args.gold.is_dir():
        raise SystemExit(f"no gold folder: {args.gold}")
    formats = list(FORMATS) if args.to == "all" else [args.to]
    print(f"{'format':8s} {'files':>5s} {'f1':>7s} {'prec':>7s} {'rec':>7s} {'tp':>5s} {'fn':>4s} {'fp':>4s} "
          f"{'render s':>9s} {'extract s':>9s}")  # fmt: skip
    with tempfile.TemporaryDirectory() as temp:
        for fmt in formats:
            out = (args.out / fmt if args.to == "all" else args.out) if args.out else Path(temp) / fmt
            row = run(fmt, args.gold, out, args.template, args.verbose, args.skew)
            print(
                f"{fmt:8s} {row['files']:5d} {row['f1']:7.4f} {row['precision']:7.4f} {row['recall']:7.4f} "
                f"{row['tp']:5d} {row['fn']:4d} {row['fp']:4d} {row['render_s']:9.2f} {row['extract_s']:9.2f}"
            )
            for note in row["notes"]:
                print(f"    {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
