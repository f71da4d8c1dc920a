"""Config validation: every problem reported at once, each naming its key."""

import datetime as dt

import pytest

from kmeans_report.analysis.config import Config, ConfigError, load_config, validate_config


def problems(raw):
    with pytest.raises(ConfigError) as info:
        validate_config(raw, "test.yml")
    return info.value.problems


def test_default_file_is_the_builtin_defaults_plus_the_notebooks_choices(default_config):
    """report.yml holds the notebook's own choices (its roles, K = 3, its segment types, its
    ROI assumptions, its metadata); every other number is the built-in default."""
    builtin = Config()
    for section in ("data", "features", "preprocessing"):
        assert getattr(default_config, section) == getattr(builtin, section), section
    notebook_roi = builtin.roi.model_copy(update={
        "targeting_efficiency": 0.25, "impact_share": 0.10, "implementation_cost": 75_000})
    assert default_config.roi == notebook_roi
    notebook_clustering = builtin.clustering.model_copy(update={"chosen_k": 3})
    assert default_config.clustering == notebook_clustering
    assert default_config.roles.spending == "annual_spending"
    assert default_config.segments.rules == "notebook"
    assert default_config.clustering.k_values == list(range(2, 11))
    assert default_config.report.date == dt.date(2025, 10, 2)
    assert default_config.report.version == "1.3"
    assert default_config.report.author == "Brandon Deloatch"


def test_builtin_metadata_is_neutral():
    """Nobody's name, version or date is a code default: a user's report is theirs (no
    version: a draft, never kmeans-report's own version)."""
    from kmeans_report.analysis.config import build_date

    meta = Config().report
    assert meta.author is None and meta.affiliation is None and meta.license is None
    assert meta.notebook_id is None and meta.contributors == []
    assert meta.version is None and meta.changelog is None and meta.date == build_date()
    assert Config().roles.columns() == {} and Config().clustering.chosen_k == "auto"


def test_builtin_roi_makes_no_assumption():
    """The ROI assumptions are the report author's: none is a code default."""
    roi = Config().roi
    assert (roi.targeting_efficiency, roi.impact_share, roi.implementation_cost) == (None,) * 3
    assert not roi.assumed
    assert validate_config({"roi": {"targeting_efficiency": 0.2, "impact_share": 0.1,
                                    "implementation_cost": 1000}}).roi.assumed


def test_feature_problems_name_the_feature_by_its_column():
    found = problems({"data": {"source": "file", "path": "t.csv"}, "features": [
        {"column": "Annual Spend", "transfrom": "log1p"},
        {"column": "Unnamed: 0", "transform": "log2"},
        {"label": "no column"},
    ]})
    assert "features[Annual Spend].transfrom: unknown key; did you mean 'transform'?" in found
    assert any(p.startswith("features[Unnamed: 0].transform: Input should be") for p in found)
    assert "features[2].column: Field required" in found
    assert not any("features.0" in p or "features.1" in p for p in found)
    control = problems({"features": [{"column": "Spend", "label": "a\x00b"}]})
    assert control == ["features[Spend].label: contains the control character '\\x00'"]


def test_unknown_key_suggests_the_right_one():
    assert problems({"clustering": {"n_inti": 5}}) == [
        "clustering.n_inti: unknown key; did you mean 'n_init'?"
    ]
    assert problems({"clusterin": {}}) == ["clusterin: unknown key; did you mean 'clustering'?"]


def test_all_errors_are_reported_together():
    found = problems(
        {
            "roi": {"implementation_cost": -1, "targeting_efficiency": 1.5},
            "clustering": {"n_init": "ten"},
        }
    )
    joined = "\n".join(found)
    assert len(found) == 3
    assert "roi.implementation_cost" in joined
    assert "roi.targeting_efficiency" in joined
    assert "clustering.n_init" in joined


@pytest.mark.parametrize(
    "clustering, expected",
    [
        ({"k_min": 6, "k_max": 3}, "the K range is empty"),
        ({"k_min": 1}, "clustering.k_min"),
        ({"chosen_k": 12}, "clustering.chosen_k (12) is outside the K range 2..10"),
        ({"chosen_k": "best"}, "clustering.chosen_k"),
    ],
)
def test_k_range_checks(clustering, expected):
    assert expected in "\n".join(problems({"clustering": clustering}))


def test_roles_must_name_configured_features():
    found = problems({"roles": {"spending": "anual_spending", "frequency": "visit_frequency"}})
    assert "roles.spending" in found[0] and "did you mean 'annual_spending'" in found[0]


def test_file_source_needs_a_path():
    assert "data.path is required" in problems({"data": {"source": "file"}})[0]


def test_synthetic_source_has_fixed_columns():
    found = problems({"features": [{"column": "x"}], "roles": {"spending": "x", "frequency": "x"}})
    assert "synthetic data set has exactly the columns" in found[0]


def test_top_level_must_be_a_mapping():
    assert "must be a mapping" in problems([1, 2])[0]


def test_malformed_yaml_names_line(write_config):
    path = write_config(raw="clustering:\n  k_min: [2\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and "malformed YAML at line" in str(info.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yml")


def test_relative_data_path_is_relative_to_config(write_config, tmp_path):
    path = write_config(
        {
            "data": {"source": "file", "path": "data/customers.csv"},
        }
    )
    assert load_config(path).data.path == (tmp_path / "data" / "customers.csv").resolve()


def test_fingerprint_is_stable_and_sensitive():
    a, b = Config(), Config()
    assert a.fingerprint() == b.fingerprint()
    changed = validate_config({"roi": {"implementation_cost": 80000}})
    assert changed.fingerprint() != a.fingerprint()


@pytest.mark.parametrize(
    "raw, key",
    [
        ({"roi": {"implementation_cost": float("inf")}}, "roi.implementation_cost"),
        ({"segments": {"vip_min_spending": float("nan")}}, "segments.vip_min_spending"),
        ({"roi": {"sensitivity": {"impact_shares": [float("nan")]}}}, "roi.sensitivity.impact_shares.0"),
    ],
)
def test_non_finite_numbers_are_rejected(raw, key):
    assert any(p.startswith(key) and "finite" in p for p in problems(raw))


@pytest.mark.parametrize(
    "raw, key",
    [
        ({"clustering": {"random_state": 10**30}}, "clustering.random_state"),
        ({"data": {"synthetic": {"seed": 2**33}}}, "data.synthetic.seed"),
        ({"data": {"synthetic": {"n_customers": 10**12}}}, "data.synthetic.n_customers"),
        ({"clustering": {"max_iter": 10**30}}, "clustering.max_iter"),
    ],
)
def test_numbers_beyond_what_numpy_and_memory_take_are_rejected(raw, key):
    assert any(p.startswith(key) and "less than or equal" in p for p in problems(raw))


def test_largest_seed_still_runs_its_refits():
    from kmeans_report.analysis.cluster import make_model

    config = validate_config({"clustering": {"random_state": 2**32 - 1}})
    model = make_model(3, config.clustering, random_state=config.clustering.random_state + 1000)
    assert model.random_state == 999


def test_control_characters_are_rejected_with_their_key():
    found = problems({"report": {"title": "a\x00b"}, "data": {"path": "x\x1b.csv"}})
    assert "report.title: contains the control character '\\x00'" in found
    assert any(p.startswith("data.path") for p in found)
    assert validate_config({"report": {"title": "two\nlines\ttab"}}).report.title


def test_yaml_values_pyyaml_cannot_build_are_config_errors(write_config):
    path = write_config(raw="report:\n  date: 2025-13-45\n")
    with pytest.raises(ConfigError, match="malformed YAML: a value cannot be read"):
        load_config(path)


def test_citation_file_is_relative_to_the_config(write_config, tmp_path):
    path = write_config({"report": {"citation_file": "meta/CITATION.cff"}})
    assert load_config(path).report.citation_file == (tmp_path / "meta" / "CITATION.cff").resolve()
    assert load_config(write_config()).report.citation_file == (tmp_path / "CITATION.cff").resolve()
