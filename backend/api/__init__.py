"""The HTTP service: routes only; the work happens in the domain packages."""
