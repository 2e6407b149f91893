"""find_cycles: each cycle once, from its earliest row, in row order."""

from claimscope.data.cycles import Cycle, find_cycles


def _rows(*ids):
    return {node: row for row, node in enumerate(ids, start=2)}


def test_a_self_loop_is_a_cycle_of_one():
    assert find_cycles({"a": ["a"]}, _rows("a")) == [Cycle(("a",), (2,))]
    assert find_cycles({"a": ["a"]}, _rows("a"))[0].path() == "a → a"


def test_a_two_cycle_starts_at_its_earliest_row_whichever_id_is_walked_first():
    rows = {"a": 9, "b": 4}
    assert find_cycles({"a": ["b"], "b": ["a"]}, rows) == [Cycle(("b", "a"), (4, 9))]


def test_a_long_cycle_is_found_once_without_recursion_limits():
    n = 5000
    ids = [f"n{i}" for i in range(n)]
    graph = {ids[i]: [ids[(i + 1) % n]] for i in range(n)}
    (cycle,) = find_cycles(graph, _rows(*ids))
    assert cycle.ids == tuple(ids)
    assert cycle.row == 2


def test_two_disjoint_cycles_come_in_the_order_of_their_earliest_rows():
    graph = {"a": ["b"], "b": ["a"], "c": ["d"], "d": ["c"]}
    rows = _rows("d", "a", "b", "c")
    assert [c.ids for c in find_cycles(graph, rows)] == [("d", "c"), ("a", "b")]
    assert [c.row for c in find_cycles(graph, rows)] == [2, 3]


def test_a_chain_without_a_cycle_has_none():
    graph = {"a": ["b"], "b": ["c"], "c": [], "d": ["missing"]}
    assert find_cycles(graph, _rows("a", "b", "c", "d")) == []


def test_an_id_pointing_into_a_cycle_is_not_part_of_it():
    graph = {"tail": ["a"], "a": ["b"], "b": ["c"], "c": ["a"]}
    (cycle,) = find_cycles(graph, _rows("tail", "c", "b", "a"))
    assert cycle == Cycle(("c", "a", "b"), (3, 5, 4))
    assert cycle.path() == "c → a → b → c"


def test_branching_ids_report_each_back_edge_once():
    # a -> b -> a and b -> c -> b share b; both cycles are reported, neither twice.
    graph = {"a": ["b"], "b": ["a", "c"], "c": ["b"]}
    found = find_cycles(graph, _rows("a", "b", "c"))
    assert [c.path() for c in found] == ["a → b → a", "b → c → b"]
