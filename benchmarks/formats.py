"""Extraction speed and peak memory per input format, beside the floor of merely loading the file.

    python benchmarks/formats.py [--copies 4] [--repeat 3] [--scanned-pages 2] [--formats text,html,…]

Inputs: every seed gold document (../shared/corpus/seeds/gold/*.json, else the
documents extracted from examples/) rendered with
``jixiao.render.forms.render_document`` as html, docx, xlsx and pdf; the seed
text dumps as text; the rendered xlsx saved as .xls by LibreOffice (one
batched call, skipped without LibreOffice); and, when OCR is installed, a
scanned PDF made of the first rendered pages rasterised at 200 dpi. Each set
is copied ``--copies`` times.

Per format, in a fresh process (so peak memory is that format's own):

* jixiao: ``extract_file`` to jixiao/1 JSON, in docs/s (pages/s for PDF);
* read: ``read_path`` alone, the reader's share;
* floor: the least any tool must do — read+decode for text and HTML,
  python-docx load for docx, calamine load of every sheet for xlsx/xls,
  pypdfium2 raw text of every page for PDF, pypdfium2 rendering at 200 dpi for
  the scanned PDF;
* ratio jixiao/floor, with the goal where one is set (PDF ≤ 1.3×, docx and
  xlsx ≤ 2×);
* peak RSS in MB of the process and of the reader children the guard forks.

Times are CPU seconds (``getrusage``: this process plus its reaped children, so
the guard's forked readers count), best of ``--repeat`` runs like
``benchmarks/extract.py``; a pass shorter than 0.2 s is looped. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from cputime import cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "corpus" / "seeds" / "gold"
DOCS = ROOT.parent / "shared" / "corpus" / "seeds" / "docs"
ORDER = ("text", "html", "docx", "xlsx", "xls", "pdf", "scanned")
SUFFIX = {"text": "txt", "html": "html", "docx": "docx", "xlsx": "xlsx", "xls": "xls", "pdf": "pdf", "scanned": "pdf"}
GOALS = {"pdf": 1.3, "docx": 2.0, "xlsx": 2.0}


def _documents() -> list[tuple[str, object]]:
    from jixiao.parse.jsonin import load_document
    from jixiao.pipeline import extract_file

    if GOLD.is_dir() and any(GOLD.glob("*.json")):
        return [(path.stem, load_document(path)) for path in sorted(GOLD.glob("*.json"))]
    examples = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".txt", ".md", ".html"))
    return [(path.stem, extract_file(path)) for path in examples]


def _texts() -> list[tuple[str, bytes]]:
    folder = DOCS if DOCS.is_dir() else ROOT / "examples"
    return [(path.stem, path.read_bytes()) for path in sorted(folder.iterdir()) if path.suffix in (".txt", ".md")]


def _to_xls(xlsx: list[Path], into: Path) -> list[Path]:
    from jixiao.read.convert import export, soffice_path

    if soffice_path() is None or not xlsx:
        return []
    return export(xlsx, "xls:MS Excel 97", into)


def _scanned(pdfs: list[Path], pages: int, into: Path) -> list[Path]:
    """The first ``pages`` rendered pages as images at 200 dpi in one image-only PDF."""
    import pypdfium2 as pdfium

    images = []
    for path in pdfs:
        document = pdfium.PdfDocument(str(path))
        for index in range(len(document)):
            if len(images) == pages:
                break
            images.append(document[index].render(scale=200 / 72).to_pil().convert("L"))
        document.close()
    if not images:
        return []
    target = into / "scanned.pdf"
    images[0].save(target, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return [target]


def _ocr_available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def prepare(folder: Path, copies: int, scanned_pages: int, wanted: set[str]) -> dict[str, list[Path]]:
    """Write the inputs of every format under ``folder``; the files per format."""
    from jixiao.render.forms import render_document

    made: dict[str, list[Path]] = {fmt: [] for fmt in ORDER}
    (folder / "seeds").mkdir()
    for stem, data in _texts():
        path = folder / "seeds" / f"{stem}.txt"
        path.write_bytes(data)
        made["text"].append(path)
    for stem, document in _documents():
        for fmt in ("html", "docx", "xlsx", "pdf"):
            if fmt not in wanted and not (fmt in ("xlsx", "pdf") and {"xls", "scanned"} & wanted):
                continue
            path = folder / "seeds" / f"{stem}.{fmt}"
            path.write_bytes(render_document(document, fmt))  # type: ignore[arg-type]
            made[fmt].append(path)
    if "xls" in wanted:
        made["xls"] = _to_xls(made["xlsx"], folder / "seeds")
    if "scanned" in wanted and _ocr_available():
        made["scanned"] = _scanned(made["pdf"], scanned_pages, folder / "seeds")
    out: dict[str, list[Path]] = {}
    for fmt in ORDER:
        if fmt not in wanted or not made[fmt]:
            continue
        target = folder / fmt
        target.mkdir()
        copies_here = 1 if fmt == "scanned" else copies
        out[fmt] = []
        for copy in range(copies_here):
            for path in made[fmt]:
                replica = target / f"{copy:02d}_{path.stem}.{SUFFIX[fmt]}"
                shutil.copyfile(path, replica)
                out[fmt].append(replica)
    return out


def _floor_for(fmt: str) -> Callable[[Path], None]:
    if fmt in ("text", "html"):
        from jixiao.read.decode import decode

        def read_text(path: Path) -> None:
            decode(path.read_bytes(), path.name)

        return read_text
    if fmt == "docx":
        import docx

        def load_docx(path: Path) -> None:
            docx.Document(io.BytesIO(path.read_bytes()))

        return load_docx
    if fmt in ("xlsx", "xls"):
        import python_calamine as calamine

        def load(path: Path) -> None:
            with calamine.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())) as book:
                for name in book.sheet_names:
                    book.get_sheet_by_name(name).to_python()

        return load
    import pypdfium2 as pdfium

    def pdf_text(path: Path) -> None:
        document = pdfium.PdfDocument(path.read_bytes())
        for index in range(len(document)):
            page = document[index]
            if fmt == "scanned":
                page.render(scale=200 / 72)
            else:
                page.get_textpage().get_text_range()
        document.close()

    return pdf_text


def _best(run: Callable[[], None], repeat: int) -> float:
    """Best of ``repeat`` timings of one pass; a pass too fast to time is looped until it takes 0.2 s.

    The guard's reader worker is retired at the end of each timing, so its CPU time is reaped and counted.
    """
    from jixiao.read.guard import stop_worker

    best = float("inf")
    for _ in range(repeat):
        loops = 1
        while True:
            start = cpu_seconds()
            for _ in range(loops):
                run()
            stop_worker()
            elapsed = cpu_seconds() - start
            if elapsed >= 0.2 or loops >= 1024:
                break
            loops *= 2
        best = min(best, elapsed / loops)
    return best


def measure(fmt: str, folder: Path, repeat: int) -> dict[str, float]:
    """One format's figures; run in a process of its own."""
    from jixiao.pipeline import extract_file
    from jixiao.read import read_path
    from jixiao.read.guard import stop_worker
    from jixiao.render.jsonout import dumps

    paths = sorted(folder.iterdir())
    out = folder.parent / f"{fmt}-out"
    out.mkdir(exist_ok=True)
    floor = _floor_for(fmt)
    if fmt == "scanned":
        repeat = 1
    pages = 0
    if SUFFIX[fmt] == "pdf":
        import pypdfium2 as pdfium

        for path in paths:
            document = pdfium.PdfDocument(str(path))
            pages += len(document)
            document.close()

    def extract() -> None:
        for path in paths:
            (out / f"{path.stem}.json").write_bytes(dumps(extract_file(path), indent=False))

    def read() -> None:
        for path in paths:
            read_path(path)

    def load() -> None:
        for path in paths:
            floor(path)

    if fmt != "scanned":
        extract()  # warm imports and caches once
        stop_worker()
    figures = {
        "files": float(len(paths)),
        "pages": float(pages),
        "extract": _best(extract, repeat),
        "read": _best(read, repeat),
        "floor": _best(load, repeat),
    }
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["peak_mb"] = max(own, children) / 1024  # ru_maxrss is in KB on Linux
    figures["peak_self_mb"] = own / 1024
    return figures


def _row(fmt: str, figures: dict[str, float]) -> str:
    unit = figures["pages"] if figures["pages"] else figures["files"]
    label = "pages/s" if figures["pages"] else "docs/s"
    ratio = figures["extract"] / figures["floor"] if figures["floor"] > 0 else float("inf")
    read_ratio = figures["read"] / figures["floor"] if figures["floor"] > 0 else float("inf")
    goal = f"≤ {GOALS[fmt]:.1f}×" if fmt in GOALS else ""
    return (
        f"{fmt:<8} {int(figures['files']):>5} {label:<8}"
        f" {unit / figures['extract']:>9.1f} {unit / figures['read']:>9.1f} {unit / figures['floor']:>9.1f}"
        f" {ratio:>8.2f}× {read_ratio:>8.2f}× {goal:>7} {figures['peak_mb']:>8.0f} {figures['peak_self_mb']:>8.0f}"
    )


def _loads(loads: tuple[float, float, float]) -> str:
    return " ".join(f"{load:.2f}" for load in loads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of each input set")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs, as timeit does")
    parser.add_argument("--scanned-pages", type=int, default=2, help="pages in the scanned PDF (OCR ~5 s each)")
    parser.add_argument("--formats", default=",".join(ORDER), help="comma-separated subset of " + ",".join(ORDER))
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    wanted = {fmt.strip() for fmt in args.formats.split(",") if fmt.strip()}
    if args.measure:
        print(json.dumps(measure(args.measure, args.dir, args.repeat)))
        return
    if args.prepare:
        made = prepare(args.dir, args.copies, args.scanned_pages, wanted)
        print(json.dumps({fmt: [str(path) for path in paths] for fmt, paths in made.items()}))
        return
    loads = os.getloadavg() if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="jixiao-formats-") as tmp:
        # Inputs are made in a process of their own: Linux keeps a process's peak RSS across exec,
        # so rendering here would show up as every measuring child's peak.
        command = [sys.executable, __file__, "--prepare", "--dir", tmp, "--formats", ",".join(sorted(wanted))]
        command += ["--copies", str(args.copies), "--scanned-pages", str(args.scanned_pages)]
        prepared = subprocess.run(command, capture_output=True, text=True, check=True)
        inputs = json.loads(prepared.stdout.strip().splitlines()[-1])
        print("format   files unit        jixiao      read     floor  jixiao/fl  read/fl    goal  peak MB  self MB")
        for fmt in ORDER:
            if fmt not in inputs:
                if fmt in wanted:
                    print(f"{fmt:<8} skipped (needs {'LibreOffice' if fmt == 'xls' else 'OCR'})")
                continue
            command = [sys.executable, __file__, "--measure", fmt, "--dir", str(Path(tmp) / fmt)]
            result = subprocess.run([*command, "--repeat", str(args.repeat)], capture_output=True, text=True)
            if result.returncode != 0:
                print(f"{fmt:<8} failed: {result.stderr.strip().splitlines()[-1:]}")
                continue
            print(_row(fmt, json.loads(result.stdout.strip().splitlines()[-1])), flush=True)
    print("jixiao = extract_file to jixiao/1 JSON; read = read_path alone; floor = loading with the bare library.")
    print("CPU seconds of the process and its reader children, best of --repeat; peak = max RSS incl. children.")
    if loads:  # other work on the machine skews even CPU times (shared caches, clock frequency)
        print(f"load average (1, 5, 15 min): {_loads(loads)} at the start, {_loads(os.getloadavg())} at the end")


if __name__ == "__main__":
    main()
