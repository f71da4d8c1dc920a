"""`model.onnx`: the published model as an ONNX graph any ONNX runtime can apply.

skl2onnx converts the scaling and K-Means (a StandardScaler holding the model's centre and
scale, z = (x - center) / scale, and a KMeans holding its centres); the feature transforms
and clipping, which no scikit-learn estimator of the pipeline holds, are ONNX operators put
in front (Log(1 + x), Asinh, Max/Min with the published bounds). Input `X`: double
[rows, features] in model.json's feature order; outputs `label` (the cluster) and `scores`
(distances to each centre).
"""

from __future__ import annotations

import numpy as np

from .document import PortableModel

TARGET_OPSET = 17


def onnx_model(model: PortableModel):
    """The ONNX ModelProto of `model`."""
    import onnx
    from onnx import TensorProto, compose, helper, numpy_helper
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType

    n = len(model.features)
    # a fixed graph name (skl2onnx draws a random one): the same model gives the same file
    core = convert_sklearn(_sklearn_pipeline(model), initial_types=[("X", DoubleTensorType([None, n]))],
                           name="kmeans_report_model",
                           target_opset=TARGET_OPSET)
    nodes, constants, current = [], [], "X"

    def constant(name, values):
        constants.append(numpy_helper.from_array(np.asarray(values), name))
        return name

    def choose(mask, transformed_name, op):
        """Apply `op` to the columns in `mask`, keep the others as they are."""
        nonlocal current
        nodes.append(op)
        nodes.append(helper.make_node("Where", [constant(f"{transformed_name}_mask", mask),
                                                transformed_name, current],
                                      [f"{transformed_name}_out"]))
        current = f"{transformed_name}_out"

    log1p = np.array([f.transform == "log1p" for f in model.features])
    if log1p.any():
        nodes.append(helper.make_node("Add", [current, constant("one", np.array(1.0))], ["plus_one"]))
        choose(log1p, "log1p", helper.make_node("Log", ["plus_one"], ["log1p"]))
    asinh = np.array([f.transform == "asinh" for f in model.features])
    if asinh.any():
        choose(asinh, "asinh", helper.make_node("Asinh", [current], ["asinh"]))
    if any(f.clip_low is not None for f in model.features):
        low = [-np.inf if f.clip_low is None else f.clip_low for f in model.features]
        high = [np.inf if f.clip_high is None else f.clip_high for f in model.features]
        nodes.append(helper.make_node("Max", [current, constant("clip_low", np.array(low))], ["above_low"]))
        nodes.append(helper.make_node("Min", ["above_low", constant("clip_high", np.array(high))],
                                      ["clipped"]))
        current = "clipped"
    if not nodes:
        return core
    graph = helper.make_graph(
        nodes, "transforms", [helper.make_tensor_value_info("X", TensorProto.DOUBLE, [None, n])],
        [helper.make_tensor_value_info(current, TensorProto.DOUBLE, [None, n])], constants)
    front = helper.make_model(graph, opset_imports=list(core.opset_import))
    front.ir_version = core.ir_version
    core = compose.add_prefix(core, "model_")
    merged = compose.merge_models(front, core, io_map=[(current, "model_X")])
    for output in merged.graph.output:  # the published names, not the prefixed ones
        for node in merged.graph.node:
            node.output[:] = [o.removeprefix("model_") if o == output.name else o for o in node.output]
        output.name = output.name.removeprefix("model_")
    onnx.checker.check_model(merged)
    return merged


def _sklearn_pipeline(model: PortableModel):
    """The scaling and K-Means as fitted scikit-learn estimators holding the model's numbers."""
    from sklearn.cluster import KMeans
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    centres = model.centres
    kmeans = KMeans(n_clusters=len(centres), n_init=1, max_iter=1).fit(centres)
    kmeans.cluster_centers_ = centres.copy()
    scaler = StandardScaler().fit(centres)
    scaler.mean_ = np.array([f.center for f in model.features])
    scaler.scale_ = np.array([f.scale for f in model.features])
    scaler.var_ = scaler.scale_ ** 2
    return Pipeline([("scale", scaler), ("kmeans", kmeans)])


def onnx_labels(serialised: bytes, values: np.ndarray, clusters: list[int]) -> np.ndarray:
    """The cluster of each row by onnxruntime (rows in model.json's feature order)."""
    import onnxruntime

    session = onnxruntime.InferenceSession(serialised, providers=["CPUExecutionProvider"])
    (label, *_) = session.run(None, {"X": np.ascontiguousarray(values, np.float64)})
    return np.asarray(clusters, np.int32)[np.asarray(label).ravel()]


def write_onnx(model: PortableModel, path, values: np.ndarray) -> str | None:
    """Write model.onnx when the model converts and onnxruntime assigns `values` (rows in
    model.json's feature order) exactly as the model's own rule does; otherwise write nothing
    and return why."""
    from .apply import nearest_centre

    try:
        serialised = onnx_model(model).SerializeToString()
        labels = onnx_labels(serialised, values, model.clusters)
    except ImportError as exc:
        return f"the ONNX converter is not installed ({exc.name})"
    except Exception as exc:  # noqa: BLE001 - any converter or runtime failure: say it, no file
        return f"the model did not convert to ONNX ({type(exc).__name__}: {exc})"
    differ = int((labels != nearest_centre(model, values)).sum())
    if differ:
        return (f"onnxruntime assigned {differ} of {len(values)} sample customers differently "
                "from the model's rule")
    with open(path, "wb") as handle:
        handle.write(serialised)
    return None
