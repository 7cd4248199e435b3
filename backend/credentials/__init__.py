"""The credential document of SPEC §1: its template, its learners, its shape and its digest."""
