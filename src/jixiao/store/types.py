"""Column types: exact decimals on every database.

SQLite has no decimal type: SQLAlchemy's ``Numeric`` would store amounts as
REAL and hand back floats rounded through binary. There the value is kept as
its decimal text instead; PostgreSQL gets a real ``NUMERIC``. Either way the
application only ever sees ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class Exact(TypeDecorator[Decimal]):
    """A Decimal column: NUMERIC(24, 6) on PostgreSQL, decimal text on SQLite."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(48))
        return dialect.type_descriptor(Numeric(24, 6, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        if not number.is_finite():
            raise ValueError(f"不是有限的数：{value}")
        if dialect.name == "sqlite":
            return format(number, "f")
        return number

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, str) and len(value) <= 28 and "e" not in value and "E" not in value:
            # SQLite's decimal text, as written above: without the trailing zeros it is already plain,
            # which saves the arithmetic of plain() on every amount of a large list
            return Decimal(value.rstrip("0").rstrip(".") if "." in value else value)
        return plain(Decimal(str(value)))


def plain(number: Decimal) -> Decimal:
    """The same number without the trailing zeros a NUMERIC scale adds (``10.500000`` → ``10.5``)."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()
