"""The verifier's pages: templates, static files, and the view of a report they show."""
