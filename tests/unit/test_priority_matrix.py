"""Impact × urgency → priority, and the rule that the matrix has every cell filled."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.domain.priority import CELLS, MatrixIncomplete, check_complete, matrix_from_cells, missing_cells, priority_for
from models.enums import Priority

P1, P2, P3, P4 = Priority.P1, Priority.P2, Priority.P3, Priority.P4
GRID = [
    [P1, P1, P2, P3],
    [P1, P2, P3, P3],
    [P2, P3, P3, P4],
    [P3, P3, P4, P4],
]
FULL = {(i, u): GRID[i - 1][u - 1] for i in range(1, 5) for u in range(1, 5)}


def test_sixteen_cells_in_grid_order():
    assert len(CELLS) == 16 and CELLS[0] == (1, 1) and CELLS[1] == (1, 2) and CELLS[-1] == (4, 4)


def test_full_matrix_is_complete():
    assert check_complete(FULL) == FULL
    assert missing_cells(FULL) == []


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"), [(1, 1, P1), (1, 4, P3), (3, 2, P3), (4, 4, P4), (2, 1, P1)]
)
def test_priority_is_read_from_the_matrix(impact, urgency, expected):
    assert priority_for(FULL, impact, urgency) == expected


def test_an_empty_cell_makes_the_matrix_incomplete():
    matrix = {**FULL, (2, 3): None}
    with pytest.raises(MatrixIncomplete) as error:
        check_complete(matrix)
    assert error.value.missing == [(2, 3)]


def test_missing_cells_are_listed_in_grid_order():
    matrix = {cell: value for cell, value in FULL.items() if cell not in {(4, 1), (1, 2)}}
    assert missing_cells(matrix) == [(1, 2), (4, 1)]


def test_an_empty_matrix_misses_all_sixteen():
    with pytest.raises(MatrixIncomplete) as error:
        check_complete({})
    assert len(error.value.missing) == 16


def test_a_value_that_is_not_a_priority_counts_as_missing():
    assert missing_cells({**FULL, (1, 1): "P1"}) == [(1, 1)]


def test_a_cell_outside_the_grid_is_refused():
    with pytest.raises(ValueError, match="outside"):
        check_complete({**FULL, (5, 1): P4})


@pytest.mark.parametrize(("impact", "urgency"), [(0, 1), (1, 5), (5, 5), (True, 1), ("1", 1)])
def test_levels_outside_one_to_four_are_refused(impact, urgency):
    with pytest.raises(ValueError):
        priority_for(FULL, impact, urgency)


def test_priority_for_an_empty_cell_is_not_guessed():
    with pytest.raises(MatrixIncomplete):
        priority_for({**FULL, (3, 3): None}, 3, 3)


def test_matrix_from_stored_cells():
    cells = [SimpleNamespace(impact=i, urgency=u, priority=p) for (i, u), p in FULL.items()]
    assert matrix_from_cells(cells) == FULL
