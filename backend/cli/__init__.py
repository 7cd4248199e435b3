"""The ``microcred`` command."""
