"""The mutant baseline: deterministic single-bug corruptions (that they mostly fail: test_cli.py)."""
from __future__ import annotations

import ast

import pytest

from harness.families.kernels.mutate import mutate, mutations
from harness.families.kernels.static.check import check_static
from tests.kernels.helpers import PROBLEM_IDS, golden


@pytest.mark.parametrize("pid", PROBLEM_IDS)
@pytest.mark.parametrize("lang", ["triton", "cuda"])
def test_mutants_are_deterministic_valid_and_statically_clean(pid: str, lang: str) -> None:
    code = golden(pid, lang)
    sites = mutations(code)
    assert len(sites) >= 3
    variants = {mutate(code, seed) for seed in range(6)}
    assert code not in variants and len(variants) >= 2
    assert mutate(code, 3) == mutate(code, 3)
    for variant in variants:
        ast.parse(variant)
        assert check_static(variant, lang) == []  # a mutant is a wrong answer, not a cheating one


def test_mutate_without_sites_returns_code() -> None:
    assert mutate("x = 1\n", 0) == "x = 1\n"
