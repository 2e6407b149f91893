"""The command line: exit codes and what a user reads."""

from __future__ import annotations

import subprocess
import sys

from conftest import set_cell

from claimscope.cli import main


def test_validate_prints_counts_and_exits_0(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("valid: 3 documents, 42 actors, 4 unit_sizes, ")
    assert "(dataset " in out


def test_validate_bad_data_prints_every_problem_and_exits_2(data_copy, capsys):
    set_cell(data_copy / "claims.csv", 2, "claim_type", "rebuttal")
    set_cell(data_copy / "actors.csv", 2, "kind", "wizard")
    assert main(["validate", str(data_copy)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("actors.csv:2:kind: 'wizard' is not one of: ")
    assert err[1].startswith("claims.csv:2:claim_type: 'rebuttal' is not one of: ")
    assert err[-1] == "invalid: 2 problem(s)"


def test_locate_reports_what_it_filled(data_copy, capsys):
    set_cell(data_copy / "claims.csv", 3, "start", "")
    set_cell(data_copy / "claims.csv", 3, "end", "")
    assert main(["locate", str(data_copy)]) == 0
    assert capsys.readouterr().out.strip() == "located 1 claim(s): c002"


def test_console_script_is_installed_and_exits_2_on_bad_data(data_copy):
    (data_copy / "claims.csv").write_bytes(b"")
    exe = [sys.executable, "-m", "claimscope.cli", "validate", str(data_copy)]
    result = subprocess.run(exe, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "claims.csv:1:-: file is empty: no header row" in result.stderr
