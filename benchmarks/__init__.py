"""Built-in suites. Each is a plugin subpackage registered through the same entry points as
third-party suites (see pyproject.toml, group ``hweval.suites``)."""
