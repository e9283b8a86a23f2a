"""Reading public kernel datasets: ``--data`` as a folder, a dataset file, or ``hf://OWNER/NAME``.

Nothing is bundled or downloaded by hweval itself: ``hf://`` goes through the ``datasets``
library (its cache, its network settings); a folder written by ``Dataset.save_to_disk`` /
``DatasetDict.save_to_disk`` and ``.parquet`` / ``.json`` / ``.jsonl`` files are read locally.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.errors import DataError, UsageError

DATA_FILE_KINDS = {".parquet": "parquet", ".json": "json", ".jsonl": "json"}


def _datasets() -> Any:
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - datasets is a core dependency
        raise UsageError("this --data needs the `datasets` package: pip install datasets") from exc
    return datasets


def is_dataset_source(data: str) -> bool:
    """``hf://...``, a saved dataset folder, or a parquet/json(l) file (not a source checkout)."""
    if data.startswith("hf://"):
        return True
    path = Path(data).expanduser()
    if path.is_file():
        return path.suffix.lower() in DATA_FILE_KINDS
    return (path / "dataset_dict.json").is_file() or (path / "dataset_info.json").is_file()


def dataset_splits(data: str) -> tuple[dict[str, list[dict[str, Any]]], str]:
    """Rows per split of the dataset at ``data``, and a label naming it in error messages."""
    ds = _datasets()
    label = data
    try:
        if data.startswith("hf://"):
            name = data.removeprefix("hf://").strip("/")
            if name.count("/") != 1:
                raise UsageError(f"--data {data}: expected hf://OWNER/NAME")
            loaded = ds.load_dataset(name)
        else:
            path = Path(data).expanduser()
            if path.is_file():
                loaded = ds.load_dataset(DATA_FILE_KINDS[path.suffix.lower()], data_files=str(path))
            else:
                loaded = ds.load_from_disk(str(path))
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - network, format, missing files: the user's to fix
        raise DataError(f"--data {data}: could not load the dataset: {type(exc).__name__}: {exc}") from exc
    if hasattr(loaded, "keys"):
        return {str(k): [dict(r) for r in loaded[k]] for k in loaded.keys()}, label
    return {"train": [dict(r) for r in loaded]}, label


def require_fields(row: dict[str, Any], fields: Sequence[str], where: str) -> None:
    missing = [f for f in fields if f not in row or row[f] is None]
    if missing:
        raise DataError(f"{where}: missing field(s) {', '.join(missing)}")


def existing_path(suite: str, data: str | None, what: str) -> Path:
    if not data:
        raise UsageError(f"suite {suite} needs --data: {what}")
    path = Path(data).expanduser()
    if not path.exists():
        raise DataError(f"--data {data}: no such file or folder ({what})")
    return path
