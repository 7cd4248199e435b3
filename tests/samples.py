"""Sample inputs for the service tests: a template and cohorts like an issuer would write."""

from __future__ import annotations

from typing import Any

TEMPLATE: dict[str, Any] = {
    "name": "Ethics of Artificial Intelligence — micro-credential",
    "description": "A 50-hour course on the ethical and legal framework of AI systems.",
    "criteria": {"narrative": "Written exam and a graded case-study report."},
    "learningOutcomes": [
        "Explains the obligations that the EU AI Act places on providers of high-risk systems.",
        "Assesses an AI system for bias using documented fairness metrics.",
    ],
    "workload": {"hours": 50, "ects": 2.5},
    "eqfLevel": 6,
    "assessment": "Supervised written exam and graded project",
    "participation": "online",
    "qualityAssurance": "Internal QA of Poznan University of Technology, accredited by PKA",
    "stackableInto": ["urn:microcred:template:put-responsible-ai-certificate"],
}

COHORT_CSV = (
    "name,email,grade,id\n"
    '"Wiśniewska, Zofia",zofia@example.eu,"5.0 (bardzo dobry)",\n'
    "Jean-Luc Dupré,jl@example.fr,pass,did:example:jl\n"
    '"Ana ""Anita"" Núñez",,,\n'
    "李小龍 (Bruce Lee),bruce@example.hk,,\n"
).encode()
