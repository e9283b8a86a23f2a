"""Publishing results: the leaderboard file (``hweval.leaderboard/1``), its static HTML page,
run plots and paired run comparison.

- :mod:`harness.publish.schema`: the leaderboard JSON Schema as code (shipped as
  ``leaderboard.schema.json``) and validation.
- :mod:`harness.publish.leaderboard`: rows from run folders, refusal rules, merging.
- :mod:`harness.publish.html` / :mod:`harness.publish.svg`: the self-contained page.
- :mod:`harness.publish.plots`: ``hweval report DIR --plot FILE.png`` (matplotlib).
- :mod:`harness.publish.compare`: ``hweval compare RUN_A RUN_B``.
"""
from __future__ import annotations
