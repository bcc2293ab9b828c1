"""Priority (优先级) from impact (影响度) × urgency (紧急度), given the priority matrix.

Impact and urgency run from 1 (highest) to 4 (lowest); the matrix maps each of the 16
(impact, urgency) cells to a priority P1–P4. It is only usable when every cell is filled:
``check_complete`` refuses a matrix with a gap (or a cell outside the grid) before it is saved,
and ``priority_for`` refuses to guess for a missing cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from models.enums import Priority

LEVELS = (1, 2, 3, 4)  # 1 = highest
CELLS: tuple[tuple[int, int], ...] = tuple((impact, urgency) for impact in LEVELS for urgency in LEVELS)

Cell = tuple[int, int]
Matrix = Mapping[Cell, Priority | None]


class MatrixIncomplete(ValueError):
    """Cells of the matrix have no priority; ``missing`` lists them as (impact, urgency)."""

    def __init__(self, missing: list[Cell]) -> None:
        super().__init__("priority matrix cells without a priority: " + ", ".join(map(str, missing)))
        self.missing = missing


def missing_cells(matrix: Matrix) -> list[Cell]:
    """The (impact, urgency) cells, in grid order, that have no priority."""
    return [cell for cell in CELLS if not isinstance(matrix.get(cell), Priority)]


def check_complete(matrix: Matrix) -> dict[Cell, Priority]:
    """The matrix as a complete dict, or ``MatrixIncomplete``; a cell outside 1–4 × 1–4 is a ``ValueError``."""
    outside = sorted(cell for cell in matrix if cell not in CELLS)
    if outside:
        raise ValueError(f"cells outside the 4 × 4 grid: {outside}")
    missing = missing_cells(matrix)
    if missing:
        raise MatrixIncomplete(missing)
    return {cell: matrix[cell] for cell in CELLS}  # type: ignore[misc]


def priority_for(matrix: Matrix, impact: int, urgency: int) -> Priority:
    """The priority of a request with this impact and urgency.

    Raises ``ValueError`` for a level outside 1–4 and ``MatrixIncomplete`` when that cell is empty.
    """
    for name, level in (("impact", impact), ("urgency", urgency)):
        if isinstance(level, bool) or level not in LEVELS:
            raise ValueError(f"{name} must be 1 to 4, got {level!r}")
    priority = matrix.get((impact, urgency))
    if not isinstance(priority, Priority):
        raise MatrixIncomplete([(impact, urgency)])
    return priority


def matrix_from_cells(cells: Iterable[Any]) -> dict[Cell, Priority]:
    """Rows with ``impact``, ``urgency`` and ``priority`` (e.g. ``PriorityCell``) as a matrix."""
    return {(cell.impact, cell.urgency): cell.priority for cell in cells}
