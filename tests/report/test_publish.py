"""Publishing built sites into a versioned tree: layout, aliases, and that every failure leaves
the published tree byte-for-byte as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from filelock import FileLock

import kmeans_report.report.publish.transaction as transaction
from kmeans_report.report.errors import PublishError
from kmeans_report.report.publish import list_versions, publish_site, unpublish
from tests.helpers import hash_tree

REPO = Path(__file__).resolve().parents[2]


def make_site(path: Path, marker: str) -> Path:
    """A small built site shaped like the real one (flat pages, assets, PDF, search index)."""
    for name in ("index", "data", "methods"):
        (path / f"{name}.html").parent.mkdir(parents=True, exist_ok=True)
        (path / f"{name}.html").write_text(f"<h1>{name} {marker}</h1>", encoding="utf-8")
    for rel, content in {
        "assets/version-switcher.js": "/* js */",
        "figures/elbow.svg": f"<svg>{marker}</svg>",
        "downloads/report.pdf": f"%PDF {marker}",
        "pagefind/pagefind.js": "/* search */",
    }.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def sites(tmp_path):
    """Three built sites, one per release."""
    return {v: make_site(tmp_path / f"site-{v}", v) for v in ("1.2.0", "1.3.0", "1.10.0")}


@pytest.fixture
def root(tmp_path, sites):
    """A site root with 1.2.0 and 1.3.0 already published (latest -> 1.3.0)."""
    public = tmp_path / "public"
    publish_site(sites["1.2.0"], public, "1.2.0", date="2025-01-01")
    publish_site(sites["1.3.0"], public, "1.3.0", date="2025-06-01", title="Spring release")
    return public


def versions_json(public: Path) -> list[dict]:
    return json.loads((public / "versions.json").read_text(encoding="utf-8"))


def no_leftovers(public: Path) -> bool:
    return not [p.name for p in public.iterdir() if p.name.startswith((".publish-", ".publish."))
                and p.name != ".publish.lock"]


# -- the happy path ---------------------------------------------------------------------------


def test_three_publishes_build_the_versioned_tree(tmp_path, sites):
    public = tmp_path / "public"
    snapshots = {}
    releases = (("1.2.0", "2025-01-01"), ("1.3.0", "2025-06-01"), ("1.10.0", "2025-09-09"))
    for number, date in releases:
        before = hash_tree(sites[number])
        result = publish_site(sites[number], public, number, date=date)
        assert hash_tree(sites[number]) == before, "the built site must not be modified"
        assert result.version_dir == public / number and not result.replaced
        assert result.warnings == ()
        snapshots[number] = hash_tree(public / number)
        # Earlier versions are never touched again by later publishes.
        for earlier, snap in snapshots.items():
            assert hash_tree(public / earlier) == snap

    assert hash_tree(public / "1.10.0") == hash_tree(sites["1.10.0"])
    assert hash_tree(public / "latest") == hash_tree(sites["1.10.0"])  # a full copy
    assert sorted(p.name for p in public.iterdir()) == [
        ".nojekyll", ".publish.lock", "1.10.0", "1.2.0", "1.3.0", "index.html", "latest",
        "versions.json",
    ]
    assert versions_json(public) == [
        {"version": "1.10.0", "title": "1.10.0", "date": "2025-09-09", "aliases": ["latest"],
         "pdf": "1.10.0/downloads/report.pdf"},
        {"version": "1.3.0", "title": "1.3.0", "date": "2025-06-01", "aliases": [],
         "pdf": "1.3.0/downloads/report.pdf"},
        {"version": "1.2.0", "title": "1.2.0", "date": "2025-01-01", "aliases": [],
         "pdf": "1.2.0/downloads/report.pdf"},
    ]
    index = (public / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=latest/">' in index
    assert 'location.replace("latest/"' in index and '<a href="latest/">' in index
    assert list_versions(public).names() == ["1.10.0", "1.3.0", "1.2.0"]


def test_title_extra_alias_and_missing_pdf(tmp_path, root, sites):
    site = make_site(tmp_path / "nopdf", "x")
    (site / "downloads/report.pdf").unlink()
    result = publish_site(site, root, "1.10.0", title="Autumn", aliases=["latest", "stable"])
    entry = versions_json(root)[0]
    assert entry == {"version": "1.10.0", "title": "Autumn", "date": entry["date"],
                     "aliases": ["latest", "stable"], "pdf": None}
    assert result.aliases == ("latest", "stable")
    assert hash_tree(root / "stable") == hash_tree(site)


def test_publishing_an_older_release_as_latest_warns(root, sites):
    result = publish_site(sites["1.2.0"], root, "1.2.1")
    assert any("older than the published 1.3.0" in w for w in result.warnings)
    assert list_versions(root).aliases() == {"latest": "1.2.1"}


def test_publish_without_aliases_keeps_latest(root, sites):
    before_latest = hash_tree(root / "latest")
    publish_site(sites["1.2.0"], root, "1.2.1", aliases=())
    assert hash_tree(root / "latest") == before_latest
    assert list_versions(root).aliases() == {"latest": "1.3.0"}


def test_force_replaces_a_version_and_its_alias_copy(tmp_path, root):
    new_build = make_site(tmp_path / "rebuilt", "rebuilt")
    publish_site(new_build, root, "1.3.0", force=True)
    assert hash_tree(root / "1.3.0") == hash_tree(new_build)
    assert hash_tree(root / "latest") == hash_tree(new_build)
    assert [e["version"] for e in versions_json(root)] == ["1.3.0", "1.2.0"]
    assert no_leftovers(root)


def test_missing_switcher_is_reported(tmp_path, root):
    site = make_site(tmp_path / "noswitch", "x")
    (site / "assets/version-switcher.js").unlink()
    result = publish_site(site, root, "2.0.0")
    assert any("version-switcher.js" in w for w in result.warnings)


# -- refusals leave the tree unchanged -----------------------------------------------------------


def test_repeated_version_without_force_changes_nothing(root, sites):
    before = hash_tree(root)
    with pytest.raises(PublishError, match="1.3.0 is already published.*force"):
        publish_site(sites["1.10.0"], root, "1.3.0")
    assert hash_tree(root) == before


@pytest.mark.parametrize(
    "bad", ["../evil", "a/b", "a\\b", "/abs", "", " ", ".", "..", "v1.4.0", "latest", "1.4 "]
)
def test_bad_version_changes_nothing(root, sites, bad):
    before = hash_tree(root)
    with pytest.raises(PublishError):
        publish_site(sites["1.10.0"], root, bad)
    assert hash_tree(root) == before
    assert not (root.parent / "evil").exists()


@pytest.mark.parametrize("bad", ["../x", "1.0", "", "a b", "x/y"])
def test_bad_alias_changes_nothing(root, sites, bad):
    before = hash_tree(root)
    with pytest.raises(PublishError, match="alias"):
        publish_site(sites["1.10.0"], root, "1.10.0", aliases=["latest", bad])
    assert hash_tree(root) == before


def test_site_without_index_is_refused(tmp_path, root):
    empty = tmp_path / "not-a-site"
    (empty / "assets").mkdir(parents=True)
    before = hash_tree(root)
    with pytest.raises(PublishError, match=r"has no index\.html"):
        publish_site(empty, root, "2.0.0")
    with pytest.raises(PublishError, match="does not exist"):
        publish_site(tmp_path / "nowhere", root, "2.0.0")
    assert hash_tree(root) == before


def test_site_root_that_is_a_file_is_refused(tmp_path, sites):
    not_a_dir = tmp_path / "public"
    not_a_dir.write_text("I am a file")
    with pytest.raises(PublishError, match="is a file"):
        publish_site(sites["1.2.0"], not_a_dir, "1.2.0")
    with pytest.raises(PublishError, match="is a file"):
        list_versions(not_a_dir)
    assert not_a_dir.read_text() == "I am a file"


def test_site_root_inside_the_built_site_is_refused(sites):
    site = sites["1.2.0"]
    before = hash_tree(site)
    with pytest.raises(PublishError, match="inside the built site"):
        publish_site(site, site / "public", "1.2.0")
    assert hash_tree(site) == before


def test_corrupt_versions_json_is_reported_and_left_alone(root, sites):
    (root / "versions.json").write_text("[{oops", encoding="utf-8")
    before = hash_tree(root)
    with pytest.raises(PublishError, match="versions.json is not valid JSON"):
        publish_site(sites["1.10.0"], root, "1.10.0")
    assert hash_tree(root) == before


def test_unlisted_version_folder_needs_force(root, sites):
    (root / "1.10.0").mkdir()
    (root / "1.10.0" / "stray.txt").write_text("manual copy")
    before = hash_tree(root)
    with pytest.raises(PublishError, match="does not list it"):
        publish_site(sites["1.10.0"], root, "1.10.0")
    assert hash_tree(root) == before
    publish_site(sites["1.10.0"], root, "1.10.0", force=True)
    assert hash_tree(root / "1.10.0") == hash_tree(sites["1.10.0"])


# -- failures half-way roll back --------------------------------------------------------------


class Fault(OSError):
    pass


def count_calls(monkeypatch, names):
    """Count calls of the file operations a publish makes (run once, successfully)."""
    counter = {"n": 0}
    for owner, name in names:
        real = getattr(owner, name)

        def wrapper(*args, _real=real, **kwargs):
            counter["n"] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)
    return counter


def fail_at(monkeypatch, names, at: int, error: type[Exception]):
    """Make the `at`-th call (0-based) of any of the named operations raise `error`."""
    counter = {"n": 0}
    for owner, name in names:
        real = getattr(owner, name)

        def wrapper(*args, _real=real, **kwargs):
            counter["n"] += 1
            if counter["n"] - 1 == at:
                raise error(13, "injected fault", str(args[0]) if args else None)
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)


# The steps of a publish that change the tree: staging copies, renames, atomic replaces and
# the copy that keeps old bytes of a file for undo.
STEPS = [(shutil, "copytree"), (os, "rename"), (os, "replace"), (shutil, "copy2")]


@pytest.mark.parametrize("force", [False, True], ids=["new-version", "force-replace"])
def test_a_fault_at_any_step_leaves_the_tree_as_it_was(tmp_path, root, sites, force):
    version = "1.3.0" if force else "1.10.0"
    # Count the steps of a successful publish on a copy of the tree.
    probe = tmp_path / "probe"
    shutil.copytree(root, probe, symlinks=True)
    with pytest.MonkeyPatch.context() as mp:
        counter = count_calls(mp, STEPS)
        publish_site(sites["1.10.0"], probe, version, force=force)
    steps = counter["n"]
    assert steps >= 6  # stage, swap, versions.json, alias stage+swap, index

    for at in range(steps):
        before = hash_tree(root)
        with pytest.MonkeyPatch.context() as mp:
            fail_at(mp, STEPS, at, Fault)
            with pytest.raises(PublishError, match="rolled back") as info:
                publish_site(sites["1.10.0"], root, version, force=force)
        assert "injected fault" in str(info.value)
        assert hash_tree(root) == before, f"tree changed after a fault at step {at}"
        assert no_leftovers(root)


def test_a_non_os_error_half_way_also_rolls_back(root, sites, monkeypatch):
    before = hash_tree(root)
    real_write = transaction.Transaction.write_file

    def write_then_crash(self, path, text):
        real_write(self, path, text)
        if path.name == "versions.json":
            raise RuntimeError("bug after versions.json was replaced")

    monkeypatch.setattr(transaction.Transaction, "write_file", write_then_crash)
    with pytest.raises(RuntimeError, match="bug after"):
        publish_site(sites["1.10.0"], root, "1.10.0")
    assert hash_tree(root) == before and no_leftovers(root)


def test_read_only_site_root_gives_a_clear_error(root, sites, monkeypatch):
    # Tests run as root, which chmod cannot stop: refuse every rename/replace instead,
    # as a read-only mount would.
    def refuse(src, dst, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(src))

    before = hash_tree(root)
    monkeypatch.setattr(os, "rename", refuse)
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PublishError, match="Permission denied.*writable"):
        publish_site(sites["1.10.0"], root, "1.10.0")
    assert hash_tree(root) == before


def test_unwritable_lock_file_gives_a_clear_error(root, sites, monkeypatch):
    def refuse(self):
        raise PermissionError(30, "Read-only file system", self.lock_file)

    monkeypatch.setattr(transaction.FileLock, "_acquire", refuse)
    before = hash_tree(root)
    with pytest.raises(PublishError, match="Read-only file system. Is it read-only"):
        publish_site(sites["1.10.0"], root, "1.10.0")
    assert hash_tree(root) == before


# -- interrupted publishes ----------------------------------------------------------------------


def kill_publish_at(public: Path, site: Path, version: str, rename_call: int, force: bool):
    """Run a publish in a child process that SIGKILLs itself at its n-th os.rename call."""
    code = textwrap.dedent(
        f"""
        import os, signal
        real, calls = os.rename, [0]
        def rename(*a, **k):
            calls[0] += 1
            if calls[0] == {rename_call}:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*a, **k)
        os.rename = rename
        from kmeans_report.report.publish import publish_site
        publish_site({str(site)!r}, {str(public)!r}, {version!r}, force={force})
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()


def test_staging_left_by_a_killed_publish_is_cleaned_by_the_next(root, sites):
    before = hash_tree(root)
    kill_publish_at(root, sites["1.10.0"], "1.10.0", rename_call=1, force=False)
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".publish-new-")]
    assert leftovers, "the killed publish should have left its staging folder"
    assert {k: v for k, v in hash_tree(root).items() if not k.startswith(".publish-new-")} == before

    publish_site(sites["1.10.0"], root, "1.10.0")
    assert no_leftovers(root)
    assert list_versions(root).names() == ["1.10.0", "1.3.0", "1.2.0"]
    assert hash_tree(root / "latest") == hash_tree(sites["1.10.0"])


def test_a_folder_moved_aside_by_a_killed_replace_is_restored(tmp_path, root, sites):
    original = hash_tree(root / "1.3.0")
    # Call 1 moves 1.3.0 aside, call 2 would move the staged copy in: die between them.
    kill_publish_at(root, sites["1.10.0"], "1.3.0", rename_call=2, force=True)
    assert not (root / "1.3.0").exists()

    publish_site(sites["1.10.0"], root, "1.10.0")
    assert hash_tree(root / "1.3.0") == original
    assert no_leftovers(root)


# -- concurrency ----------------------------------------------------------------------------------


def test_concurrent_publishes_are_serialised(root, sites, monkeypatch):
    # Slow the staging copy down so two unserialised publishes would surely interleave and
    # the second versions.json write would drop the first one's entry.
    real_copytree = shutil.copytree
    depth: dict[int, int] = {}  # thread -> nesting (copytree calls itself for subfolders)
    overlaps = []
    guard = threading.Lock()

    def slow_copytree(*args, **kwargs):
        me = threading.get_ident()
        with guard:
            depth[me] = depth.get(me, 0) + 1
            overlaps.append(sum(1 for d in depth.values() if d > 0))
        time.sleep(0.05)
        try:
            return real_copytree(*args, **kwargs)
        finally:
            with guard:
                depth[me] -= 1

    monkeypatch.setattr(shutil, "copytree", slow_copytree)
    errors = []

    def run(version):
        try:
            publish_site(sites["1.10.0"], root, version, aliases=())
        except Exception as exc:  # report in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(v,)) for v in ("2.0.0", "2.1.0")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert max(overlaps) == 1, "two publishes were inside the lock at once"
    assert list_versions(root).names() == ["2.1.0", "2.0.0", "1.3.0", "1.2.0"]


def test_a_held_lock_times_out_with_a_clear_error(root, sites):
    before = hash_tree(root)
    with FileLock(str(root / ".publish.lock")):
        with pytest.raises(PublishError, match="Another publish holds the lock"):
            publish_site(sites["1.10.0"], root, "1.10.0", lock_timeout=0.2)
    assert hash_tree(root) == before


def test_concurrent_publishes_from_two_processes(root, sites):
    code = "import sys; from kmeans_report.report.publish import publish_site; " \
           "publish_site(sys.argv[1], sys.argv[2], sys.argv[3], aliases=())"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(sites["1.10.0"]), str(root), v],
                         cwd=REPO, stderr=subprocess.PIPE)
        for v in ("3.0.0", "3.1.0")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    assert list_versions(root).names() == ["3.1.0", "3.0.0", "1.3.0", "1.2.0"]
    assert no_leftovers(root)


# -- listing and removing ----------------------------------------------------------------------


def test_list_versions_of_an_empty_or_missing_root(tmp_path):
    assert len(list_versions(tmp_path / "missing")) == 0
    assert not (tmp_path / "missing").exists()


def test_unpublish_removes_a_version(root, sites):
    latest = hash_tree(root / "latest")
    remaining = unpublish(root, "1.2.0")
    assert remaining.names() == ["1.3.0"]
    assert not (root / "1.2.0").exists()
    assert [e["version"] for e in versions_json(root)] == ["1.3.0"]
    assert hash_tree(root / "latest") == latest
    assert no_leftovers(root)


def test_unpublish_refuses_the_alias_target_and_unknown_versions(root):
    before = hash_tree(root)
    with pytest.raises(PublishError, match="only version the alias 'latest'"):
        unpublish(root, "1.3.0")
    with pytest.raises(PublishError, match="'9.9.9' is not published"):
        unpublish(root, "9.9.9")
    with pytest.raises(PublishError, match="Invalid version"):
        unpublish(root, "../1.3.0")
    assert hash_tree(root) == before


def test_forced_unpublish_of_latest_redirects_to_the_newest_left(root):
    unpublish(root, "1.3.0", force=True)
    assert not (root / "latest").exists() and not (root / "1.3.0").exists()
    assert versions_json(root)[0]["aliases"] == []
    assert 'url=1.2.0/' in (root / "index.html").read_text(encoding="utf-8")
    unpublish(root, "1.2.0")
    assert versions_json(root) == [] and not (root / "index.html").exists()


def test_a_fault_during_unpublish_rolls_back(root, monkeypatch):
    before = hash_tree(root)
    fail_at(monkeypatch, STEPS, 2, Fault)
    with pytest.raises(PublishError, match="rolled back"):
        unpublish(root, "1.3.0", force=True)
    assert hash_tree(root) == before
