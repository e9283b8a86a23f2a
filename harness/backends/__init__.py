"""Built-in backends (registered under ``hweval.backends`` in pyproject.toml)."""
