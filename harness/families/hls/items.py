"""The record of one HLS bug-finding item (a buggy variant or a bug-free control)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class HlsItem:
    """What the model is shown (``code``) and the truth about it.

    ``spans`` are 1-based inclusive line ranges in ``code``, one per injected change; ``types``
    their bug codes (empty for a control). ``symptom`` says how C-simulation caught the bug:
    ``{"build": ..., "status": ..., "text": ...}``. ``kernel_dir`` holds ``tb.cpp`` and the
    headers; it is None for items without a testbench (e.g. Chrysalis), which are scored on
    detection, localisation and type only.
    """

    id: str
    kernel: str
    code: str
    original: str
    types: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    symptom: dict[str, str] | None = None
    description: str = ""
    header: str | None = None
    kernel_dir: Path | None = None
    source: str = "hweval"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def buggy(self) -> bool:
        return bool(self.types)

    @property
    def type(self) -> str | None:
        return self.types[0] if self.types else None

    @property
    def tb_path(self) -> Path | None:
        return self.kernel_dir / "tb.cpp" if self.kernel_dir is not None else None

    @property
    def executable(self) -> bool:
        return self.kernel_dir is not None and (self.kernel_dir / "tb.cpp").is_file()

    def line_in_span(self, line: int | None) -> bool:
        return line is not None and any(a <= line <= b for a, b in self.spans)

    def to_json(self, kernels_root: Path | None = None) -> dict[str, Any]:
        kdir: str | None = None
        if self.kernel_dir is not None:
            kdir = str(self.kernel_dir.relative_to(kernels_root)) if kernels_root else str(self.kernel_dir)
        return {
            "id": self.id, "kernel": self.kernel, "code": self.code, "original": self.original,
            "types": list(self.types), "spans": [list(s) for s in self.spans], "symptom": self.symptom,
            "description": self.description, "header": self.header, "kernel_dir": kdir,
            "source": self.source, "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], kernels_root: Path | None = None) -> HlsItem:
        kdir = data.get("kernel_dir")
        path = None if kdir is None else (kernels_root / kdir if kernels_root else Path(kdir))
        return cls(
            id=data["id"], kernel=data["kernel"], code=data["code"], original=data["original"],
            types=list(data.get("types") or []), spans=[(int(a), int(b)) for a, b in data.get("spans") or []],
            symptom=data.get("symptom"), description=data.get("description", ""), header=data.get("header"),
            kernel_dir=path, source=data.get("source", "hweval"), meta=dict(data.get("meta") or {}),
        )
