"""The synthetic corpus: samples made from a seed, rendered, read back, reviewed and compared.

``make_sample(seed, index)`` is deterministic. Each document tries the defect
generators in its own random order (those that apply to few documents early) and keeps the first one to three that
apply, so a corpus of a few hundred documents plants every generator many times;
about one document in nine stays clean. ``check_sample`` renders a sample in
one format, reads the bytes back through the ordinary pipeline, reviews it
under the profile its unit's name selects, and compares the read-back forms and
the findings with what was generated.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.model import Document
from jixiao.pipeline import extract_source, review_source
from jixiao.read import ReadError, read_bytes
from jixiao.synth.build import new_build
from jixiao.synth.compare import Tally, Verdict, extraction, judge
from jixiao.synth.defects import BY_NAME, DEFECTS, plant
from jixiao.synth.spec import Sample
from jixiao.synth.text import render_text

FORMATS: tuple[str, ...] = ("text", "html", "xlsx", "docx", "pdf")
SUFFIXES: dict[str, str] = {"text": "txt", "html": "html", "xlsx": "xlsx", "docx": "docx", "pdf": "pdf"}


def make_sample(seed: int, index: int, defects: Sequence[str] | None = None) -> Sample:
    """Document ``index`` of the corpus of ``seed``: clean, or spoilt by one to three defects.

    ``defects`` names generators to plant (in order, those that apply); by default the document draws its own.
    """
    build = new_build(seed, index)
    if defects is not None:
        for name in defects:
            plant(build, BY_NAME[name])
        return build.finish()
    if index % 9 == 0:
        return build.finish()
    wanted = 1 + index % 3
    rng = random.Random(f"{seed}:{index}:defects")
    order = sorted(DEFECTS, key=lambda defect: rng.random() - (0.5 if defect.narrow else 0.0))
    for defect in order:
        if len(build.defects) >= wanted:
            break
        plant(build, defect)
    return build.finish()


def corpus(count: int, seed: int) -> Iterator[Sample]:
    for index in range(count):
        yield make_sample(seed, index)


def render(sample: Sample, fmt: str) -> bytes:
    """The sample's document in one format (text by the synthetic writer, the rest by the form renderers)."""
    if fmt == "text":
        return render_text(sample).encode("utf-8")
    from jixiao.render.forms import FORMATS as RENDERED
    from jixiao.render.forms import render_document

    if fmt not in RENDERED:
        raise ReadError(f"不支持的格式：{fmt}")
    document = Document(source=sample.document.source, forms=sample.document.forms, profile=sample.profile)
    return render_document(document, fmt, extra_paragraphs=sample.extras)


@dataclass(slots=True)
class Outcome:
    """One sample in one format: extraction agreement and the review verdict."""

    stem: str
    fmt: str
    tally: Tally
    verdict: Verdict
    problems: list[str] = field(default_factory=list)
    profile: str | None = None


def read_back(data: bytes, name: str) -> tuple[Document, list[str]]:
    """Read, extract and review rendered bytes as ``jixiao review`` would."""
    try:
        source = read_bytes(data, name)
    except ReadError as error:
        return Document(source=name), [str(error)]
    document = review_source(extract_source(source), source)
    return document, [problem.message for problem in document.problems]


def check_sample(sample: Sample, fmt: str, data: bytes | None = None) -> Outcome:
    data = render(sample, fmt) if data is None else data
    document, problems = read_back(data, f"{sample.stem}.{SUFFIXES[fmt]}")
    tally = extraction(sample.document, document)
    verdict = judge(sample.expected_for(fmt), document.findings or [])
    return Outcome(sample.stem, fmt, tally, verdict, problems, document.profile)


def write_sample(sample: Sample, out: Path, formats: Iterable[str]) -> list[Path]:
    """Write the sample's renderings and ``<stem>.expected.json`` (the findings review must raise)."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        path = out / f"{sample.stem}.{SUFFIXES[fmt]}"
        path.write_bytes(render(sample, fmt))
        written.append(path)
    expected = out / f"{sample.stem}.expected.json"
    expected.write_text(json.dumps(sample.expected_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(expected)
    return written
