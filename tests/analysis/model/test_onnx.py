"""model.onnx: onnxruntime gives every published row its published cluster, with the
transforms and clipping in the graph as well as the scaling and K-Means."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kmeans_report.analysis.model.document import portable_model
from kmeans_report.analysis.model.onnx_export import onnx_labels, onnx_model

pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (a core dependency)")


@pytest.mark.parametrize("analysed", ["default_files", "own_data"])
def test_onnx_gives_the_published_labels(analysed, request):
    data, analysis = request.getfixturevalue(analysed)
    model = portable_model(analysis)
    values = pd.read_csv(data)[[f.column for f in model.features]].to_numpy(np.float64)
    graph = onnx_model(model)
    assert [o.name for o in graph.graph.output] == ["label", "scores"]
    published = pd.read_parquet(analysis / "assignments.parquet")["cluster"].to_numpy()
    assert (onnx_labels(graph.SerializeToString(), values, model.clusters) == published).all()


def test_the_graph_clips_to_the_published_bounds(own_data):
    """A value far above the clipping bound lands where the bound itself lands."""
    data, analysis = own_data
    model = portable_model(analysis)
    values = pd.read_csv(data)[[f.column for f in model.features]].to_numpy(np.float64)[:50]
    at_bound, beyond = values.copy(), values.copy()
    at_bound[:, 0] = np.expm1(model.features[0].clip_high)
    beyond[:, 0] = 1e15
    serialised = onnx_model(model).SerializeToString()
    assert (onnx_labels(serialised, at_bound, model.clusters)
            == onnx_labels(serialised, beyond, model.clusters)).all()
