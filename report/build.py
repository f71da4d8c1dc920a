"""`kmeans-report build`: the whole build, top to bottom, as a recipe.

1. inputs: the config, the output folder, the engine, the citation (all checked before any
   work), and the build stamp: an unchanged stamp means there is nothing to do
2. analyse: the analysis (or its cached outputs) -> this build's `Results`
3. views: downloads, figures, the Reproduce notebook, pages from templates (the project)
4. render: the engine renders the project into a staging folder, swapped in place of the
   output folder only when the site and PDF are complete

Slow independent work starts first and runs beside the analysis: the notebook's kernel and
Chromium for the figures (`Background`). A failed build leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kmeans_report.analysis.config import Config, load_config
from kmeans_report.analysis.progress import Progress
from kmeans_report.report.files import MARKER, copy_file, owned_temp_dir, remove_stale, staged_dir
from kmeans_report.report.paths import check_output_dir

from . import cache
from .changelog import read_report_changelog, releases
from .citation import cff_from_meta, load_cff

if TYPE_CHECKING:
    from kmeans_report.analysis.compare.records import Changes
    from kmeans_report.analysis.results import Results
    from kmeans_report.analysis.sources import Source

    from .changes import Earlier

# Phase 1 and the up-to-date check import only what they use: the analysis and figure stacks
# (scikit-learn, SciPy, pandas, plotly) load inside the phases that need them, so a build
# with nothing to do costs the config's validation, not a second of imports.

STAMP_FILE = ".kmeans-report-build.json"
PROJECT_PREFIX = "kmeans-report-project-"
WHEEL_PREFIX = "kmeans-report-wheel-"


@dataclass
class BuildResult:
    out_dir: Path
    engine: str
    engine_version: str
    pages: list[str]
    pdf: Path | None
    up_to_date: bool
    results: Results | None


@dataclass(frozen=True)
class Inputs:
    """Everything a build reads, checked; `stamp` digests all of it."""

    config: Config
    out: Path
    engine: object  # report.engines.Engine
    engine_version: str
    cff: dict
    cff_path: Path | None
    versions: list
    history: list  # the report's release notes (report.changelog, the version publishing)
    data_id: str
    stamp: str
    cache_dir: Path
    source: Source  # the configured data: its fingerprint is `data_id`
    earlier: Earlier | None = None  # the release this build is compared with

    @property
    def analysis_key(self) -> str:
        return cache.analysis_key(self.config, self.data_id)

    def up_to_date(self) -> bool:
        stamp_path = self.out / STAMP_FILE
        return (stamp_path.is_file() and (self.out / "index.html").is_file()
                and json.loads(stamp_path.read_text()).get("stamp") == self.stamp)


def build_site(
    config_path: Path | None,
    out_dir: Path,
    engine_name: str = "auto",
    *,
    cache_dir: Path = Path(".kmeans-cache"),
    progress: Progress | None = None,
    versions=None,
    force: bool = False,
    project_dir: Path | None = None,
    compare_with: Path | None = None,
    previous_release: Path | None = None,
    publishing=None,
) -> BuildResult:
    """Build the site into out_dir. `project_dir`, when given, keeps the generated Quarto
    project there (replaced as a whole) for inspection or for running `quarto` by hand.
    `compare_with`: an earlier results.json or published version to compare with;
    `previous_release`: the one to compare with when none is given (publishing: the previous
    published version), where the backend can compare (not Spark yet). `publishing` (a
    report.publish Version) is the version `publish` is making: its number is the report's
    version and it heads the history."""
    progress = progress or Progress()
    inputs = load_inputs(config_path, out_dir, engine_name, versions or [], Path(cache_dir),
                         compare_with, previous_release, publishing)
    engine, version = inputs.engine, inputs.engine_version
    if not force and inputs.up_to_date():
        progress.note(f"Nothing changed since the last build: {out_dir} is up to date")
        return BuildResult(inputs.out, engine.name, version, [], inputs.out / "downloads" / "report.pdf",
                           True, None)
    with _project_folder(project_dir) as project, Background() as background:
        (project / "downloads").mkdir()
        background.start(inputs, project, progress)
        results = analyse(inputs, background, progress)
        changes = None
        if inputs.earlier is not None:
            from .analysis_step import analysis_folder
            from .changes import compare

            results, changes = compare(inputs.earlier, results,
                                       analysis_folder(inputs.cache_dir, inputs.analysis_key))
        figures = write_views(inputs, results, project, background, progress, changes)

        def figures_in() -> None:
            figures.finish()
            background.release_browser()  # free the browser before the PDF

        try:
            pages, pdf = render(inputs, project, progress, full=force, figures=figures_in)
        finally:
            figures.close()  # a no-op once the figures are in
    progress.note(f"Site written to {out_dir}/ ({len(pages)} pages and {pdf.name})")
    return BuildResult(inputs.out, engine.name, version, pages, pdf, False, results)


def configured_version(config_path: Path | None) -> str | None:
    """The report's own version (`report.version`) in its configuration, if set."""
    return load_config(config_path).report.version


def load_inputs(config_path: Path | None, out_dir: Path, engine_name: str, versions: list,
                cache_dir: Path, compare_with: Path | None = None,
                previous_release: Path | None = None, publishing=None) -> Inputs:
    """Phase 1: read and check every input; fails before any work is done."""
    from .engines import get_engine

    config = load_config(config_path)
    history = read_report_changelog(config.report.changelog)
    if publishing is not None:  # the version being published joins the report's history
        config = config.with_report_version(publishing.version)
        history = releases(history, [publishing])
    out = check_output_dir(out_dir, config)
    engine = get_engine(engine_name)
    engine_version = engine.version()
    cff_path = config.report.citation_file
    cff = load_cff(cff_path) if cff_path else cff_from_meta(config.report.model_dump(mode="json"))
    from kmeans_report.analysis.sources import source_for

    source = source_for(config)  # refuses a source the backend cannot read, before any work
    if compare_with is None and config.clustering.backend != "spark":
        compare_with = previous_release
    earlier = compared = None
    if compare_with:
        from kmeans_report.analysis.compare.earlier import results_file

        from .changes import load_earlier_release

        earlier = load_earlier_release(compare_with, config)
        compared = cache.tree_digest(results_file(compare_with))
    data_id = source.fingerprint()
    stamp = cache.build_stamp(
        config, data_id, f"{engine.name} {engine_version}",
        {"versions": json.dumps([v.to_dict() for v in versions], sort_keys=True),
         "citation": cache.tree_digest(cff_path) if cff_path else json.dumps(cff, sort_keys=True),
         "compare_with": compared or "",
         "history": json.dumps(history)},
    )
    return Inputs(config, out, engine, engine_version, cff, cff_path, versions, history, data_id,
                  stamp, cache_dir.absolute(), source, earlier)


class Background(contextlib.ExitStack):
    """The slow steps that need only the inputs, started before the analysis: the Reproduce
    notebook's kernel (a process of its own) and, when figures will be drawn, Chromium.
    Both are stopped when the build ends, whatever happens."""

    notebook = None
    browser = None
    wheel = None  # a Future of report.wheel.Wheel

    def submit(self, fn, *args):
        """Run fn(*args) in a thread of its own (a Future), joined when the build ends."""
        pool = self.enter_context(ThreadPoolExecutor(1, thread_name_prefix=fn.__name__))
        return pool.submit(fn, *args)

    def start(self, inputs: Inputs, project: Path, progress: Progress) -> None:
        from .wheel import package_wheel

        # The package's own wheel for the downloads, first: after a code or template edit it
        # is built again (setuptools, in a process of its own; then cached), and it is the
        # longest wait of such a build. In a folder outside the project: Quarto would publish
        # the build tree's assets/ and figures/ folders (its resources patterns match at any
        # depth).
        remove_stale(None, WHEEL_PREFIX)
        workdir = owned_temp_dir(None, WHEEL_PREFIX)
        self.callback(shutil.rmtree, workdir, ignore_errors=True)
        self.wheel = self.submit(package_wheel, inputs.cache_dir, workdir)

        from .analysis_step import analysis_cached
        from .reproduce import start_notebook

        key = inputs.analysis_key
        self.notebook = start_notebook(inputs.config, inputs.source, key, project,
                                       inputs.cache_dir, progress)
        if self.notebook is not None:
            self.callback(self.notebook.cancel)  # no-op once it has finished
        if not analysis_cached(inputs.cache_dir, key):
            from .svg_session import SvgSession

            # Chromium first: it boots in its own process while this one imports the analysis
            # stack and analyses, and is ready when the figures are.
            self.browser = self.enter_context(SvgSession())

    def release_browser(self) -> None:
        if self.browser is not None:
            self.browser.close()  # free the browser before rendering


def analyse(inputs: Inputs, background: Background, progress: Progress) -> Results:
    """Phase 2: the analysis (or its cached outputs) as this build's results."""
    from threadpoolctl import threadpool_limits

    from .analysis_step import analysis_cached, analysis_outputs, results_for_build

    if not analysis_cached(inputs.cache_dir, inputs.analysis_key):
        # Load scikit-learn (and its OpenMP and BLAS runtimes) before the limit below: it
        # only reaches the thread pools already loaded.
        import kmeans_report.analysis.pipeline  # noqa: F401
    # With the notebook's kernel busy on the other core, one thread each beats two each:
    # OpenMP threads that outnumber the cores slow K-Means down many times over. BLAS keeps
    # one thread: its products here are thin (features wide), and OpenBLAS's idle threads
    # spin - measured at 1M rows beside Chromium, twice the CPU for no gain in time.
    openmp = 1 if background.notebook is not None else None
    with threadpool_limits(openmp, user_api="openmp"), threadpool_limits(1, user_api="blas"):
        tables = analysis_outputs(inputs.config, inputs.analysis_key, inputs.cache_dir, progress,
                                  inputs.source)
    return results_for_build(tables, inputs.config)


def write_views(inputs: Inputs, results: Results, project: Path, background: Background,
                progress: Progress, changes: Changes | None = None):
    """Phase 3: everything the pages show, written into the project: downloads, figures,
    the executed notebook, then the pages themselves. Returns the `FigureSet`, whose SVGs
    may still be drawing: the render waits for them (`finish`) only where it reads them."""
    from .analysis_step import OUTPUT_TABLES, analysis_folder
    from .changes import changes_figures, names_key, write_changes_downloads
    from .citation import citation_context
    from .context import SiteInfo
    from .context_changes import changes_context
    from .downloads import download_list, write_data_downloads, write_model_files
    from .figure_set import FigureSet
    from .notebook import notebook_cells
    from .project import write_project
    from .reproduce import finish_notebook, not_run_reason

    key, config, downloads = inputs.analysis_key, inputs.config, project / "downloads"
    citation = citation_context(inputs.cff, [c.model_dump() for c in config.report.contributors])
    tables = analysis_folder(inputs.cache_dir, key)
    write_data_downloads(downloads, tables, OUTPUT_TABLES[1:], results, inputs.cff,
                         inputs.cff_path, citation["bibtex"])
    renamed = changes is not None and any(s.described_now for s in changes.kept)
    if changes is not None:
        write_changes_downloads(downloads, results, changes, renamed)
    # figures name the segments: under kept names they are another set
    figure_key = f"{key}-{names_key(results)}" if renamed else key
    # Chromium draws the SVGs from here on; what needs neither them nor this thread's time
    # goes on meanwhile: model.onnx (converting a new analysis' model costs a second, mostly
    # the converter's imports: in a thread, started only now so it does not slow the
    # figures' building), the end of the notebook's run, the pages (they only name the
    # figures' files) and, on a full render, the pages' HTML.
    figure_set = FigureSet(results, figure_key, project, inputs.cache_dir, progress,
                           background.browser)
    try:
        figures = dict(figure_set.refs)
        model = background.submit(write_model_files, results, downloads, tables)
        if changes is not None:
            figures.update(changes_figures(changes, project, inputs.cache_dir,
                                           background.browser))
        notebook = finish_notebook(background.notebook, results, key, config, inputs.source,
                                   project, inputs.cache_dir, progress)
        missing = model.result()
        wheel = background.wheel.result()  # last: after a code or template edit it is rebuilt
        wheel.store()
        copy_file(wheel.path, downloads / wheel.name)
        site = SiteInfo(
            engine=inputs.engine.name,
            engine_version=inputs.engine_version,
            citation=citation,
            releases=releases(inputs.history, inputs.versions),
            downloads=download_list(downloads, OUTPUT_TABLES, wheel, missing),
            notebook_cells=notebook_cells(notebook),
            notebook_not_run=not_run_reason(config, inputs.source),
            changes=changes_context(changes, results.config["roi"]["currency"],
                                    {f.column: f.label for f in results.data.features}),
            published=[v.version for v in inputs.versions],
        )
        with progress.stage("pages", "Writing pages from templates"):
            write_project(project, results, figures, site)
    except BaseException:
        figure_set.close()
        raise
    return figure_set


def render(inputs: Inputs, project: Path, progress: Progress, full: bool = False,
           figures=lambda: None) -> tuple[list[str], Path]:
    """Phase 4: render into a staging folder and swap it into place; returns the pages and
    the PDF's final path. Unless `full`, when the site there was rendered by the same
    renderer, only what the project's changes touch is rendered again (report.incremental),
    over a copy of it. `figures()` returns once the project's figures are all in: a full
    render lets the engine call it when it first needs them (pages first, while Chromium
    still draws)."""
    from .engines.siteconfig import PDF_HREF, html_href, load_site_config
    from .files import copy_tree, link_or_copy
    from .incremental import plan_render, project_manifest, read_record

    engine = inputs.engine
    renderer = cache.renderer_key(f"{engine.name} {inputs.engine_version}")
    manifest = None

    def project_complete() -> None:
        """The figures in, then the project's manifest, before an engine (Quarto) adds its
        own files to the project."""
        nonlocal manifest
        figures()
        if manifest is None:
            manifest = project_manifest(project)

    previous = {} if full else read_record(inputs.out / STAMP_FILE)
    plan = None
    if previous.get("renderer") == renderer:  # a partial render may do: it compares files
        project_complete()
        plan = plan_render(previous, renderer, manifest)
    with staged_dir(inputs.out) as staging:
        if plan is None:
            with progress.stage("render", f"Rendering the site and PDF ({engine.name})"):
                rendered = engine.render(project, staging, progress=progress.note,
                                         figures=project_complete)
            project_complete()
            pages, pdf = rendered.pages, rendered.pdf.relative_to(staging)
        else:
            what = [*plan.pages, *(["the PDF"] if plan.pdf else []), *plan.files]
            with progress.stage("render", f"Rendering what changed ({engine.name}): "
                                          f"{', '.join(what) or 'nothing'}"):
                # Hard links: the engine replaces the files it renders, never writes into them.
                for child in inputs.out.iterdir():
                    if child.name not in (STAMP_FILE, MARKER):
                        copy_tree(child, staging / child.name)
                for name in plan.files:
                    link_or_copy(project / name, staging / name)
                if plan.pages or plan.pdf:
                    engine.render_pages(project, staging, list(plan.pages), pdf=plan.pdf,
                                        progress=progress.note)
            pages = [html_href(page) for page in load_site_config(project).pages]
            pdf = Path(PDF_HREF)
        record = {"stamp": inputs.stamp, "renderer": renderer, "project": manifest}
        (staging / STAMP_FILE).write_text(json.dumps(record) + "\n")
    return pages, inputs.out / pdf


@contextlib.contextmanager
def _project_folder(keep: Path | None):
    """A temporary project folder, or `keep` (replaced as a whole) when the user wants it."""
    if keep is None:
        remove_stale(None, PROJECT_PREFIX)  # left in the system temp folder by killed builds
        folder = owned_temp_dir(None, PROJECT_PREFIX)
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with staged_dir(Path(keep)) as staging:
        yield staging
