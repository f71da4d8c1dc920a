"""`run_analysis(config) -> AnalysisOutput`: the one recipe, for every source and backend.

Reads top to bottom like the notebook: data, scaling, K sweep, choice of K, final model,
profiles and segments, stability, algorithm comparison, ROI, provenance. What works on a
bounded set of rows runs here, on the driver, with scikit-learn: the sweep's fits (on the
sweep sample of a large table, else on every row), the choice of K, the silhouette,
stability refits, the Lloyd / Mini-Batch comparison and the chart points. The backend
(analysis.backends) supplies every pass over all rows.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from . import assembly, cluster, metrics, scale
from .backends import Backend, backend_for
from .backends.base import SweepRows
from .config import Clustering, Config
from .model.description import fitted_model
from .progress import Progress
from .results import SweepRow
from .roi import roi_model
from .selection import choose_k
from .sources import Source, source_for
from .threads import side_by_side


def run_analysis(config: Config, progress: Progress | None = None,
                 source: Source | None = None) -> assembly.AnalysisOutput:
    """The analysis of the configured data (`source`: the configured source, when the caller
    already asked it for its fingerprint: a database's rows are then fetched once)."""
    progress = progress or Progress(enabled=False)  # one per run: stage times never carry over
    source = source or source_for(config)
    backend = backend_for(config, progress)
    with backend.session():
        return _recipe(config, source, backend, progress)


def _recipe(config: Config, source: Source, backend: Backend,
            progress: Progress) -> assembly.AnalysisOutput:
    opts = config.clustering
    with progress.stage("load", "Loading and checking customer data"):
        table = backend.load(source)
    n = table.n_rows
    progress.note(f"  {n:,} customers × {len(config.features)} features")
    large = opts.use_large_path(n)
    with progress.stage("scale", f"Scaling features ({config.preprocessing.scaler})"):
        space = backend.prepare(table)
        data = backend.summary(table, space)
    with progress.stage("sample", "Rows for the driver"):
        driver = backend.driver_rows(table, space)
        fit = backend.sweep_rows(space, driver, large)
        silhouette = DriverSilhouette(driver.z, n, driver.all_rows, opts)

    rows_fitted = f"a sample of {len(fit.fit):,} rows" if large else f"all {n:,} rows"
    with progress.stage("sweep", f"K-Means for K = {opts.k_min}..{opts.k_max} on {rows_fitted}"):
        rows, models = sweep(fit, n, silhouette, opts, progress)
    if opts.chosen_k == "auto":
        with progress.stage("select", "Choosing K (cluster sizes and stability)"):
            selection = choose_k(rows, config, driver.z)
    else:
        selection = choose_k(rows, config)
    k = selection.chosen_k
    i = opts.k_values.index(k)
    progress.note(f"  chosen K = {k} ({selection.reason})")

    model, refit = models[k], None
    if large:
        with progress.stage("refine", f"Refining K = {k} on all {n:,} rows"):
            refit = backend.refine(space, k, model.cluster_centers_)

    with progress.stage("final", f"Final model, profiles and segments for K = {k}"):
        start = time.perf_counter()
        labels = backend.driver_labels(space, driver, model, refit)
        predict_seconds = time.perf_counter() - start
        sil = silhouette.of_labels(labels)
        silhouette.release()  # the sample's distance matrix (400 MB at 10,000 rows) is done
        chosen = backend.final(table, space, k, model, refit, sil.by_cluster(labels))
        if refit is not None:  # the chosen K's row describes the refined all-rows model
            s = chosen.score
            rows[i] = SweepRow.scored(k, s.inertia, sil, s.calinski_harabasz, s.davies_bouldin,
                                      refit.n_iter, rows[i].fit_seconds + refit.seconds,
                                      s.smallest_share)

    with progress.stage("stability", "Stability (re-seeded and bootstrap refits)"):
        stability = replace(cluster.stability(driver.z, k, labels, opts, None, progress),
                            planted_ari=chosen.planted_ari)

    with progress.stage("algorithms", "Comparing Lloyd and Mini-Batch K-Means"):
        if fit.fit_index is not None:  # a large table held here: both on the sweep sample
            algorithms = cluster.compare_algorithms(fit.fit, k, labels[fit.fit_index], opts,
                                                    None)
        elif fit.fit is driver.z:  # every row: the reported fit is the configured algorithm's
            algorithms = cluster.compare_algorithms(driver.z, k, labels, opts,
                                                    rows[i].fit_seconds + predict_seconds)
        else:  # both on the driver's sample
            algorithms = cluster.compare_algorithms(driver.z, k, labels, opts, None)

    with progress.stage("roi", "Business insights and ROI"):
        # Revenue is the configured spend; without a spending role there is no ROI to show.
        roi = roi_model(chosen.revenue, config.roi) if chosen.revenue is not None else None

    with progress.stage("points", "Projection and sample for charts"):
        points = assembly.chart_points(driver.features, driver.z, labels, sil,
                                       opts.random_state, n)

    results = assembly.results(
        config, table.sha256,
        data=data,
        run=assembly.run_info(config, seconds=progress.seconds, sweep_rows=len(fit.fit),
                              large=large, n_rows=n,
                              refine_n_iter=refit.n_iter if refit is not None else None,
                              matrix_dtype=backend.matrix_dtype(space),
                              spark=backend.run_record(table, driver)),
        sweep=rows,
        selection=selection,
        final_inertia=rows[i].inertia,
        quality=assembly.quality(sil.mean, k),
        profiles=chosen.profiles,
        segments=chosen.segments,
        stability=stability,
        algorithms=algorithms,
        roi=roi,
        points=points,
        comparison=chosen.comparison,
        # what applies the model to new rows: the space's transforms, clipping and scaling,
        # and the centres the customers were assigned to
        model=fitted_model(config, space.scaler, space.clip_bounds,
                           refit.centres if refit is not None else model.cluster_centers_,
                           backend.matrix_dtype(space)),
    )
    return assembly.AnalysisOutput(results, chosen.assignments)


def sweep(rows: SweepRows, n: int, silhouette: DriverSilhouette, opts: Clustering,
          progress: Progress) -> tuple[list[SweepRow], dict]:
    """One scikit-learn fit per K (as the notebook's loop) on the sweep's rows, scored where
    it is decided: on every row of a table below the large-data threshold, else on the
    held-out sample as estimates for the whole table (analysis.scale.sample_row); each K's
    silhouette on the driver's rows. Only the chosen K is then scored on all rows (`final`)."""
    def fit(k: int):
        model = cluster.make_model(k, opts)
        start = time.perf_counter()
        model.fit(rows.fit)
        seconds = time.perf_counter() - start
        del model.labels_  # keeps memory flat; predict() gives them again where needed
        return model, seconds

    out, models = [], {}
    fitted = side_by_side([lambda k=k: fit(k) for k in opts.k_values])
    for k, (model, seconds) in zip(opts.k_values, progress.iter(
            fitted, "K sweep", total=len(opts.k_values)), strict=True):
        sil = silhouette.of_model(model)
        centres = model.cluster_centers_
        if rows.scored is not None:
            out.append(scale.sample_row(k, rows.scored, scale.assign(model, rows.scored),
                                        centres, n, sil, model.n_iter_, seconds))
        else:
            labels = scale.assign(model, rows.fit)
            inertia, ch, db = scale.score_partition(rows.fit, labels, centres)
            out.append(SweepRow.scored(k, inertia, sil, ch, db, model.n_iter_, seconds,
                                       cluster.smallest_share(labels, k)))
        models[k] = model
    return out, models


class DriverSilhouette:
    """The silhouette on the driver's rows, the same rows for every K: exact when they are the
    whole table and it has at most `silhouette.exact_max_rows` rows, else on a fixed uniform
    sample of them (with its standard error)."""

    def __init__(self, Z: np.ndarray, n_total: int, all_rows: bool, opts: Clustering):
        self.Z = Z
        self.index = None
        self.sampled = None
        if n_total > opts.silhouette.exact_max_rows:
            self.index = metrics.silhouette_sample_index(
                len(Z), opts.silhouette.exact_max_rows if all_rows else 0,
                opts.silhouette.sample_size, opts.random_state)
        if self.index is not None:
            self.sampled = metrics.SampledSilhouette(Z, self.index)

    def of_labels(self, labels: np.ndarray) -> metrics.SilhouetteEstimate:
        """`labels`: the cluster of each driver row."""
        if self.sampled is None:
            return metrics.silhouette(self.Z, labels, None)
        return self.sampled(labels)

    def release(self) -> None:
        """Free the sample's cached distances once no more labelings will be scored (later
        ones would compute their distances again)."""
        if self.sampled is not None:
            self.sampled.distances = None

    def of_model(self, model) -> metrics.SilhouetteEstimate:
        """A fitted model's silhouette, predicting only the rows it is computed on."""
        if self.sampled is None:
            return metrics.silhouette(self.Z, scale.assign(model, self.Z), None)
        return self.sampled.of_sample(scale.assign(model, self.sampled.X))
