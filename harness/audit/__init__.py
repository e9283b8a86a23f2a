"""Testbench mutation audit (``hweval audit``): how many seeded bugs each problem's own checks
catch. :mod:`.engine` runs it, :mod:`.mutants` asks the suite's declared hooks
(:class:`harness.suite.AuditHooks`; the families' bases define them), :mod:`.report` writes
audit.json and the table, :mod:`.commands` is the CLI. Nothing here knows a family.
"""
