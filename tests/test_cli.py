"""The command line: exit codes and what a user reads."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from helpers import set_cell

from claimscope.build import read_config
from claimscope.cli import main
from claimscope.data.paths import PROJECT_ROOT, REPORTS_CONFIG


def test_validate_prints_counts_and_exits_0(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("valid: 3 documents, 42 actors, 4 unit_sizes, ")
    assert "(dataset " in out


def test_validate_bad_data_prints_every_problem_and_exits_2(data_copy, capsys):
    set_cell(data_copy / "claims.csv", 2, "claim_type", "rebuttal")
    set_cell(data_copy / "actors.csv", 2, "kind", "wizard")
    assert main(["validate", "--data-dir", str(data_copy)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "actors.csv:2:kind: 'wizard' is not a kind in actor_kinds.csv"
    assert err[1] == "claims.csv:2:claim_type: 'rebuttal' is not a claim_type in claim_types.csv"
    assert err[-1] == "invalid: 2 problem(s)"


def test_locate_reports_what_it_filled(data_copy, capsys):
    set_cell(data_copy / "claims.csv", 3, "start", "")
    set_cell(data_copy / "claims.csv", 3, "end", "")
    assert main(["locate", "--data-dir", str(data_copy)]) == 0
    assert capsys.readouterr().out.strip() == "located 1 claim(s): c002"


def test_console_script_is_installed_and_exits_2_on_bad_data(data_copy):
    (data_copy / "claims.csv").write_bytes(b"")
    exe = [sys.executable, "-m", "claimscope.cli", "validate", "--data-dir", str(data_copy)]
    result = subprocess.run(exe, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "claims.csv:1:-: file is empty: no header row" in result.stderr


def test_a_positional_data_folder_still_works(data_copy, capsys):
    set_cell(data_copy / "claims.csv", 2, "claim_type", "rebuttal")
    assert main(["validate", str(data_copy)]) == 2
    assert "claims.csv:2:claim_type: 'rebuttal'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["validate", "--bogus"], ["locate", "--data-dir"], ["build", "--jobs", "many"]],
)
def test_a_usage_error_prints_the_sub_commands_usage_and_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: claimscope {argv[0]} ")
    assert f"claimscope {argv[0]}: error: " in err


def test_help_says_what_each_command_does_for_a_user(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for pattern in (
        r"validate +check the dataset and list every problem",
        r"build +build the HTML reports",
        r"export +write every claim",
        r"exit status: 0 ok, 1 a report failed to build, 2 bad input",
    ):
        assert re.search(pattern, out), pattern
    assert "thin wrapper" not in out


def test_build_help_lists_the_report_names(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    out = capsys.readouterr().out
    specs = read_config(REPORTS_CONFIG)
    for spec in specs:
        assert f"  {spec.name}" in out
        assert spec.title in out


def _data_dir_help(command: str, capsys) -> str:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    # argparse wraps the help to the terminal: read the option's lines as one.
    block = re.search(r"^  --data-dir DIR(.*?)(?=^  \S|\Z)", out, re.S | re.M)
    assert block, out
    return " ".join(block.group(1).split())


@pytest.mark.parametrize("command", ["add-document", "suggest", "export", "build", "locate"])
def test_every_command_explains_data_dir_as_validate_does(command, capsys):
    expected = _data_dir_help("validate", capsys)
    assert "datapackage.json" in expected
    assert _data_dir_help(command, capsys) == expected


def test_build_and_suggest_keep_their_data_dir_defaults():
    from claimscope.cli import build_parser
    from claimscope.data.paths import DATA_DIR

    parser, _ = build_parser()
    assert parser.parse_args(["build"]).data_dir is None
    assert parser.parse_args(["suggest", "doc"]).data_dir == DATA_DIR
    assert (
        parser.parse_args(["add-document", "f.txt", "--title", "t", "--published-on", "x"]).data_dir
        == DATA_DIR
    )


@pytest.mark.parametrize("target", ["validate", "locate"])
def test_make_targets_take_a_data_folder(target, data_copy):
    set_cell(data_copy / "claims.csv", 2, "claim_type", "rebuttal")
    done = subprocess.run(
        ["make", "--no-print-directory", target, f"DATA={data_copy}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert f"--data-dir {data_copy}" in done.stdout
    expected = "claims.csv:2:claim_type: 'rebuttal' is not a claim_type in claim_types.csv"
    assert expected in done.stderr


def test_make_reports_passes_the_data_folder_to_the_build(tmp_path):
    done = subprocess.run(
        ["make", "--no-print-directory", "--dry-run", "reports", f"DATA={tmp_path}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"claimscope build --data-dir {tmp_path}" in done.stdout
