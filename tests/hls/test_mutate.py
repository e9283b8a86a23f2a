"""The mutation operators (no compilation)."""
from __future__ import annotations

from pathlib import Path

from harness.families.hls.build import load_kernels
from harness.families.hls.mutate import TYPE_ORDER, generate_variants


def test_variants_are_deterministic_and_line_preserving(kernels_dir: Path) -> None:
    seen_types: set[str] = set()
    for kernel in load_kernels(kernels_dir):
        a = generate_variants(kernel.source, seed=3)
        b = generate_variants(kernel.source, seed=3)
        assert [(v.type, v.span, v.source) for v in a] == [(v.type, v.span, v.source) for v in b]
        orig = kernel.source.split("\n")
        for v in a:
            new = v.source.split("\n")
            assert len(new) == len(orig), (kernel.name, v.description)
            changed = [i + 1 for i, (x, y) in enumerate(zip(orig, new)) if x != y]
            assert changed and v.span[0] == changed[0] and v.span[1] == changed[-1], (kernel.name, v)
            assert v.type in TYPE_ORDER
            seen_types.add(v.type)
        assert len({v.source for v in a}) == len(a)
    assert seen_types == set(TYPE_ORDER)


def test_seed_changes_only_the_order() -> None:
    src = ("#include \"kernel.h\"\n\nvoid f(int a[8], int &s) {\n    int acc = 0;\n"
           "    for (int i = 0; i < 8; i++) {\n        acc += a[i] >> 1;\n    }\n    s = acc;\n}\n")
    a, b = generate_variants(src, seed=0), generate_variants(src, seed=1)
    assert sorted(v.source for v in a) == sorted(v.source for v in b)
    kinds = {v.type for v in a}
    assert {"OOB", "MLU", "INIT", "SHFT", "OP", "CONST"} <= kinds


def test_comments_and_pragmas_are_not_mutated() -> None:
    src = "void f(int a[4]) {\n#pragma HLS PIPELINE II=1\n    // a[i] = a[i] + 1 << 2;\n    a[0] = 5;\n}\n"
    for v in generate_variants(src, seed=0):
        assert v.span == (4, 4), v
