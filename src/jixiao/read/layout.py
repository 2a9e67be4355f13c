"""Page geometry into a :class:`Source`, shared by the PDF text-layer reader and the OCR reader.

Both readers describe a page the same way, in points with the origin at the top
left: text boxes (a run of text on one line, from the text layer or from OCR)
and ruling segments (table borders, drawn as paths or found in the image).
This module turns pages of those into what every reader produces, with the
conventions of ``read/docx.py``:

* ruled tables: ruling segments that touch form a grid. The grid's x and y
  lines cut it into slots; two neighbouring slots belong to one cell when no
  rule separates them, so spans come out exactly (pdfplumber's ``table.cells``
  snapped to the grid give the same answer, more slowly). A slot a merged
  cell covers besides its first is a ``Cell`` with the same text and
  ``inherited=True``; in ``lines`` it is empty and the tabs keep the columns.
  Tables set right under one another touch and form one drawing; where no
  column line runs on across a rule and the lines above end there while
  others start below, they are read as two tables, each with its columns;
* unruled tables: two or more nearby text lines made of pieces far apart,
  whose pieces fall on common columns, become table rows;
* paragraphs: wrapped lines are joined back (a line that runs to the right
  margin continues on the next unindented line, across a page break too);
  every paragraph is one line and a one-cell row;
* across pages: running headers and footers (the same text at the same place
  on most pages) and page numbers (``第 3 页``, ``- 3 -``, ``3/10``) are dropped;
  a table that goes on at the top of the next page with the same columns is
  one table: its repeated header rows are dropped, a cell whose rule is
  open at the break continues into the empty cell below it, and a row cut
  by the break is joined back: when the rules are open there, or, when both
  parts are ruled all round (Word, WeasyPrint), when the parts share only
  columns whose cell on the page before has no room on its last line for
  the first word of the cell below (see ``_split_row``).

Every row keeps its 1-based ``page``.
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from jixiao.read.source import Cell, Row, Source

__all__ = [
    "Box",
    "Cells",
    "Grid",
    "Page",
    "Para",
    "Rule",
    "Table",
    "assemble",
    "build_page",
    "cell_of",
    "crosses_cells",
    "find_grids",
    "join_wrapped",
]

SNAP = 2.0  # points: rules closer than this are one line; about the width of a double border
MIN_RULE = 3.0  # shorter strokes are glyph parts or dots, not borders
MAX_THICK = 4.0  # a border is thinner than this; thicker shapes are fills
MAX_LINES = 3000  # merged ruling lines per page before the page counts as a drawing, not a form
_COVER = 0.5  # share of a slot edge a rule must cover to separate two slots
_NUMBER_ZONE = 0.12  # top and bottom share of the page where a page number may stand
_HEAD_ZONE = 0.07  # the outer band where a repeated line is a running head: above a 2 cm body margin
_SLACK = 0.2  # line heights of room a wrapped line may show besides the word that did not fit
_REPEATED = 3  # header rows a table's part on the next page may repeat


@dataclass(slots=True)
class Box:
    """A run of text on one line."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top


class Rule(NamedTuple):
    """A drawn segment or thin rectangle that may be a table border (any 4-tuple in this order will do)."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(slots=True)
class _Line:
    """Merged rules on one x (vertical) or y (horizontal): ``pos`` and the span ``a``–``b`` along it."""

    pos: float
    a: float
    b: float


@dataclass(slots=True)
class Grid:
    """A ruled table's geometry: slot ``(r, c)`` lies between ``xs[c:c+2]`` and ``ys[r:r+2]``."""

    xs: list[float]
    ys: list[float]
    groups: list[list[int]]  # groups[r][c]: the cell a slot belongs to
    top_ruled: list[bool]
    bottom_ruled: list[bool]

    def locate(self, x: float, y: float) -> tuple[int, int] | None:
        """The slot a point falls in, or None outside the grid."""
        xs, ys = self.xs, self.ys
        if not (xs[0] - SNAP <= x <= xs[-1] + SNAP and ys[0] - SNAP <= y <= ys[-1] + SNAP):
            return None
        col = bisect.bisect_right(xs, x, 1, len(xs) - 1) - 1  # clamped to the first and last slot
        row = bisect.bisect_right(ys, y, 1, len(ys) - 1) - 1
        return row, col


@dataclass(slots=True)
class Slot:
    text: str
    inherited: bool
    group: int


@dataclass(slots=True)
class Table:
    rows: list[list[Slot]]
    pages: list[int]
    xs: list[float]
    top: float
    bottom: float
    ruled: bool
    top_ruled: list[bool] = field(default_factory=list)
    bottom_ruled: list[bool] = field(default_factory=list)
    room: list[float] = field(default_factory=list)  # per column: room on the last row's last line
    leads: list[list[float]] = field(default_factory=list)  # first rows, per column: width of the first word
    end_page: int = 0

    def __post_init__(self) -> None:
        self.end_page = self.end_page or (self.pages[-1] if self.pages else 0)


@dataclass(slots=True)
class Para:
    """A paragraph (at first one visual line); ``x1`` is where its last line ends."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    height: float
    page: int
    end_page: int = 0
    first: Box | None = None  # its first run: the word a line above must lack room for to wrap onto it

    def __post_init__(self) -> None:
        self.end_page = self.end_page or self.page


Block = Table | Para


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    blocks: list[Block]


_groups = itertools.count()


# --- text joining --------------------------------------------------------------------------------


def _wide(char: str) -> bool:
    return ord(char) >= 0x2E80


_WS = re.compile(r"\s+")


def join_wrapped(first: str, second: str) -> str:
    """Join a line with the one it wraps onto: no space next to Chinese text or inside a number."""
    if not first:
        return second
    if not second:
        return first
    a, b = first[-1], second[0]
    if _wide(a) or _wide(b) or (a.isdigit() and b.isdigit()) or not (a.isalnum() and b.isalnum()):
        return first + second
    return f"{first} {second}"


def _join_pieces(boxes: Sequence[Box]) -> str:
    """Boxes of one visual line, left to right; a gap wider than a quarter of the height is a space."""
    parts: list[str] = []
    previous: Box | None = None
    for box in boxes:
        if previous is not None and box.x0 - previous.x1 > 0.25 * max(box.height, previous.height):
            parts.append(" ")
        parts.append(box.text)
        previous = box
    return _WS.sub(" ", "".join(parts)).strip()


def _visual_lines(boxes: Iterable[Box]) -> list[list[Box]]:
    """Group boxes into lines by vertical centre, each line sorted left to right, lines top to bottom."""
    lines: list[list[Box]] = []
    centre = 0.0
    height = 0.0
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        mid = (box.top + box.bottom) / 2
        if lines and abs(mid - centre) <= 0.5 * min(max(box.height, 1.0), max(height, 1.0)):
            lines[-1].append(box)
            continue
        lines.append([box])
        centre, height = mid, box.height
    for line in lines:
        line.sort(key=lambda b: b.x0)
    return lines


def _cell_text(boxes: Sequence[Box]) -> str:
    if len(boxes) == 1:  # most cells: one run, one line
        text = boxes[0].text
        if text.isprintable() and "  " not in text:  # no whitespace but single ASCII spaces: nothing to squeeze
            return text.strip()
        return _WS.sub(" ", text).strip()
    text = ""
    for line in _visual_lines(boxes):
        text = join_wrapped(text, _join_pieces(line))
    return text


# --- ruled grids ---------------------------------------------------------------------------------


def _median(ordered: Sequence[float]) -> float:
    """``statistics.median`` of values already sorted (the same arithmetic, without its generality)."""
    n = len(ordered)
    if n % 2:
        return ordered[n // 2]
    return (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def _cluster(values: Iterable[float], tolerance: float) -> list[float]:
    """Sorted values grouped where neighbours are within ``tolerance``; each group's median."""
    ordered = sorted(values)
    groups: list[list[float]] = []
    for value in ordered:
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [_median(group) for group in groups]


def _merge_lines(items: list[tuple[float, float, float]]) -> list[_Line]:
    """(pos, a, b) segments into lines: same position within SNAP, spans joined across gaps up to SNAP."""
    items.sort()
    clusters: list[list[tuple[float, float, float]]] = []
    last = 0.0
    current: list[tuple[float, float, float]] = []
    for item in items:
        pos = item[0]
        if current and pos - last <= SNAP:
            current.append(item)
        else:
            current = [item]
            clusters.append(current)
        last = pos
    lines: list[_Line] = []
    for cluster in clusters:
        pos = _median([item[0] for item in cluster])  # the cluster is sorted
        spans = sorted([(a, b) for _, a, b in cluster])
        start, end = spans[0]
        for a, b in spans[1:]:
            if a - end <= SNAP:
                if b > end:
                    end = b
            else:
                lines.append(_Line(pos, start, end))
                start, end = a, b
        lines.append(_Line(pos, start, end))
    return lines


def _find(parent: list[int], item: int) -> int:
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def _near(lines: Sequence[_Line], pos: float) -> list[_Line]:
    return [line for line in lines if abs(line.pos - pos) <= SNAP]


def _share(lines: Sequence[_Line], a: float, b: float) -> bool:
    """Whether ``lines`` (all at the position in question, overlaps counted twice) cover ``_COVER`` of ``a``–``b``."""
    length = b - a
    if length <= 0:
        return False  # an empty interval: nothing to cover
    total = 0.0
    for line in lines:
        covered = (line.b if line.b < b else b) - (line.a if line.a > a else a)
        if covered > 0:
            total += covered
    return total / length >= _COVER


def _separated(lines: Sequence[_Line], edges: Sequence[float]) -> list[bool]:
    """:func:`_share` of every interval between consecutive ``edges`` (ascending).

    A grid asks this for every slot edge. Most grid lines are one merged
    line: the intervals it fully covers are covered whole (their share is
    exactly 1), those it misses not at all, so only the two at its ends are
    measured; several lines are measured interval by interval.
    """
    count = len(edges) - 1
    if not lines:
        return [False] * count
    if len(lines) > 1:
        return [_share(lines, edges[k], edges[k + 1]) for k in range(count)]
    line = lines[0]
    out = [False] * count
    inside = bisect.bisect_left(edges, line.a)  # first interval starting at or after the line's start
    beyond = bisect.bisect_right(edges, line.b) - 1  # intervals before this one end at or before its end
    if inside < beyond:
        out[inside:beyond] = [True] * (beyond - inside)
    for k in {inside - 1, beyond}:
        if 0 <= k < count:
            out[k] = _share(lines, edges[k], edges[k + 1])
    return out


class _Nearby:
    """:func:`_near` for one set of lines, asked at many positions: by bisection when they come in position order.

    A window twice ``SNAP`` wide is cut by bisection and then filtered by the
    same test as ``_near``, so the answer, and its order, are the same.
    """

    __slots__ = ("_lines", "_positions")

    def __init__(self, lines: list[_Line]) -> None:
        positions = [line.pos for line in lines]
        self._lines = lines
        self._positions = positions if all(a <= b for a, b in itertools.pairwise(positions)) else None

    def at(self, pos: float) -> list[_Line]:
        if self._positions is None:
            return _near(self._lines, pos)
        low = bisect.bisect_left(self._positions, pos - 2 * SNAP)
        high = bisect.bisect_right(self._positions, pos + 2 * SNAP)
        return [line for line in self._lines[low:high] if abs(line.pos - pos) <= SNAP]


def _slot_groups(xs: list[float], ys: list[float], horizontal: list[_Line], vertical: list[_Line]) -> list[list[int]]:
    """Each slot's cell: the smallest slot index of the slots it joins where no rule separates neighbours.

    Slots are joined in any order: a union keeps the smaller root, so each
    cell's root is its first slot whatever the order. A parent therefore
    always has a smaller index than its child, and the roots are read off in
    one pass in index order.
    """
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))
    joins: list[tuple[int, int]] = []
    near_x, near_y = _Nearby(vertical), _Nearby(horizontal)
    for c in range(1, cols):
        ruled = _separated(near_x.at(xs[c]), ys)
        joins.extend((r * cols + c - 1, r * cols + c) for r in range(rows) if not ruled[r])
    for r in range(1, rows):
        ruled = _separated(near_y.at(ys[r]), xs)
        joins.extend(((r - 1) * cols + c, r * cols + c) for c in range(cols) if not ruled[c])
    for a, b in joins:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra < rb:
            parent[rb] = ra
        elif rb < ra:
            parent[ra] = rb
    roots = parent
    for index, up in enumerate(parent):
        if up != index:
            roots[index] = roots[up]  # already a root: ``up`` is smaller and was resolved before
    return [roots[r * cols : (r + 1) * cols] for r in range(rows)]


def _grid(horizontal: list[_Line], vertical: list[_Line]) -> Grid | None:
    xs = _cluster([line.pos for line in vertical] + [min(h.a for h in horizontal), max(h.b for h in horizontal)], SNAP)
    ys = _cluster([line.pos for line in horizontal] + [min(v.a for v in vertical), max(v.b for v in vertical)], SNAP)
    if len(xs) < 2 or len(ys) < 2:
        return None
    groups = _slot_groups(xs, ys, horizontal, vertical)
    # A boundary no rule crosses anywhere (a rule overshooting the table) makes no row or column.
    keep_rows = [0] + [r for r in range(1, len(groups)) if groups[r] != groups[r - 1]]
    keep_cols = [0] + [c for c in range(1, len(xs) - 1) if any(row[c] != row[c - 1] for row in groups)]
    if len(keep_rows) < len(ys) - 1 or len(keep_cols) < len(xs) - 1:
        xs = [xs[c] for c in keep_cols] + [xs[-1]]
        ys = [ys[r] for r in keep_rows] + [ys[-1]]
        groups = _slot_groups(xs, ys, horizontal, vertical)
    if len({g for row in groups for g in row}) < 2:
        return None  # a frame around text, not a table
    top_ruled = _separated(_near(horizontal, ys[0]), xs)
    bottom_ruled = _separated(_near(horizontal, ys[-1]), xs)
    return Grid(xs, ys, groups, top_ruled, bottom_ruled)


def find_grids(rules: Iterable[tuple[float, float, float, float]]) -> tuple[list[Grid], bool]:
    """Ruled tables among the rules (``Rule`` or plain tuples), top to bottom; False when there were too many."""
    flat: list[tuple[float, float, float]] = []
    tall: list[tuple[float, float, float]] = []
    for x0, top, x1, bottom in rules:
        width, height = x1 - x0, bottom - top
        if width >= height and height <= MAX_THICK and width >= MIN_RULE:
            flat.append(((top + bottom) / 2, x0, x1))
        elif height > width and width <= MAX_THICK and height >= MIN_RULE:
            tall.append(((x0 + x1) / 2, top, bottom))
    horizontal, vertical = _merge_lines(flat), _merge_lines(tall)
    if not horizontal or not vertical:
        return [], True
    if len(horizontal) + len(vertical) > MAX_LINES:
        return [], False
    count = len(horizontal)
    parent = list(range(count + len(vertical)))
    by_x = sorted(range(len(vertical)), key=lambda i: vertical[i].pos)
    positions = [vertical[i].pos for i in by_x]
    for h_index, h in enumerate(horizontal):
        lo = bisect.bisect_left(positions, h.a - SNAP)
        hi = bisect.bisect_right(positions, h.b + SNAP)
        for v_index in by_x[lo:hi]:
            v = vertical[v_index]
            if v.a - SNAP <= h.pos <= v.b + SNAP:
                ra = h_index if parent[h_index] == h_index else _find(parent, h_index)
                rb = count + v_index
                if parent[rb] != rb:
                    rb = _find(parent, rb)
                if ra < rb:
                    parent[rb] = ra
                elif rb < ra:
                    parent[ra] = rb
    components: dict[int, tuple[list[_Line], list[_Line]]] = {}
    for index, up in enumerate(parent):
        root = parent[index] = index if up == index else parent[up]  # a parent's index is smaller: resolved already
        hs, vs = components.setdefault(root, ([], []))
        if index < count:
            hs.append(horizontal[index])
        else:
            vs.append(vertical[index - count])
    grids: list[Grid] = []
    for hs, vs in components.values():
        if len(hs) < 2 or len(vs) < 2:
            continue
        cuts = _stacked(hs, vs)
        parts = _bands(hs, vs, cuts, flat, tall) if cuts else [(hs, vs)]
        grids.extend(grid for part in parts if (grid := _grid(*part)) is not None)
    grids.sort(key=lambda g: g.ys[0])
    return grids, True


def _stacked(horizontal: list[_Line], vertical: list[_Line]) -> list[float]:
    """Where ruled tables set one right under the other touch: the ys to cut a component at.

    Two tables with no space between them share a border, so their rules
    form one component. Within one table a column line runs on across some
    row border, or no line starts or ends there (a row spanning all
    columns); where every inner column line above ends at a rule across the
    whole width, and others start below it, each part has columns of its
    own and is a table of its own (its own columns, as a Word file gives it).
    """
    left = min(line.pos for line in vertical)
    right = max(line.pos for line in vertical)
    inner = [line for line in vertical if left + SNAP < line.pos < right - SNAP]
    if not inner:
        return []
    cuts: list[float] = []
    for line in horizontal:
        y = line.pos
        if line.a > left + SNAP or line.b < right - SNAP:
            continue
        ends = starts = False
        for column in inner:
            if column.a < y - SNAP and column.b > y + SNAP:
                break  # a column line runs across: one table
            if abs(column.b - y) <= SNAP:
                ends = True
            elif abs(column.a - y) <= SNAP:
                starts = True
        else:
            if ends and starts:
                cuts.append(y)
    return cuts


def _bands(
    horizontal: list[_Line],
    vertical: list[_Line],
    cuts: list[float],
    flat: list[tuple[float, float, float]],
    tall: list[tuple[float, float, float]],
) -> list[tuple[list[_Line], list[_Line]]]:
    """A component's rules cut at ``cuts`` into the lines of each table, merged again from the segments
    of its band (a column line's position is the median of its own segments, not of both tables')."""
    x0 = min(line.a for line in horizontal) - SNAP
    x1 = max(line.b for line in horizontal) + SNAP
    edges = [min(line.a for line in vertical), *sorted(cuts), max(line.b for line in vertical)]
    parts: list[tuple[list[_Line], list[_Line]]] = []
    for top, bottom in itertools.pairwise(edges):
        hs = [item for item in flat if top - SNAP <= item[0] <= bottom + SNAP and item[1] < x1 and item[2] > x0]
        vs = [
            (pos, max(a, top), min(b, bottom))
            for pos, a, b in tall
            if x0 <= pos <= x1 and min(b, bottom) - max(a, top) > SNAP
        ]
        if hs and vs:
            parts.append((_merge_lines(hs), _merge_lines(vs)))
    return parts


def cell_of(grids: Sequence[Grid], x: float, y: float) -> tuple[int, int] | None:
    """Which grid and which of its cells a point lies in (None outside every grid)."""
    for index, grid in enumerate(grids):
        slot = grid.locate(x, y)
        if slot is not None:
            return index, grid.groups[slot[0]][slot[1]]
    return None


def crosses_cells(grids: Sequence[Grid], x0: float, x1: float, y: float) -> bool:
    """Whether a piece of text from ``x0`` to ``x1`` at height ``y`` runs over a column line of a grid."""
    return any(grid.ys[0] <= y <= grid.ys[-1] and any(x0 + 1 < x < x1 - 1 for x in grid.xs[1:-1]) for grid in grids)


class Cells:
    """:func:`cell_of` and :func:`crosses_cells` for one page's grids, asked once per piece of text.

    The grids' bounds and inner column lines are laid out once, so each
    question is a few comparisons and a bisection.
    """

    __slots__ = ("_bounds", "_inner", "_rows")

    def __init__(self, grids: Sequence[Grid]) -> None:
        self._bounds = [
            (g.xs[0] - SNAP, g.xs[-1] + SNAP, g.ys[0] - SNAP, g.ys[-1] + SNAP, g.xs, g.ys, g.groups, index)
            for index, g in enumerate(grids)
        ]
        self._inner = [(g.ys[0], g.ys[-1], g.xs[1:-1]) for g in grids]
        self._rows = [(g.ys[0], g.ys[-1], g.xs[1:-1], g.ys, g.groups) for g in grids]

    def of(self, x: float, y: float) -> tuple[int, int] | None:
        """Which grid and which of its cells a point lies in (None outside every grid)."""
        for x_lo, x_hi, y_lo, y_hi, xs, ys, groups, index in self._bounds:
            if x_lo <= x <= x_hi and y_lo <= y <= y_hi:
                col = bisect.bisect_right(xs, x, 1, len(xs) - 1) - 1
                row = bisect.bisect_right(ys, y, 1, len(ys) - 1) - 1
                return index, groups[row][col]
        return None

    def crosses(self, x0: float, x1: float, y: float) -> bool:
        """Whether a piece of text from ``x0`` to ``x1`` at height ``y`` runs over a column line of a grid."""
        for top, bottom, inner in self._inner:
            if top <= y <= bottom:
                k = bisect.bisect_right(inner, x0 + 1)
                if k < len(inner) and inner[k] < x1 - 1:
                    return True
        return False

    def splits(self, x0: float, x1: float, y: float) -> bool:
        """Whether a piece of text from ``x0`` to ``x1`` at height ``y`` runs over a column line of a grid that
        parts two cells of its row: :meth:`crosses`, less the lines a cell merged across columns spans."""
        for top, bottom, inner, ys, groups in self._rows:
            if top <= y <= bottom:
                k = bisect.bisect_right(inner, x0 + 1)
                end = bisect.bisect_left(inner, x1 - 1)  # inner[k:end] lie within the piece
                if k < end:
                    row = groups[bisect.bisect_right(ys, y, 1, len(ys) - 1) - 1]
                    first = row[k]  # inner[j] parts slot j from slot j + 1
                    for j in range(k + 1, end + 1):
                        if row[j] != first:
                            return True
        return False


def _ruled_table(grid: Grid, by_group: dict[int, list[Box]], page: int) -> Table:
    """Fill a grid with its cells' boxes (the caller has split boxes at cell borders and placed them)."""
    rows = len(grid.ys) - 1
    texts = {group: _cell_text(found) for group, found in by_group.items()}
    ids: dict[int, int] = {}
    table_rows: list[list[Slot]] = []
    for groups in grid.groups:
        row: list[Slot] = []
        for group in groups:
            ident = ids.get(group)
            if ident is None:  # the cell's first slot
                ids[group] = ident = next(_groups)
                row.append(Slot(texts.get(group, ""), False, ident))
            else:
                row.append(Slot(texts.get(group, ""), True, ident))
        table_rows.append(row)
    return Table(
        table_rows, [page] * rows, list(grid.xs), grid.ys[0], grid.ys[-1], True,
        list(grid.top_ruled), list(grid.bottom_ruled), *_edges(grid, by_group),
    )  # fmt: skip


def _edges(grid: Grid, by_group: dict[int, list[Box]]) -> tuple[list[float], list[list[float]]]:
    """What a page break may have cut: per column, the room left on the last line of the last row's
    cell (infinite when empty), and for the first rows (a repeated header may come first) the width
    of the first word of each cell (0 when empty).

    A cell's padding is the least gap between a cell's left rule and its
    text anywhere in the table, and is taken off on the right as well. A
    cell's number is its first slot's index, so its first column is that
    number modulo the columns.
    """
    xs, cols = grid.xs, len(grid.xs) - 1
    pad, first = 0.0, True
    for g, found in by_group.items():  # min() of mins, as a loop: nested generators cost more than the work
        left = found[0].x0
        for box in found:
            if box.x0 < left:
                left = box.x0
        gap = left - xs[g % cols]
        if first or gap < pad:
            pad, first = gap, False
    pad = max(pad, 0.0)
    room: dict[int, float] = {}
    last = grid.groups[-1]
    for group in last:
        if group not in room:
            boxes = by_group.get(group)
            if not boxes:
                room[group] = float("inf")
                continue
            line = boxes if len(boxes) == 1 else _visual_lines(boxes)[-1]
            end = xs[len(last) - last[::-1].index(group)]
            height = max(box.height for box in line)
            room[group] = end - pad - max(box.x1 for box in line) - _SLACK * height
    lead: dict[int, float] = {}
    for groups in grid.groups[: _REPEATED + 1]:
        for group in groups:
            if group not in lead:
                boxes = by_group.get(group)
                if not boxes:
                    lead[group] = 0.0
                else:
                    lead[group] = _lead_width(boxes[0] if len(boxes) == 1 else _visual_lines(boxes)[0][0])
    return [room[g] for g in last], [[lead[g] for g in groups] for groups in grid.groups[: _REPEATED + 1]]


_UNIT = r"(?:[\u2e80-\uffff]|[^\s\u2e80-\uffff“”‘’]+)"  # a wide character, or a run of narrow ones
_LEAD = re.compile(
    r"\s*[（(《〈【「『“‘\[]*"  # opening punctuation keeps to what follows it,
    + _UNIT
    + r"(?:[，。、；：！？）》」』,.;:!?)\]}%]+"  # closing punctuation to what precedes it,
    + r"|[“”‘’]+"  # and a quotation mark to both its neighbours (UAX #14, class QU)
    + _UNIT
    + r"?)*"
)


def _lead_width(box: Box) -> float:
    """The width of a box's first word: what a line must have room for to take it (a wide character, or a
    run of narrow ones, with the punctuation no line may end or start with around it)."""
    match = _LEAD.match(box.text)
    if match is None:
        return 0.0
    weights = [1.0 if _wide(char) else 0.3 if char.isspace() else 0.55 for char in box.text]
    total = sum(weights)
    return (box.x1 - box.x0) * sum(weights[: match.end()]) / total if total else 0.0


# --- lines, unruled tables, page blocks ----------------------------------------------------------


@dataclass(slots=True)
class _TextLine:
    segments: list[list[Box]]
    top: float
    bottom: float
    height: float

    @property
    def x0(self) -> float:
        return self.segments[0][0].x0

    @property
    def x1(self) -> float:
        return max(box.x1 for box in self.segments[-1])


def _text_line(boxes: list[Box]) -> _TextLine:
    height = _median(sorted(box.height for box in boxes))
    segments: list[list[Box]] = [[boxes[0]]]
    for box in boxes[1:]:
        if box.x0 - max(b.x1 for b in segments[-1]) > 1.5 * height:
            segments.append([box])
        else:
            segments[-1].append(box)
    return _TextLine(segments, min(b.top for b in boxes), max(b.bottom for b in boxes), height)


def _columns(lines: Sequence[_TextLine]) -> list[tuple[float, float]]:
    """Column intervals of an unruled table: the union of the pieces of its fullest lines."""
    most = max(len(line.segments) for line in lines)
    spans = sorted(
        (segment[0].x0, max(b.x1 for b in segment))
        for line in lines
        if len(line.segments) == most
        for segment in line.segments
    )
    columns: list[tuple[float, float]] = []
    for a, b in spans:
        if columns and a <= columns[-1][1]:
            columns[-1] = (columns[-1][0], max(columns[-1][1], b))
        else:
            columns.append((a, b))
    return columns


def _unruled_table(lines: Sequence[_TextLine], columns: list[tuple[float, float]], page: int) -> Table:
    table_rows: list[list[Slot]] = []
    for line in lines:
        texts: dict[int, str] = {}
        spans: dict[int, int] = {}
        for segment in line.segments:
            a, b = segment[0].x0, max(box.x1 for box in segment)
            hit = [i for i, (ca, cb) in enumerate(columns) if min(b, cb) - max(a, ca) > 0]
            if not hit:
                middle = (a + b) / 2
                hit = [min(range(len(columns)), key=lambda i: abs((columns[i][0] + columns[i][1]) / 2 - middle))]
            first = hit[0]
            texts[first] = f"{texts[first]} {_join_pieces(segment)}" if first in texts else _join_pieces(segment)
            spans[first] = max(spans.get(first, 0), hit[-1])
        row: list[Slot] = []
        for c in range(len(columns)):
            owner = next((start for start in texts if start < c <= spans[start]), None)
            if owner is not None and c not in texts:
                row.append(Slot(texts[owner], True, row[owner].group))
            else:
                row.append(Slot(texts.get(c, ""), False, next(_groups)))
        table_rows.append(row)
    xs = [a for a, _ in columns] + [columns[-1][1]]
    return Table(table_rows, [page] * len(lines), xs, lines[0].top, lines[-1].bottom, False)


def _blocks_from_lines(lines: list[_TextLine], page: int) -> list[Block]:
    """Runs of two or more multi-piece lines on common columns become unruled tables; the rest are lines."""
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if len(lines[i].segments) >= 2:
            j = i + 1
            while j < len(lines):
                gap = lines[j].top - lines[j - 1].bottom
                if gap > 2.5 * max(lines[j].height, lines[j - 1].height):
                    break
                if len(lines[j].segments) >= 2:
                    j += 1
                elif (
                    j + 1 < len(lines)
                    and len(lines[j + 1].segments) >= 2
                    and (lines[j + 1].top - lines[j].bottom <= 2.5 * lines[j].height)
                ):
                    j += 2  # a row with one filled cell between two full rows
                else:
                    break
            run = lines[i:j]
            if sum(len(line.segments) >= 2 for line in run) >= 2 and len(columns := _columns(run)) >= 2:
                blocks.append(_unruled_table(run, columns, page))
                i = j
                continue
        line = lines[i]
        text = "  ".join(_join_pieces(segment) for segment in line.segments)
        text = _WS.sub(" ", text).strip()
        if text:
            blocks.append(
                Para(text, line.x0, line.top, line.x1, line.bottom, line.height, page, first=line.segments[0][0])
            )
        i += 1
    return blocks


def build_page(number: int, width: float, height: float, boxes: Sequence[Box], grids: Sequence[Grid]) -> Page:
    """One page's blocks top to bottom: ruled tables from ``grids``, other text as lines or unruled tables."""
    inside: list[dict[int, list[Box]]] = [{} for _ in grids]
    outside: list[Box] = []
    cells = Cells(grids)
    for box in boxes:
        if not box.text.strip():
            continue
        found = cells.of((box.x0 + box.x1) / 2, (box.top + box.bottom) / 2) if grids else None
        if found is None:
            outside.append(box)
        else:
            inside[found[0]].setdefault(found[1], []).append(box)
    tables = [_ruled_table(grid, by_group, number) for grid, by_group in zip(grids, inside, strict=True)]
    blocks: list[Block] = [table for table in tables if any(slot.text for row in table.rows for slot in row)]
    blocks.extend(_blocks_from_lines([_text_line(line) for line in _visual_lines(outside)], number))
    blocks.sort(key=lambda block: block.top)
    return Page(number, width, height, blocks)


# --- across pages --------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－·\s]*\d+[-—–－·\s]*"
    r"|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+"
    r"|(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?)$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")


def _in_band(para: Para, page: Page, share: float) -> bool:
    return para.bottom <= page.height * share or para.top >= page.height * (1 - share)


def _drop_running_heads(pages: Sequence[Page]) -> None:
    """Remove page numbers and running heads: lines repeated at one place in the outer band of most pages.

    A form title repeated on every page (one form a page) must stay, so a
    running head has to sit in the outer band, stand a line apart from the
    body and be no larger than the body text; page numbers may stand a
    little further in.
    """
    heights = [block.height for page in pages for block in page.blocks if isinstance(block, Para)]
    body = statistics.median(heights) if heights else 0.0

    def key(para: Para, page: Page) -> tuple[str, int]:
        edge = "top" if para.bottom <= page.height * _HEAD_ZONE else "bottom"
        offset = para.top if edge == "top" else page.height - para.bottom
        return f"{edge}:{_DIGITS.sub('#', para.text.replace(' ', ''))}", round(offset / 6)

    def candidate(page: Page, index: int) -> bool:
        block = page.blocks[index]
        if not (isinstance(block, Para) and _in_band(block, page, _HEAD_ZONE) and block.height <= 1.15 * body):
            return False
        if block.bottom <= page.height * _HEAD_ZONE:  # a head stands apart from what follows it
            after = page.blocks[index + 1] if index + 1 < len(page.blocks) else None
            return after is None or after.top - block.bottom >= block.height
        before = page.blocks[index - 1] if index else None
        return before is None or block.top - before.bottom >= block.height

    counts: Counter[tuple[str, int]] = Counter()
    for page in pages:
        counts.update(
            {
                key(block, page)
                for index, block in enumerate(page.blocks)
                if isinstance(block, Para) and candidate(page, index)
            }
        )
    needed = max(2, (len(pages) + 1) // 2)

    def running(page: Page, index: int) -> bool:
        block = page.blocks[index]
        if not isinstance(block, Para):
            return False
        if _in_band(block, page, _NUMBER_ZONE) and _PAGE_NUMBER.match(block.text.strip()):
            return True
        if not candidate(page, index):
            return False
        text, offset = key(block, page)
        return sum(counts[(text, near)] for near in (offset - 1, offset, offset + 1)) >= needed

    for page in pages:
        page.blocks = [block for index, block in enumerate(page.blocks) if not running(page, index)]


_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+(?:[、．]|\.(?!\d))"
    r"|第[一二三四五六七八九十\d]+[章节条部]|[①-⑳]|附件|[•·●■□◆▪-]\s)"
)


_SENTENCE_ENDS = ("。", "！", "？", "；", "：", "!", "?", ";", ":")
_SPACED = 0.25  # line heights beyond the usual gap between wrapped lines that set a paragraph apart
_FEW_GAPS = 8  # gaps between lines needed to tell the usual one


def _continues(previous: Para, line: Para, left: float, right: float, same_page: bool, margins: _Margins) -> bool:
    """Whether ``line`` is the wrapped continuation of the paragraph ending with ``previous``.

    The previous line must run to the right margin and ``line`` must start at
    the left one. When the document indents its paragraphs' first lines, an
    unindented line is itself a sign of continuation, so a previous line a
    few characters short (a number that would not break, punctuation kept
    off a line's start) still continues; without indents, a line continues
    when the line above had no room for its first word. A line that starts
    like a heading or list item continues only after a line that does not
    end a sentence and truly reaches the margin (in a document without
    indents: had no room for the marker). A line further below than the
    document's wrapped lines stand apart (a paragraph's spacing) starts afresh.
    """
    if abs(line.height - previous.height) > 0.25 * max(line.height, previous.height):
        return False
    if line.x0 > left + 0.8 * line.height:
        return False
    if same_page and line.top - previous.bottom > min(
        1.0 * previous.height, margins.leading + _SPACED * previous.height
    ):
        return False
    indents = margins.indents
    marked = _MARKER.match(line.text) is not None
    if marked and previous.text.rstrip().endswith(_SENTENCE_ENDS):
        return False  # a heading or list item after a finished sentence starts afresh, margin or not
    room = right - previous.x1
    if marked and not indents:
        return room < _first_word(line)  # only where the marker could not fit on the line above
    slack = 4.0 if indents and not marked else 0.9
    if room <= slack * previous.height:
        return True
    # A word goes to the next line only when it does not fit: a line ragged by a long number or Latin word.
    return not marked and room < _first_word(line) + _SLACK * previous.height


def _first_word(line: Para) -> float:
    return _lead_width(line.first) if line.first is not None else 0.0


@dataclass(slots=True)
class _Margins:
    edges: dict[int, tuple[float, float]]  # page → text left and right edges
    indents: bool  # paragraphs start with an indented first line
    leading: float = float("inf")  # the usual gap between a paragraph's wrapped lines (unknown: inf)


def _margins(pages: Sequence[Page]) -> _Margins:
    """Each page's text edges and the document's indent habit.

    A page's own edges are where its lines and tables start and end. A short
    page, or one whose every line happens to be indented, does not show its
    margins, so where the document's fuller pages of the same width reach
    further, their usual edges are taken; without fuller pages, a sparse
    page's right edge is at least the page width less its left margin.
    """
    found: dict[int, tuple[float, float, bool]] = {}
    usual: dict[int, tuple[list[float], list[float]]] = {}
    for page in pages:
        paras = [block for block in page.blocks if isinstance(block, Para)]
        if not paras:
            continue
        left = min(p.x0 for p in paras)
        reach = [p.x1 for p in paras] + [block.xs[-1] for block in page.blocks if isinstance(block, Table)]
        full = len(paras) >= 5 or len(reach) > len(paras)  # a table reaches the margins too
        found[page.number] = (left, max(reach), full)
        lefts, rights = usual.setdefault(round(page.width), ([], []))
        if len(paras) >= 5:  # a page of a few titles over a table does not show the left margin
            lefts.append(left)
        if full:
            rights.append(max(reach))
    edges: dict[int, tuple[float, float]] = {}
    indented = total = 0
    gaps: list[float] = []
    for page in pages:
        if page.number not in found:
            continue
        for upper, lower in itertools.pairwise(page.blocks):
            if isinstance(upper, Para) and isinstance(lower, Para) and abs(upper.height - lower.height) <= 1.0:
                gaps.append(lower.top - upper.bottom)
        left, right, full = found[page.number]
        lefts, rights = usual.get(round(page.width), ([], []))
        if lefts:
            left = min(left, statistics.median(lefts))
        if rights:
            right = max(right, statistics.median(rights))
        elif not full:
            right = max(right, page.width - left)
        edges[page.number] = (left, right)
        paras = [block for block in page.blocks if isinstance(block, Para)]
        total += len(paras)
        indented += sum(1 for p in paras if 1.0 * p.height <= p.x0 - left <= 3.0 * p.height)
    gaps.sort()
    leading = gaps[len(gaps) // 4] if len(gaps) >= _FEW_GAPS else float("inf")
    return _Margins(edges, indented >= 3 and indented >= 0.05 * total, leading)


def _same_columns(first: Table, second: Table) -> list[float] | None:
    """The columns both tables can share (one's lines a subset of the other's), or None."""
    if not (first.ruled and second.ruled):
        return None
    a, b = first.xs, second.xs
    if abs(a[0] - b[0]) > 2 * SNAP or abs(a[-1] - b[-1]) > 2 * SNAP:
        return None

    def within(small: list[float], large: list[float]) -> bool:
        return all(any(abs(x - y) <= 2 * SNAP for y in large) for x in small)

    if within(a, b):
        return b
    if within(b, a):
        return a
    return None


def _regrid(table: Table, xs: list[float]) -> None:
    """Put a table on a finer set of column lines: a slot split in several is inherited after its first."""
    if len(xs) == len(table.xs):
        table.xs = xs
        return
    owners = [
        min(max(bisect.bisect_right(table.xs, (xs[k] + xs[k + 1]) / 2) - 1, 0), len(table.xs) - 2)
        for k in range(len(xs) - 1)
    ]
    for index, row in enumerate(table.rows):
        table.rows[index] = [
            Slot(row[old].text, row[old].inherited or (k > 0 and owners[k - 1] == old), row[old].group)
            for k, old in enumerate(owners)
        ]
    table.top_ruled = [table.top_ruled[old] for old in owners]
    table.bottom_ruled = [table.bottom_ruled[old] for old in owners]
    if table.room:
        table.room = [table.room[old] for old in owners]
        table.leads = [[lead[old] for old in owners] for lead in table.leads]
    table.xs = xs


def _texts(row: list[Slot]) -> list[str]:
    return [slot.text for slot in row]


def _split_row(last: list[Slot], following: list[Slot], room: list[float], lead: list[float]) -> bool:
    """Whether ``following``, the first row of a table's part on the next page, is the rest of ``last``.

    A producer that lets a row break across pages (Word's default, WeasyPrint)
    draws both parts ruled all round, so the rules cannot tell. The parts
    share a column only where a cell's text was wrapped at the break: there
    the last line of ``last``'s cell has no room for the first word of the
    cell below, as the line breaker found. A genuine next row fills the
    columns the last one fills (its own number, name, values), and one of
    those had room to spare (a number, a label, a line ending a sentence);
    the rest of a cut row holds only what did not fit, beside the empty
    cells of the columns that did. Cells left empty by a merged cell above
    (a level-1 indicator going on) are empty in both readings.
    """
    if not any(slot.text for slot in last) or not any(slot.text for slot in following):
        return False
    return all(
        not (slot.text and more.text) or space < width
        for slot, more, space, width in zip(last, following, room, lead, strict=True)
    )


def _join_split_row(first: Table, following: list[Slot]) -> None:
    """The rest of a cut row appended to the cells of ``first``'s last row, column by column.

    A cell of the rest goes into the cell above it, merged or not, so a cell
    spanning rows on the page before (or columns that the part on the next
    page splits) takes the text once, in all of its slots.
    """
    last = first.rows[-1]
    done: set[int] = set()
    for slot, more in zip(last, following, strict=True):
        if more.inherited or not more.text or slot.group in done:
            continue
        done.add(slot.group)
        text = join_wrapped(slot.text, more.text)
        for row in reversed(first.rows):
            found = False
            for other in row:
                if other.group == slot.group:
                    other.text, found = text, True
            if not found:
                break


def _stitch(first: Table, second: Table) -> bool:
    """Append ``second`` (top of a page) to ``first`` (end of the page before) when it continues it."""
    xs = _same_columns(first, second)
    if xs is None:
        return False
    _regrid(first, xs)
    _regrid(second, xs)
    repeated = 0
    while (
        repeated < min(_REPEATED, len(first.rows), len(second.rows) - 1)
        and _texts(second.rows[repeated]) == _texts(first.rows[repeated])
        and any(_texts(second.rows[repeated]))
    ):
        repeated += 1
    rows, pages = second.rows[repeated:], second.pages[repeated:]
    first.end_page = second.end_page
    if not rows:
        return True
    last = first.rows[-1]
    open_bottom = [not ruled for ruled in first.bottom_ruled]
    if not repeated and all(open_bottom) and not any(second.top_ruled):
        # A row cut by the page break: its two halves are one row.
        for slot, more in zip(last, rows[0], strict=True):
            if not slot.inherited:
                slot.text = join_wrapped(slot.text, more.text)
        rows, pages = rows[1:], pages[1:]
    elif first.room and repeated < len(second.leads) and _split_row(last, rows[0], first.room, second.leads[repeated]):
        _join_split_row(first, rows[0])
        rows, pages = rows[1:], pages[1:]
    elif rows:
        for c, is_open in enumerate(open_bottom):
            below = rows[0][c]
            if is_open and not below.text and not below.inherited and last[c].text:
                for row in rows:
                    for slot in row:
                        if slot.group == below.group:
                            slot.text, slot.inherited = last[c].text, True
    first.rows.extend(rows)
    first.pages.extend(pages)
    first.bottom = second.bottom
    first.bottom_ruled = second.bottom_ruled
    first.room = second.room
    return True


def _flatten(pages: Sequence[Page]) -> list[Block]:
    """Blocks of all pages in order, paragraphs joined across wrapped lines and tables across breaks."""
    margins = _margins(pages)
    out: list[Block] = []
    for page in pages:
        for index, block in enumerate(page.blocks):
            previous = out[-1] if out else None
            if isinstance(block, Table):
                stitch = index == 0 and isinstance(previous, Table) and previous.end_page == page.number - 1
                if stitch and isinstance(previous, Table) and _stitch(previous, block):
                    continue
                out.append(block)
                continue
            if isinstance(previous, Para):
                same_page = previous.end_page == page.number and index > 0
                follows = same_page or (index == 0 and previous.end_page == page.number - 1)
                left, _ = margins.edges.get(page.number, (block.x0, block.x1))
                _, right = margins.edges.get(previous.end_page, (previous.x0, previous.x1))
                if follows and _continues(previous, block, left, right, same_page, margins):
                    previous.text = join_wrapped(previous.text, block.text)
                    previous.x1, previous.bottom, previous.end_page = block.x1, block.bottom, page.number
                    continue
            out.append(Para(block.text, block.x0, block.top, block.x1, block.bottom, block.height, block.page))
    return out


def assemble(path: str, pages: Sequence[Page], fmt: str, notes: list[str] | None = None) -> Source:
    """Pages into a Source; see the module doc for the conventions."""
    _drop_running_heads(pages)
    lines: list[str] = []
    rows: list[Row] = []
    for block in _flatten(pages):
        if isinstance(block, Para):
            number = len(lines) + 1
            lines.append(block.text)
            cell = Cell(block.text, number, 0)
            rows.append(Row([cell], number, number, table=False, index=len(rows), page=block.page))
            continue
        for slots, page in zip(block.rows, block.pages, strict=True):
            if not any(slot.text for slot in slots):
                continue
            number = len(lines) + 1
            lines.append("\t".join("" if slot.inherited else slot.text for slot in slots))
            cells = [Cell(slot.text, number, col, slot.inherited) for col, slot in enumerate(slots)]
            rows.append(Row(cells, number, number, table=True, index=len(rows), page=page))
    return Source(path=path, lines=lines, rows=rows, encoding="utf-8", format=fmt, notes=list(notes or []))
