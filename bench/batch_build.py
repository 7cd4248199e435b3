"""Batch-building benchmark: N credentials sealed, signed and serialized, the chain excluded.

    python bench/batch_build.py                       # N = 1k, 10k, 100k, 1M; print a table
    python bench/batch_build.py --write docs/performance.md
    python bench/batch_build.py --sizes 1000 10000
    python bench/batch_build.py --postgres postgresql://postgres@127.0.0.1:5432/test   # PostgreSQL too

Each size runs in a fresh process, so its peak memory (VmHWM, the resident high-water mark) is
its own. Measured per size: sealing (ids and salts, each credential canonicalized and hashed,
the Merkle tree), the EIP-712 signature of the root, and emitting every complete credential
file with its proof as JSON text (what `microcred issue` writes; kept in memory one at a time,
not written to disk, so the disk's speed is not measured).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 10_000, 100_000, 1_000_000)
TEMPLATE = {
    "name": "Ethics of Artificial Intelligence — micro-credential",
    "description": "A 50-hour course on the ethical and legal framework of AI systems.",
    "criteria": {"narrative": "Written exam and a graded case-study report."},
    "learningOutcomes": [
        "Explains the obligations that the EU AI Act places on providers of high-risk systems.",
        "Assesses an AI system for bias using documented fairness metrics.",
        "Writes a data-protection impact assessment for a machine-learning project.",
    ],
    "workload": {"hours": 50, "ects": 2.5},
    "eqfLevel": 6,
    "assessment": "Supervised written exam (online, proctored) and graded project",
    "participation": "online",
    "qualityAssurance": "Internal QA of Poznan University of Technology, accredited by PKA",
}
ANVIL_KEY_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(size: int) -> dict[str, float]:
    from backend.batches.builder import BatchContext, seal_batch
    from backend.credentials.cohort import Learner
    from backend.credentials.document import IssuerProfile
    from backend.credentials.files import credential_bytes
    from backend.credentials.template import parse_template
    from backend.signing.eip712 import RegistryDomain
    from backend.signing.keys import IssuerKey

    key = IssuerKey.unsafe_from_hex(ANVIL_KEY_1)
    context = BatchContext(
        issuer=IssuerProfile(key.address, "Poznan University of Technology", "https://put.poznan.pl", "PL"),
        domain=RegistryDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3"),
        template=parse_template(TEMPLATE),
        template_urn="urn:microcred:template:put-ai-ethics-2026",
        valid_from="2026-12-03T10:00:00Z",
    )
    learners = [
        Learner(f"Zofia Wiśniewska {i}", email=f"learner{i}@example.eu", grade="5.0 (bardzo dobry)")
        for i in range(size)
    ]
    baseline = peak_rss_mib()
    started = time.perf_counter()
    sealed = seal_batch(context, learners)
    sealed_at = time.perf_counter()
    signature = key.sign_batch(context.domain, root=sealed.root, count=sealed.count)
    signed_at = time.perf_counter()
    total_bytes = 0
    for credential in sealed.credentials(signature):
        total_bytes += len(credential_bytes(credential))
    done = time.perf_counter()
    return {
        "size": size,
        "seal_s": sealed_at - started,
        "sign_s": signed_at - sealed_at,
        "emit_s": done - signed_at,
        "total_s": done - started,
        "per_second": size / (done - started),
        "peak_mib": peak_rss_mib(),
        "input_mib": baseline,
        "mean_file_bytes": total_bytes / size,
    }


class _NoChain:
    """Sealing reads only the registry's chain id and address; nothing is sent."""

    chain_id = 31337
    address = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


def measure_store(size: int, url: str) -> dict[str, float]:
    """The issuing service's path without the chain: record the draft, seal and store every
    credential (one transaction), then read the batch back as `microcred issue` does."""
    from backend.batches.service import IssuanceService
    from backend.credentials.cohort import Learner
    from backend.credentials.template import parse_template
    from backend.signing.keys import IssuerKey
    from backend.store import Store, row_id

    store = Store(url)
    key = IssuerKey.unsafe_from_hex(ANVIL_KEY_1)
    service = IssuanceService(store, _NoChain(), {key.address: key})  # type: ignore[arg-type]
    issuer = store.add_issuer(address=key.address, name="PUT", url="https://put.poznan.pl", country="PL")
    template = service.save_template(row_id(issuer), parse_template(TEMPLATE))
    learners = [
        Learner(f"Zofia Wiśniewska {i}", email=f"learner{i}@example.eu", grade="5.0") for i in range(size)
    ]
    started = time.perf_counter()
    batch = service.create_batch(row_id(issuer), row_id(template), learners)
    drafted = time.perf_counter()
    service.seal(batch.id)
    sealed = time.perf_counter()
    count = sum(1 for _ in store.iter_credentials(batch.id))
    done = time.perf_counter()
    store.dispose()
    assert count == size
    return {
        "size": size,
        "draft_s": drafted - started,
        "seal_store_s": sealed - drafted,
        "read_s": done - sealed,
        "peak_mib": peak_rss_mib(),
    }


def run_store(sizes: list[int], postgres: str | None) -> list[dict[str, object]]:
    import tempfile

    results: list[dict[str, object]] = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            targets = [("SQLite", f"sqlite:///{folder}/bench.db")]
            if postgres:
                targets.append(("PostgreSQL", _fresh_postgres(postgres, size)))
            for name, url in targets:
                output = subprocess.run(
                    [sys.executable, __file__, "--store-one", str(size), url],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                ).stdout
                result: dict[str, object] = {"database": name, **json.loads(output.strip().splitlines()[-1])}
                if name == "PostgreSQL" and postgres:
                    _drop_postgres(postgres, url)
                print(
                    f"{size:>9,} via the service on {name}: {result['seal_store_s']:.2f} s", file=sys.stderr
                )
                results.append(result)
    return results


def _fresh_postgres(url: str, size: int) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"microcred_bench_{size}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return (
        make_url(url)
        .set(drivername="postgresql+psycopg", database=name)
        .render_as_string(hide_password=False)
    )


def _drop_postgres(admin_url: str, url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def run_all(sizes: list[int]) -> list[dict[str, float]]:
    results = []
    for size in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(
            f"{size:>9,}: {result['total_s']:7.2f} s, {result['per_second']:>9,.0f} credentials/s, "
            f"peak {result['peak_mib']:,.0f} MiB",
            file=sys.stderr,
        )
        results.append(result)
    return results


def render(results: list[dict[str, float]], stored: list[dict[str, object]]) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    lines = [
        "# Performance: building a batch",
        "",
        "Measured by `make bench` (`bench/batch_build.py`), the chain excluded: each credential",
        "gets an id and a salt, is canonicalized (RFC 8785) and hashed, the batch's Merkle tree is",
        "built, its root signed (EIP-712), and every complete credential file (document and proof)",
        "is serialized as the JSON `microcred issue` writes. One process, one core, per size; peak",
        "memory is the process's resident high-water mark, the learners' list included.",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}.",
        "",
        "| credentials | seal (hash + tree) | sign | serialize files | total | credentials/s | peak memory |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {int(r['size']):,} | {r['seal_s']:.2f} s | {r['sign_s'] * 1000:.1f} ms | {r['emit_s']:.2f} s "
            f"| {r['total_s']:.2f} s | {r['per_second']:,.0f} | {r['peak_mib']:,.0f} MiB |"
        )
    mean = results[-1]["mean_file_bytes"]
    lines += [
        "",
        f"A credential file of this template is about {mean / 1024:.1f} KiB.",
        "",
        "Targets (issue 3): 1,000,000 credentials in at most 60 s on this 2-core machine, at most",
        "2 GB peak memory. For comparison, OpenAttestation's own benchmark wraps 100k documents in",
        "57–184 s and 1M in 682–3,671 s.",
        "",
        "Why it is fast: the members every credential of a batch shares (context, issuer,",
        "achievement, dates) are canonicalized once and each credential's canonical text is",
        "composed from them (`compose_object`, held equal to the rfc8785 package by a property",
        "test); a sealed batch keeps only ids, salts and digests and rebuilds each document when",
        "it is written, so memory grows by a few hundred bytes per credential, not by its file.",
        "",
    ]
    if stored:
        lines += [
            "## Through the issuing service, to the database",
            "",
            "The same work as the service does it, the chain still excluded: record the draft (the",
            "cohort), seal and store every credential file in one transaction, then read the batch",
            "back in index order (what `microcred issue` does before writing the files).",
            "",
            "| credentials | database | draft | seal + store | read back | peak memory |",
            "|---:|---|---:|---:|---:|---:|",
        ]
        for r in stored:
            lines.append(
                f"| {int(r['size']):,} | {r['database']} | {float(r['draft_s']):.2f} s "  # type: ignore[arg-type]
                f"| {float(r['seal_store_s']):.2f} s | {float(r['read_s']):.2f} s "  # type: ignore[arg-type]
                f"| {float(r['peak_mib']):,.0f} MiB |"  # type: ignore[arg-type]
            )
        lines += [
            "",
            "Anchoring adds one transaction whatever the size (a few seconds on a public chain, plus",
            "the confirmations asked for).",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--write", type=Path, help="write the Markdown table to this file")
    parser.add_argument("--store-sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument(
        "--postgres", help="also measure the service path on this PostgreSQL server (admin URL)"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store-one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    if args.store_one:
        print(json.dumps(measure_store(int(args.store_one[0]), args.store_one[1])))
        return
    text = render(run_all(args.sizes), run_store(args.store_sizes, args.postgres))
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
