"""Property-based tests: whatever config or data comes in, validation either accepts it or
raises our own error type (analysis.errors.AnalysisError), never anything else.

Strategies stay close to the real schema (the default config with keys dropped, replaced by
odd values or joined by unknown ones; frames with the configured columns in random dtypes),
so most examples reach deep validation code rather than failing at the first type check.
Few examples, no deadline, derandomized: fast and the same on every run.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from kmeans_report.analysis.config import Config, load_config, validate_config
from kmeans_report.analysis.errors import AnalysisError, ConfigError
from kmeans_report.analysis.sources import load_dataset

PROFILE = settings(
    max_examples=int(os.environ.get("KMEANS_HYPOTHESIS_EXAMPLES", 60)), deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEATURES = ["annual_spending", "visit_frequency", "avg_transaction", "loyalty_years"]

# -- strategies -------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=60),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1),
    st.text(max_size=12),
    st.sampled_from(["auto", "file", "synthetic", "csv", "parquet", "drop", "fail", "", " ",
                     "latin-1", "utf-8", "k-means++", "minibatch", "elbow", "2025-10-02",
                     "annual_spending", "x.csv", "\x00", "../x", "<script>"]),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8) | st.integers(), children, max_size=3),
    max_leaves=8,
)
unknown_keys = st.sampled_from(["k_mx", "unknown", "colum", "seed", "data", ""]) | st.text(max_size=6)


def near(value):
    """Odd values of the same kind as `value`: the edges validation must catch."""
    if isinstance(value, bool):
        return st.sampled_from([not value, 0, 1, "yes"])
    if isinstance(value, int | float):
        return st.sampled_from([float("nan"), float("inf"), -float("inf"), 0, -1, 1, 0.5,
                                -value, value * 1e6, 2**32, 2**64, 10**30, str(value), None])
    if isinstance(value, str):
        return st.sampled_from(["", " ", value + "x", value.upper(), "a\x00b", value * 50,
                                "<script>", "auto", 3])
    return values


def around(node):
    """Values near `node`: mostly itself (recursively varied), now and then something odd."""
    if isinstance(node, dict):
        kept = st.fixed_dictionaries({}, optional={k: around(v) for k, v in node.items()})
        extra = st.dictionaries(unknown_keys, values, max_size=1)
        varied = st.builds(lambda a, b: {**a, **b}, kept, extra)
        return st.sampled_from([varied] * 12 + [values]).flatmap(lambda s: s)
    if isinstance(node, list):
        item = around(node[0]) if node else values
        return st.sampled_from([st.just(node)] * 6 + [st.lists(item, max_size=5), values]
                               ).flatmap(lambda s: s)
    return st.sampled_from([st.just(node)] * 10 + [near(node), values]).flatmap(lambda s: s)


def leaves(node, path=()):
    """(path, value) of every leaf of a nested dict/list."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list) and node:
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))
    else:
        yield path, node


@st.composite
def one_change(draw, base):
    """`base` with a single leaf replaced by an odd value: mostly still valid elsewhere, so
    each example tests one field's own validation (bounds, NaN/inf, types) in depth."""
    numeric = [p for p, v in leaves(base) if isinstance(v, int | float) and not isinstance(v, bool)]
    others = [p for p, _ in leaves(base)]
    path = draw(st.sampled_from(numeric + numeric + others))
    raw = copy.deepcopy(base)
    node = raw
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = draw(st.one_of(near(node[path[-1]]), values))
    return raw


DEFAULT = Config().to_dict()
FILE_DEFAULT = {
    **DEFAULT,
    "data": {**DEFAULT["data"], "source": "file", "path": "customers.csv", "id_column": "id"},
}
configs = st.one_of(one_change(DEFAULT), one_change(FILE_DEFAULT),
                    around(DEFAULT), around(FILE_DEFAULT))


# -- config -------------------------------------------------------------------------------------


@settings(PROFILE, max_examples=8 * PROFILE.max_examples)  # validation is cheap: look harder
@given(raw=configs)
def test_validate_config_accepts_or_raises_config_error(raw):
    try:
        config = validate_config(raw, "prop.yml")
        event("valid")
    except ConfigError as exc:
        event(f"{len(exc.problems)} problem(s)")
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert str(exc).startswith("invalid configuration in prop.yml")
        return
    # What validates is usable: JSON-safe (results.json), fingerprintable, re-validates.
    data = config.to_dict()
    json.dumps(data, allow_nan=False)
    assert len(config.fingerprint()) == 64
    assert validate_config(data) == config


@PROFILE
@given(raw=configs)
def test_load_config_from_yaml_accepts_or_raises_config_error(raw):
    try:
        text = yaml.safe_dump(raw, allow_unicode=True)
    except yaml.YAMLError:
        assume(False)
    _load_config_text(text)


def _load_config_text(text: str) -> None:
    """Load `text` as a report.yml: it is a Config or a ConfigError, never anything else."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.yml"
        path.write_text(text, encoding="utf-8")
        try:
            load_config(path)
        except ConfigError:
            pass


@PROFILE
@given(text=st.text(max_size=200) | st.sampled_from([
    "a: &a [1]\nb: *a\n", "report:\n  date: 2025-02-30\n", "!!python/name:os.system\n",
    "clustering: {k_min: !!float nan}\n", "? [a, b]\n: c\n", "data: {path: !!binary aGk=}\n",
    "roi: {implementation_cost: 1e999}\n", "---\na: 1\n---\nb: 2\n",
]))
def test_any_text_as_config_file(text):
    _load_config_text(text)


# -- data ---------------------------------------------------------------------------------------

NUMERIC_TEXT = st.sampled_from(["1", "2.5", "-3", "1e5", "1e400", "-1e400", "nan", "inf", "-inf",
                                "", " ", "NA", "null", "1,5", "0x10", "٣", "1_000", "true"])


def column(n):
    """One column of n values: mostly clean numbers, else a random dtype or odd values."""
    clean = st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=n, max_size=n)
    odd = st.one_of(
        st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=n, max_size=n),
        st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(NUMERIC_TEXT | st.text(max_size=5), min_size=n, max_size=n),
        st.lists(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2030, 1, 1)),
                 min_size=n, max_size=n),
        st.lists(st.one_of(st.none(), st.integers(-5, 5), st.floats(), st.text(max_size=3)),
                 min_size=n, max_size=n),
    )
    return st.sampled_from([clean, clean, clean, odd]).flatmap(lambda strategy: strategy)


def ids(n):
    return st.one_of(
        st.lists(st.text(max_size=4), min_size=n, max_size=n),
        st.lists(st.integers(0, 10**6), min_size=n, max_size=n, unique=True),
        st.just([f"C{i}" for i in range(n)]),
    )


@st.composite
def frames(draw):
    n = draw(st.integers(min_value=0, max_value=14))
    data = {name: draw(column(n)) for name in FEATURES}
    data["id"] = draw(ids(n))
    if draw(st.booleans()):
        data["extra"] = draw(column(n))
    frame = pd.DataFrame(data)
    if draw(st.integers(0, 9)) == 0:  # a configured column is missing
        frame = frame.drop(columns=draw(st.sampled_from(FEATURES + ["id"])))
    frame = frame[draw(st.permutations(list(frame.columns)))]
    if n and draw(st.integers(0, 4)) == 0:  # duplicated rows (and so duplicated ids)
        frame = pd.concat([frame, frame.iloc[: draw(st.integers(1, n))]], ignore_index=True)
    if draw(st.integers(0, 9)) == 0:  # a duplicated column name
        frame.columns = [*frame.columns[:-1], frame.columns[0]]
    return frame


def data_config(path: Path, draw_settings: dict) -> Config:
    return validate_config({
        "data": {"source": "file", "path": str(path), **draw_settings},
        "features": [{"column": c} for c in FEATURES],
        "clustering": {"k_min": 2, "k_max": 3, "chosen_k": 2},
    })


settings_strategy = st.fixed_dictionaries({
    "missing": st.sampled_from(["fail", "drop"]),
    "id_column": st.sampled_from([None, "id"]),
}, optional={"csv": st.fixed_dictionaries({
    "delimiter": st.sampled_from(["auto", ",", ";"]),
    "encoding": st.sampled_from(["utf-8", "latin-1", "ascii"]),
})})


def check_loaded(dataset, config):
    values = dataset.frame.to_numpy()
    assert list(dataset.frame.columns) == FEATURES
    assert values.dtype == np.float64 and np.isfinite(values).all()
    assert dataset.n_rows >= config.clustering.k_max
    if dataset.ids is not None:
        assert dataset.ids.is_unique and len(dataset.ids) == dataset.n_rows


@PROFILE
@given(frame=frames(), fmt=st.sampled_from(["csv", "parquet"]), options=settings_strategy)
def test_load_dataset_accepts_or_raises_our_error(frame, fmt, options):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"customers.{fmt}"
        if fmt == "csv":
            encoding = options.get("csv", {}).get("encoding", "utf-8")
            sep = {"auto": ",", ",": ",", ";": ";"}[options.get("csv", {}).get("delimiter", "auto")]
            try:
                path.write_bytes(frame.to_csv(index=False, sep=sep).encode(encoding))
            except UnicodeEncodeError:
                path.write_bytes(frame.to_csv(index=False, sep=sep).encode("utf-8"))
        else:
            try:
                frame.to_parquet(path, index=False)
            except Exception:  # noqa: BLE001 - pyarrow cannot store this frame: not our input
                assume(False)
        config = data_config(path, options)
        try:
            dataset = load_dataset(config)
        except AnalysisError as exc:
            event(f"rejected: {str(exc).split(': ', 1)[-1][:25]}")
            return
        event("loaded")
        check_loaded(dataset, config)


@PROFILE
@given(content=st.binary(max_size=300) | st.lists(st.sampled_from(
    list(",;\t\n\r\"' 0123456789.e-+naif") + FEATURES + ["id"]), max_size=120).map(
        lambda tokens: "".join(tokens).encode()))
def test_any_bytes_as_a_csv_file(content):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        path.write_bytes(FEATURES[0].encode() + b"," + ",".join(FEATURES[1:]).encode() + b"\n"
                         + content)
        config = data_config(path, {})
        try:
            dataset = load_dataset(config)
        except AnalysisError:
            return
        check_loaded(dataset, config)


@PROFILE
@given(content=st.binary(max_size=400))
def test_any_bytes_as_a_parquet_file(content):
    buffer = io.BytesIO()
    pd.DataFrame({c: [1.0, 2.0, 3.0] for c in FEATURES}).to_parquet(buffer, index=False)
    good = buffer.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.parquet"
        # a real file with a random stretch of it overwritten, or random bytes
        cut = len(content) % max(len(good), 1)
        path.write_bytes(good[:cut] + content + good[cut + len(content):] if content else good)
        try:
            load_dataset(data_config(path, {}))
        except AnalysisError:
            pass
