"""One SELECT that assigns every row of a database table to a published model's segments:
the transforms, clipping and scaling as column expressions, the squared distance to each
centre, and the nearest one (ties: the lower cluster number, as in Python). Built as a
SQLGlot syntax tree and printed for the asked dialect, so quoting, LEAST/GREATEST and the
logarithm are each database's own."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from ..errors import DataError
from .document import PortableModel


def _number(value: float) -> exp.Expression:
    value = float(value)
    return exp.Neg(this=_number(-value)) if value < 0 else exp.Literal.number(repr(value))


def _minus(expression: exp.Expression, value: float) -> exp.Expression:
    """expression - value, as (expression + |value|) when value is negative."""
    value = float(value)
    if value < 0:
        return exp.Paren(this=exp.Add(this=expression, expression=_number(-value)))
    return exp.Paren(this=exp.Sub(this=expression, expression=_number(value)))


def _scaled(feature) -> exp.Expression:
    """z = (clip(transform(x)) - center) / scale for one feature, in double precision."""
    value: exp.Expression = exp.cast(exp.column(feature.column, quoted=True),
                                     exp.DataType.build("double"))
    if feature.transform == "log1p":
        value = exp.Ln(this=exp.Add(this=exp.Literal.number(1), expression=value))
    elif feature.transform == "asinh":
        value = exp.Asinh(this=value)
    if feature.clip_low is not None:
        value = exp.Least(this=exp.Greatest(this=value, expressions=[_number(feature.clip_low)]),
                          expressions=[_number(feature.clip_high)])
    return exp.Div(this=_minus(value, feature.center), expression=_number(feature.scale))


def _squared_distance(z_names: list[str], centre: list[float]) -> exp.Expression:
    terms = []
    for name, c in zip(z_names, centre, strict=True):
        diff = _minus(exp.column(name), c)
        terms.append(exp.Mul(this=diff, expression=diff.copy()))
    total = terms[0]
    for term in terms[1:]:
        total = exp.Add(this=total, expression=term)
    return total


def assignment_select(model: PortableModel, table: str, dialect: str = "duckdb") -> str:
    """The SELECT, pretty-printed for `dialect`: the id column (or, without one, the feature
    columns), cluster and segment, one row per row of `table`."""
    try:
        sqlglot.Dialect.get_or_raise(dialect)
    except ValueError:
        known = ", ".join(sorted(d.value for d in sqlglot.dialects.Dialects if d.value))
        raise DataError(f"--dialect {dialect!r} is not a SQL dialect SQLGlot knows; one of: "
                        f"{known}") from None
    keep = [model.id_column] if model.id_column else [f.column for f in model.features]
    kept = [exp.column(c, quoted=True) for c in keep]
    z_names = [f"z{j}" for j in range(len(model.features))]
    d_names = [f"d{i}" for i in range(len(model.clusters))]
    scaled = exp.select(*kept, *[exp.alias_(_scaled(f), z) for f, z in
                                 zip(model.features, z_names, strict=True)]).from_(
        exp.to_table(table, dialect=dialect))
    distances = exp.select(*kept, *[exp.alias_(_squared_distance(z_names, c), d) for c, d in
                                    zip(model.centres.tolist(), d_names, strict=True)]).from_("scaled")
    nearest = exp.Case()
    for i, (d, cluster) in enumerate(zip(d_names, model.clusters, strict=True)):
        later = d_names[i + 1:]
        if not later:
            nearest = nearest.else_(exp.Literal.number(cluster))
            break
        # first minimum: no earlier distance was smallest, and this one is <= every later one
        condition = exp.and_(*[exp.LTE(this=exp.column(d), expression=exp.column(o)) for o in later])
        nearest = nearest.when(condition, exp.Literal.number(cluster))
    named = exp.Case(this=exp.column("cluster"))
    for cluster, name in zip(model.clusters, model.names, strict=True):
        named = named.when(exp.Literal.number(cluster), exp.Literal.string(name))
    labelled = exp.select(*kept, exp.alias_(nearest, "cluster")).from_("distances")
    query = (exp.select(*kept, "cluster", exp.alias_(named, "segment")).from_("labelled")
             .with_("scaled", as_=scaled).with_("distances", as_=distances)
             .with_("labelled", as_=labelled))
    return query.sql(dialect=dialect, pretty=True)
