"""Testbench mutation audit (``hweval audit``): how many seeded bugs each problem's own checks
catch. :mod:`.engine` runs it, :mod:`.mutants` holds the family hooks, :mod:`.equiv` the yosys
equivalence check of survivors, :mod:`.report` audit.json and the table, :mod:`.commands` the CLI.
"""
