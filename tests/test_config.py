"""Tests for jobs.config: where the warehouse is (flag > environment > config.toml > default, a
relative config path taken from the config file's folder) and how config.toml merges."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import cli
from jobs.config import DEFAULTS, load_settings
from warehouse.errors import BadInput

PROJECT_CONFIG = Path(__file__).resolve().parents[1] / "config.toml"


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A working directory with its own config.toml, and another config elsewhere."""
    work = tmp_path / "work"
    elsewhere = tmp_path / "etc" / "trackrecord"
    work.mkdir()
    elsewhere.mkdir(parents=True)
    (work / "config.toml").write_text('[warehouse]\npath = "data/cwd.duckdb"\n', encoding="utf-8")
    (elsewhere / "config.toml").write_text(
        '[warehouse]\npath = "warehouses/env.duckdb"\nbusy_timeout = 3\n', encoding="utf-8"
    )
    monkeypatch.chdir(work)
    return {"work": work, "elsewhere": elsewhere, "tmp": tmp_path}


def test_the_default_is_trackrecord_duckdb_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config.toml here

    settings = load_settings()

    assert settings.db == tmp_path / "trackrecord.duckdb"
    assert settings.config_file is None
    assert settings.values == DEFAULTS


def test_config_toml_in_the_working_directory(places):
    settings = load_settings()

    assert settings.config_file == places["work"] / "config.toml"
    assert settings.db == places["work"] / "data" / "cwd.duckdb"


def test_trackrecord_config_beats_the_working_directory_and_paths_are_from_its_folder(
    places, monkeypatch
):
    monkeypatch.setenv("TRACKRECORD_CONFIG", str(places["elsewhere"] / "config.toml"))

    settings = load_settings()

    assert settings.config_file == places["elsewhere"] / "config.toml"
    # relative to the config file's folder, not to the working directory
    assert settings.db == places["elsewhere"] / "warehouses" / "env.duckdb"
    assert settings.busy_timeout == 3.0


def test_a_relative_config_flag_and_its_relative_warehouse(places):
    settings = load_settings(config="../etc/trackrecord/config.toml")

    assert settings.db == places["elsewhere"] / "warehouses" / "env.duckdb"


def test_the_config_flag_beats_trackrecord_config(places, monkeypatch):
    other = places["tmp"] / "other.toml"
    other.write_text('[warehouse]\npath = "flag.duckdb"\n', encoding="utf-8")
    monkeypatch.setenv("TRACKRECORD_CONFIG", str(places["elsewhere"] / "config.toml"))

    settings = load_settings(config=str(other))

    assert settings.db == places["tmp"] / "flag.duckdb"


def test_trackrecord_db_beats_the_config_file(places, monkeypatch):
    monkeypatch.setenv("TRACKRECORD_CONFIG", str(places["elsewhere"] / "config.toml"))
    monkeypatch.setenv("TRACKRECORD_DB", "from-env.duckdb")

    settings = load_settings()

    assert settings.db == places["work"] / "from-env.duckdb"  # relative to where we are
    assert settings.busy_timeout == 3.0  # the rest of the config file still applies


def test_the_db_flag_beats_trackrecord_db(places, monkeypatch):
    monkeypatch.setenv("TRACKRECORD_DB", str(places["tmp"] / "from-env.duckdb"))

    settings = load_settings(db=str(places["tmp"] / "flag.duckdb"))

    assert settings.db == places["tmp"] / "flag.duckdb"


def test_an_absolute_path_in_config_is_used_as_is(places, tmp_path):
    target = tmp_path / "absolute" / "wh.duckdb"
    (places["work"] / "config.toml").write_text(
        f'[warehouse]\npath = "{target}"\n', encoding="utf-8"
    )

    assert load_settings().db == target


def test_a_home_path_in_config_means_the_home_folder(places, monkeypatch):
    home = places["tmp"] / "home"
    monkeypatch.setenv("HOME", str(home))
    (places["work"] / "config.toml").write_text(
        '[warehouse]\npath = "~/trackrecord/wh.duckdb"\n', encoding="utf-8"
    )

    assert load_settings().db == home / "trackrecord" / "wh.duckdb"


def test_a_config_file_merges_over_the_defaults(places):
    (places["work"] / "config.toml").write_text(
        "[priors]\nnamed = 0.7\n[report]\ntop = 5\n", encoding="utf-8"
    )

    values = load_settings().values

    assert values["priors"] == {"named": 0.7, "anonymous": DEFAULTS["priors"]["anonymous"]}
    assert values["report"]["top"] == 5
    assert values["model"] == DEFAULTS["model"]
    assert DEFAULTS["priors"]["named"] == 0.6  # the defaults themselves are untouched


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_missing_config_file_is_bad_input(how, places, monkeypatch):
    missing = str(places["tmp"] / "nope.toml")
    if how == "env":
        monkeypatch.setenv("TRACKRECORD_CONFIG", missing)
    with pytest.raises(BadInput, match="no such config file"):
        load_settings(config=missing if how == "flag" else None)


def test_invalid_toml_is_bad_input(places):
    (places["work"] / "config.toml").write_text("[warehouse\n", encoding="utf-8")

    with pytest.raises(BadInput, match="not valid TOML"):
        load_settings()


def test_the_shipped_config_toml_states_every_default():
    shipped = tomllib.loads(PROJECT_CONFIG.read_text(encoding="utf-8"))

    assert shipped == DEFAULTS


# ----------------------------------------------------------------------------- through the CLI


def test_the_cli_follows_the_same_order(places, monkeypatch):
    runner = CliRunner()
    elsewhere = places["elsewhere"]

    from_cwd = runner.invoke(cli, ["init"])
    assert from_cwd.exit_code == 0, from_cwd.output
    assert (places["work"] / "data" / "cwd.duckdb").exists()

    monkeypatch.setenv("TRACKRECORD_CONFIG", str(elsewhere / "config.toml"))
    from_config_env = runner.invoke(cli, ["init"])
    assert from_config_env.exit_code == 0, from_config_env.output
    assert (elsewhere / "warehouses" / "env.duckdb").exists()

    monkeypatch.setenv("TRACKRECORD_DB", str(places["tmp"] / "env-db.duckdb"))
    from_db_env = runner.invoke(cli, ["init"])
    assert from_db_env.exit_code == 0, from_db_env.output
    assert (places["tmp"] / "env-db.duckdb").exists()

    from_flag = runner.invoke(cli, ["--db", str(places["tmp"] / "flag.duckdb"), "init"])
    assert from_flag.exit_code == 0, from_flag.output
    assert from_flag.stdout.startswith(f"warehouse created: {places['tmp'] / 'flag.duckdb'} ")


@pytest.mark.parametrize(
    "text, key",
    [
        ("[model]\nmin_training_rows = 0\n", "min_training_rows"),  # calibration needs 5 folds
        ("[model]\nvalidation_fraction = 1.5\n", "validation_fraction"),
        ("[model]\nmax_training_rows = 2.5\n", "max_training_rows"),
        ('[reliability]\ninterval = "wide"\n', "interval"),
        ("[reliability]\nunsettled_weight = -1\n", "unsettled_weight"),
        ("[priors]\nnamed = 1.5\n", "named"),
        ("[warehouse]\nclaim_history_dates = 0\n", "claim_history_dates"),
        ('[verdicts]\nholds_up = "true"\n', "holds_up"),
        ("[report]\ntop = true\n", "top"),
    ],
)
def test_a_setting_that_cannot_work_is_refused_in_one_line(tmp_path, text, key):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=rf"\] {key} = "):
        load_settings(config=str(path))


def test_the_shipped_config_passes_its_own_checks():
    settings = load_settings(config=str(PROJECT_CONFIG))
    assert settings.section("model")["min_training_rows"] >= 5
