"""The versions.json model: validation, aliases, ordering and JSON round trips."""

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kmeans_report.report.errors import PublishError, ReportError
from kmeans_report.report.publish.names import validate_alias, validate_version
from kmeans_report.report.publish.versions import Version, VersionList


def v(version, aliases=(), date="2025-10-02"):
    return Version(version=version, title=f"Release {version}", date=date, aliases=aliases)


@pytest.mark.parametrize(
    "bad",
    ["", " ", "1.0 ", " 1.0", "1. 0", ".", "..", "../x", "a/b", "a\\b", "/abs", "/1.0",
     "C:\\x", "1.0/..", "latest", "foo", "1.0\n", "1.0\0"],
)
def test_path_like_or_invalid_versions_are_rejected(bad):
    with pytest.raises(PublishError) as info:
        validate_version(bad)
    assert repr(bad) in str(info.value) or "empty" in str(info.value)


@pytest.mark.parametrize("bad", ["v1.3.0", "1.3.0-rc1", "01.2", "1.3.0.RC1"])
def test_only_the_normalised_spelling_is_accepted(bad):
    with pytest.raises(PublishError, match="normalised"):
        validate_version(bad)


@pytest.mark.parametrize(
    "good", ["1.3.0", "2.0.0rc1", "1.0.post1", "0.1.dev3", "1!2.0", "1.0+abc.5"]
)
def test_valid_versions_pass(good):
    assert validate_version(good) == good


@pytest.mark.parametrize(
    "bad", ["", "late st", "../latest", "a/b", "a\\b", ".", "..", "-x", "_x", "x.y", "v1", "1",
            "Ünïcode", "x" * 65, ".hidden"],
)
def test_bad_aliases_are_rejected(bad):
    with pytest.raises(PublishError):
        validate_alias(bad)


def test_good_aliases_pass():
    assert validate_alias("latest") == "latest"
    assert validate_alias("stable-2_x") == "stable-2_x"


def test_publish_error_is_a_report_error_with_exit_code_2():
    assert issubclass(PublishError, ReportError)
    assert PublishError.exit_code == 2


def test_version_rejects_bad_fields():
    with pytest.raises(PublishError, match="title"):
        Version("1.0", "  ", "2025-01-01")
    with pytest.raises(PublishError, match="date"):
        Version("1.0", "t", "yesterday")
    with pytest.raises(PublishError, match="list of names"):
        Version("1.0", "t", "2025-01-01", aliases="latest")
    with pytest.raises(PublishError, match="pdf"):
        Version("1.0", "t", "2025-01-01", pdf="../etc/passwd")
    with pytest.raises(PublishError, match="pdf"):
        Version("1.0", "t", "2025-01-01", pdf="2.0/report.pdf")


def test_date_accepts_date_objects():
    assert Version("1.0", "t", dt.date(2025, 1, 2)).date == "2025-01-02"


def test_order_is_newest_first_by_pep440_not_text():
    versions = VersionList([v("1.9.0"), v("1.10.0"), v("1.10.0rc1"), v("0.9"), v("1.10.0.post1")])
    assert versions.names() == ["1.10.0.post1", "1.10.0", "1.10.0rc1", "1.9.0", "0.9"]
    assert versions.newest().version == "1.10.0.post1"


def test_add_refuses_an_existing_version_without_force():
    versions = VersionList([v("1.0.0", ["latest"])])
    with pytest.raises(PublishError, match="already published.*force"):
        versions.add(v("1.0.0"))
    assert versions[("1.0.0")].aliases == ("latest",)
    versions.add(Version("1.0.0", "New title", "2025-01-01"), force=True)
    assert versions["1.0.0"].title == "New title"
    assert len(versions) == 1


def test_add_refuses_an_equal_version_spelled_differently_even_with_force():
    versions = VersionList([v("1.3.0")])
    with pytest.raises(PublishError, match="equals the published version '1.3.0'"):
        versions.add(v("1.3"), force=True)


def test_alias_moves_to_exactly_one_version():
    versions = VersionList()
    versions.add(v("1.0.0", ["latest", "stable"]))
    versions.add(v("1.1.0", ["latest"]))
    assert versions.aliases() == {"latest": "1.1.0", "stable": "1.0.0"}
    versions.set_aliases("1.0.0", ["latest"])
    assert versions.aliases() == {"latest": "1.0.0", "stable": "1.0.0"}
    assert versions["1.1.0"].aliases == ()
    assert versions.resolve("latest").version == "1.0.0"
    assert versions.resolve("1.1.0").version == "1.1.0"


def test_set_aliases_on_unknown_version_names_it():
    with pytest.raises(PublishError, match="'9.9' is not published"):
        VersionList([v("1.0")]).set_aliases("9.9", ["latest"])


def test_remove_refuses_the_only_target_of_an_alias_unless_forced():
    versions = VersionList([v("1.0.0"), v("1.1.0", ["latest"])])
    with pytest.raises(PublishError, match="'latest'"):
        versions.remove("1.1.0")
    assert versions.names() == ["1.1.0", "1.0.0"]
    versions.remove("1.0.0")
    assert versions.names() == ["1.1.0"]
    versions.remove("1.1.0", force=True)
    assert versions.names() == [] and versions.aliases() == {}
    with pytest.raises(PublishError, match="not published"):
        versions.remove("1.1.0")


def test_copy_is_independent():
    original = VersionList([v("1.0.0", ["latest"])])
    clone = original.copy()
    clone.add(v("2.0.0", ["latest"]))
    assert original.names() == ["1.0.0"] and original.aliases() == {"latest": "1.0.0"}


def test_json_round_trip_and_shape():
    versions = VersionList([v("1.0.0"), Version("1.1.0", "T", "2025-02-03", ("latest",),
                                                   "1.1.0/downloads/report.pdf")])
    data = json.loads(versions.to_json())
    assert data == [
        {"version": "1.1.0", "title": "T", "date": "2025-02-03", "aliases": ["latest"],
         "pdf": "1.1.0/downloads/report.pdf"},
        {"version": "1.0.0", "title": "Release 1.0.0", "date": "2025-10-02", "aliases": [],
         "pdf": None},
    ]
    assert VersionList.from_json(versions.to_json()) == versions


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not valid JSON"),
        ('{"version": "1.0"}', "must hold a JSON list"),
        ('[{"version": "1.0"}]', "lacks title, date"),
        ('[{"version": "../x", "title": "t", "date": "2025-01-01"}]', "'../x'"),
        ('[{"version": "1.0", "title": "t", "date": "2025-01-01"},'
         ' {"version": "1.0", "title": "t", "date": "2025-01-01"}]', "twice"),
        ('[{"version": "1.0", "title": "t", "date": "2025-01-01", "aliases": ["latest"]},'
         ' {"version": "2.0", "title": "t", "date": "2025-01-01", "aliases": ["latest"]}]',
         "exactly one version"),
    ],
)
def test_from_json_rejects_bad_files_naming_the_source(text, message):
    with pytest.raises(PublishError, match=message) as info:
        VersionList.from_json(text, source="public/versions.json")
    assert "public/versions.json" in str(info.value)


_release = st.lists(st.integers(0, 30), min_size=1, max_size=4).map(lambda p: ".".join(map(str, p)))


@given(st.lists(_release, max_size=12, unique=True), st.randoms())
def test_any_publish_order_gives_one_sorted_list_with_one_latest(releases, rnd):
    versions = VersionList()
    added = []
    for release in releases:
        try:
            versions.add(v(release, ["latest"]))
        except PublishError:  # '1.0' equals '1.0.0': refused, as it must be
            continue
        added.append(release)
    keys = [item.key for item in versions]
    assert keys == sorted(keys, reverse=True)
    assert sorted(versions.names()) == sorted(added)
    assert sum("latest" in item.aliases for item in versions) == (1 if added else 0)
    if added:
        assert versions.aliases()["latest"] == added[-1]
    assert VersionList.from_json(versions.to_json()) == versions


def test_format_table_lists_versions_newest_first():
    assert VersionList().format_table() == "No versions published yet."
    versions = VersionList([v("1.2.0"), v("1.10.0", ["latest"])])
    assert versions.format_table().splitlines() == [
        "1.10.0  2025-10-02  latest  Release 1.10.0",
        "1.2.0   2025-10-02  -       Release 1.2.0",
    ]
