"""Bad input gets a clear error naming the file and the reason; the batch goes on."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.pipeline import extract_file

GOOD = "项目支出绩效自评表\n（2023年度）\n项目名称\t测试帮扶专项\n主管部门\t测试县总工会\t实施单位\t办公室\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_empty_file_is_refused_with_reason(tmp_path: Path) -> None:
    document = extract_file(_write(tmp_path, "empty.txt", b""))
    assert document.forms == []
    assert document.problems[0].fatal
    assert "空" in document.problems[0].message


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    document = extract_file(_write(tmp_path, "garbage.txt", bytes(range(256)) * 40))
    assert document.problems and document.problems[0].fatal
    assert "二进制" in document.problems[0].message


def test_text_without_forms_reports_no_forms(tmp_path: Path) -> None:
    document = extract_file(_write(tmp_path, "prose.txt", "今天天气很好。\n没有任何表格。\n".encode()))
    assert document.forms == []
    assert document.problems and not document.problems[0].fatal
    assert "未找到" in document.problems[0].message


def test_truncated_table_keeps_what_it_has(tmp_path: Path) -> None:
    text = GOOD + "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n\t年度资金总额\t10\t1"
    document = extract_file(_write(tmp_path, "truncated.txt", text.encode()))
    assert len(document.forms) == 1
    form = document.forms[0]
    assert form.kind == "project"
    assert form.project == "测试帮扶专项"


def test_oversized_file_is_refused_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    document = extract_file(path)
    assert document.problems[0].fatal
    assert "过大" in document.problems[0].message


def test_missing_file_is_reported(tmp_path: Path) -> None:
    document = extract_file(tmp_path / "nope.txt")
    assert document.problems[0].fatal
    assert "无法" in document.problems[0].message


def test_batch_goes_on_and_exit_code_names_failures(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    _write(inputs, "a_good.txt", GOOD.encode("gb18030"))
    _write(inputs, "b_empty.txt", b"")
    _write(inputs, "c_good.txt", GOOD.encode("utf-16"))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(inputs), "--out", str(out)])
    assert result.exit_code == 1
    assert "b_empty.txt" in result.output
    written = sorted(os.listdir(out))
    assert written == ["a_good.json", "c_good.json"]
    data = json.loads((out / "c_good.json").read_text(encoding="utf-8"))
    assert data["format"] == "jixiao/1"
    assert data["forms"][0]["project"] == "测试帮扶专项"
    assert data["forms"][0]["department"] == "测试县总工会"


def test_no_form_file_does_not_fail_the_batch(tmp_path: Path) -> None:
    path = _write(tmp_path, "prose.txt", "只有一句话。\n".encode())
    result = CliRunner().invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["forms"] == []
