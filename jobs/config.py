"""Settings: command-line flag > environment > config.toml > built-in default.

The config file is `--config`, else `$TRACKRECORD_CONFIG`, else `config.toml` in the working
directory when there is one. The warehouse is `--db`, else `$TRACKRECORD_DB`, else
`[warehouse] path` of the config file (relative to the file's folder), else
`trackrecord.duckdb` in the working directory.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.errors import BadInput

DEFAULTS: dict = {
    "warehouse": {"path": "trackrecord.duckdb", "busy_timeout": 10, "claim_history_dates": 30},
    "verdicts": {
        "holds_up": ["true", "mostly-true", "half-true"],
        "fails": ["mostly-false", "barely-true", "false", "pants-fire"],
        "numeric_threshold": 0.5,
    },
    "priors": {"named": 0.6, "anonymous": 0.5},
    "model": {
        "validation_fraction": 0.2,
        "max_validation_rows": 40000,
        "min_training_rows": 40,
        "max_training_rows": 50000,
        "random_state": 0,
    },
    "reliability": {
        "prior_strength": 4,
        "group_strength": 200,
        "unsettled_weight": 0.5,
        "interval": 0.9,
    },
    "report": {"top": 25},
    "extraction": {"link_threshold": 0.7, "story_window_days": 7, "story_similarity": 0.2},
}


@dataclass
class Settings:
    """Resolved settings: where the warehouse is, and every section of config.toml."""

    db: Path
    config_file: Path | None
    values: dict = field(default_factory=lambda: copy.deepcopy(DEFAULTS))

    def section(self, name: str) -> dict:
        return self.values[name]

    def priors(self) -> dict[str, float]:
        """p_true of a claim, by source kind, when there is no model."""
        return {kind: float(value) for kind, value in self.values["priors"].items()}

    def model_options(self) -> dict:
        """Keyword arguments of `scoring.model.score_claims` from [model] and [priors]."""
        model = self.values["model"]
        return {
            "validation_fraction": float(model["validation_fraction"]),
            "max_validation_rows": int(model["max_validation_rows"]),
            "min_training_rows": int(model["min_training_rows"]),
            "max_training_rows": int(model["max_training_rows"]),
            "random_state": int(model["random_state"]),
            "priors": self.priors(),
        }

    def extraction_options(self) -> dict:
        """Keyword arguments of `warehouse.article_ingest.ArticleOptions` from [extraction]."""
        values = self.values["extraction"]
        return {
            "link_threshold": float(values["link_threshold"]),
            "story_window_days": float(values["story_window_days"]),
            "story_similarity": float(values["story_similarity"]),
        }

    @property
    def busy_timeout(self) -> float:
        return float(self.values["warehouse"]["busy_timeout"])


# The numbers a config file may set: (section, key) -> (integer only, least, greatest, what
# the bounds mean); None: no bound. A value out of its range stops a command with one line.
_RANGES: dict[tuple[str, str], tuple[bool, float | None, float | None, str]] = {
    ("warehouse", "busy_timeout"): (False, 0, None, "seconds"),
    ("warehouse", "claim_history_dates"): (True, 1, None, "as-of dates"),
    ("verdicts", "numeric_threshold"): (False, 0, 1, "a verdict in [0, 1]"),
    ("model", "validation_fraction"): (False, 0.01, 0.99, "a share of the settled claims"),
    ("model", "max_validation_rows"): (True, None, None, "0: no cap"),
    # the model is calibrated on five folds of the validation claims, each needing both verdicts
    ("model", "min_training_rows"): (True, 5, None, "claims of each verdict"),
    ("model", "max_training_rows"): (True, None, None, "0: no cap"),
    ("model", "random_state"): (True, 0, None, "a seed"),
    ("reliability", "prior_strength"): (False, 0, None, "pseudo-claims"),
    ("reliability", "group_strength"): (False, 0, None, "pseudo-claims"),
    ("reliability", "unsettled_weight"): (False, 0, 1, "a weight in [0, 1]"),
    ("reliability", "interval"): (False, 0.01, 0.999, "a probability"),
    ("report", "top"): (True, 1, None, "rows"),
    ("extraction", "link_threshold"): (False, 0, 1, "a confidence in [0, 1]"),
    ("extraction", "story_window_days"): (False, 0, None, "days"),
    ("extraction", "story_similarity"): (False, 0, 1, "a cosine similarity in [0, 1]"),
}


def _check(values: dict, path: Path) -> None:
    """Refuse a config whose numbers cannot work (BadInput, one line naming the key)."""
    checks = {
        **_RANGES,
        **{("priors", kind): (False, 0, 1, "a probability") for kind in values.get("priors", {})},
    }
    for (section, key), (integer, least, greatest, meaning) in checks.items():
        value = values.get(section, {}).get(key)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if (
            not number
            or (integer and not isinstance(value, int))
            or (least is not None and value < least)
            or (greatest is not None and value > greatest)
        ):
            kind = "an integer" if integer else "a number"
            bounds = (
                ""
                if least is None and greatest is None
                else f" of at least {least}"
                if greatest is None
                else f" of at most {greatest}"
                if least is None
                else f" from {least} to {greatest}"
            )
            raise BadInput(
                f"{path}: [{section}] {key} = {value!r}: expected {kind}{bounds} ({meaning})"
            )
    for key in ("holds_up", "fails"):
        words = values.get("verdicts", {}).get(key)
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise BadInput(f"{path}: [verdicts] {key} = {words!r}: expected a list of words")


def _merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_settings(db: str | None = None, config: str | None = None) -> Settings:
    """Resolve the settings from flags, environment, config file and defaults."""
    config_path: Path | None = None
    if config:
        config_path = Path(config)
        if not config_path.is_file():
            raise BadInput(f"no such config file: {config}")
    elif os.environ.get("TRACKRECORD_CONFIG"):
        config_path = Path(os.environ["TRACKRECORD_CONFIG"])
        if not config_path.is_file():
            raise BadInput(f"no such config file: {config_path} (from TRACKRECORD_CONFIG)")
    elif Path("config.toml").is_file():
        config_path = Path("config.toml")

    values = copy.deepcopy(DEFAULTS)
    if config_path is not None:
        config_path = config_path.resolve()
        try:
            values = _merge(values, tomllib.loads(config_path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as error:
            raise BadInput(f"{config_path} is not valid TOML: {error}") from error
        _check(values, config_path)

    if db:
        db_path = Path(db)
    elif os.environ.get("TRACKRECORD_DB"):
        db_path = Path(os.environ["TRACKRECORD_DB"])
    else:
        db_path = Path(values["warehouse"]["path"]).expanduser()
        if not db_path.is_absolute() and config_path is not None:
            db_path = config_path.parent / db_path
    return Settings(db=db_path.expanduser().resolve(), config_file=config_path, values=values)
