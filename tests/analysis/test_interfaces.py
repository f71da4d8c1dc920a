"""Every source and every backend implements its whole interface, with the same parameters,
and the choice of each is made in one place that refuses an impossible pair up front."""

from __future__ import annotations

import inspect

import pytest

from kmeans_report.analysis.backends import backend_for
from kmeans_report.analysis.backends.base import Backend
from kmeans_report.analysis.backends.local.backend import LocalBackend
from kmeans_report.analysis.backends.spark.backend import SparkBackend
from kmeans_report.analysis.config import validate_config
from kmeans_report.analysis.errors import DataError
from kmeans_report.analysis.progress import Progress
from kmeans_report.analysis.sources import source_for
from kmeans_report.analysis.sources.base import Source
from kmeans_report.analysis.sources.files import FileSource
from kmeans_report.analysis.sources.spark_path import SparkPathSource
from kmeans_report.analysis.sources.sql import SqlSource
from kmeans_report.analysis.sources.synthetic import SyntheticSource


def members(protocol) -> dict[str, inspect.Signature]:
    return {name: inspect.signature(value) for name, value in vars(protocol).items()
            if callable(value) and not name.startswith("_")}


@pytest.mark.parametrize("implementation, protocol", [
    (FileSource, Source), (SyntheticSource, Source), (SqlSource, Source),
    (SparkPathSource, Source), (LocalBackend, Backend), (SparkBackend, Backend)])
def test_each_implementation_has_every_method_of_its_interface(implementation, protocol):
    for name, signature in members(protocol).items():
        mine = getattr(implementation, name, None)
        assert callable(mine), f"{implementation.__name__} lacks {name}"
        assert list(inspect.signature(mine).parameters) == list(signature.parameters), name
    assert isinstance(implementation.backends if protocol is Source else implementation.name,
                      frozenset if protocol is Source else str)


def test_the_configured_source_and_backend_are_chosen_in_one_place(tmp_path):
    synthetic = validate_config({})
    assert isinstance(source_for(synthetic), SyntheticSource)
    assert isinstance(backend_for(synthetic, Progress(enabled=False)), LocalBackend)
    lake = validate_config({"clustering": {"backend": "spark"}, "spark": {"path": "parts/"}})
    assert isinstance(source_for(lake), SparkPathSource)
    assert isinstance(backend_for(lake, Progress(enabled=False)), SparkBackend)
    assert isinstance(source_for(validate_config(
        {"data": {"source": "file", "path": str(tmp_path / "c.csv")}})), FileSource)


def test_a_spark_path_without_the_spark_backend_is_never_loaded_here():
    config = validate_config({"clustering": {"backend": "spark"}, "spark": {"path": "parts/"}})
    with pytest.raises(DataError, match="read by Spark only"):
        source_for(config).load()
