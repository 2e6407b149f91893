"""How `make test` splits the run: whole files to a worker, the files sharing pages together."""

from __future__ import annotations

from conftest import SHARED_PAGES_GROUP, files_taking, scope_of


def test_a_file_with_a_test_or_fixture_taking_the_fixture_is_found(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_reads.py").write_text("def test_a(opened):\n    pass\n")
    (tests / "test_wraps.py").write_text(
        "import pytest\n\n@pytest.fixture\ndef visits(*, opened):\n    return opened\n"
    )
    (tests / "test_async.py").write_text("async def test_b(tmp_path, opened):\n    pass\n")
    (tests / "test_names_it.py").write_text('def test_c(tmp_path):\n    assert "opened"\n')
    (tests / "helpers.py").write_text("def helper(opened):\n    pass\n")
    found = files_taking(tests, tmp_path, "opened")
    assert found == {"tests/test_reads.py", "tests/test_wraps.py", "tests/test_async.py"}


def test_every_collected_test_taking_opened_runs_in_the_group(request):
    """The source rule agrees with pytest: no test that reads the open pages is left out."""
    rootdir = request.config.rootpath
    for item in request.session.items:
        if "opened" in getattr(item, "fixturenames", ()):
            assert scope_of(rootdir, item.nodeid) == SHARED_PAGES_GROUP, item.nodeid
    assert scope_of(rootdir, "tests/test_page_quality.py::test_x[a]") == SHARED_PAGES_GROUP
    assert scope_of(rootdir, "tests/test_ach.py::test_y") == "tests/test_ach.py"
    assert scope_of(rootdir, "src/claimscope/cli.py::claimscope.cli") == "src/claimscope/cli.py"
