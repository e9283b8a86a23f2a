"""``hweval new-suite``: scaffold an installable suite plugin (see :mod:`harness.scaffold.commands`)."""
