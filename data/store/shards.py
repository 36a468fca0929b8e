"""Parquet shards: batches saved to disk before they are loaded into the database.

The Ray engine writes each batch of results as a shard (one Parquet file per table and a
small manifest) and then loads it in one transaction that also records the shard's name, so
a shard is loaded exactly once even if the run dies between loading and removing it. A run
first loads the shards a killed run left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from gongkai.data.store.batch import Batch
from gongkai.data.store.rows import SCHEMAS
from gongkai.data.store.writer import StoreError, Writer

_MANIFEST = "batch.json"


def shard_dir_for(db_path: str | os.PathLike[str]) -> Path:
    """Where the shards of a database live: beside it."""
    p = Path(db_path)
    return p.with_name(p.name + ".shards")


def save(batch: Batch, root: Path) -> Path:
    """Write ``batch`` as a complete shard (written under a temporary name, then renamed)."""
    root.mkdir(parents=True, exist_ok=True)
    # Named in time order: shards are loaded in the order they were written.
    name = f"shard-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    tmp = root / f".tmp-{name}"
    tmp.mkdir()
    for table, t in batch.tables.items():
        if t.num_rows:
            pq.write_table(t, tmp / f"{table}.parquet")
    manifest = {
        "replace_shas": batch.replace_shas,
        "replaced_paths": batch.replaced_paths,
        "stale_roots": batch.stale_roots,
        "n_inputs": batch.n_inputs,
    }
    (tmp / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    final = root / name
    os.replace(tmp, final)
    return final


def read(path: Path) -> Batch:
    """The batch stored in a shard."""
    m = json.loads((path / _MANIFEST).read_text(encoding="utf-8"))
    tables: dict[str, pa.Table] = {}
    for table, schema in SCHEMAS.items():
        f = path / f"{table}.parquet"
        tables[table] = pq.read_table(f, schema=schema) if f.exists() else schema.empty_table()
    return Batch(tables, m["replace_shas"], m["replaced_paths"], m["n_inputs"], m["stale_roots"])


def load(writer: Writer, path: Path) -> None:
    """Load one shard (unless it already was) and remove it."""
    if not writer.shard_loaded(path.name):
        writer.apply(read(path), shard=path.name)
    shutil.rmtree(path, ignore_errors=True)


def recover(writer: Writer, root: Path) -> int:
    """Load the complete shards a killed run left behind; drop its incomplete ones."""
    if not root.is_dir():
        return 0
    n = 0
    for p in sorted(root.iterdir()):
        if p.name.startswith(".tmp-"):
            shutil.rmtree(p, ignore_errors=True)  # never finished: its inputs are redone
        elif p.name.startswith("shard-") and (p / _MANIFEST).exists():
            load(writer, p)
            n += 1
    return n


class ShardSink:
    """Apply batches through Parquet shards (the Ray engine's way of writing)."""

    def __init__(self, writer: Writer, root: Path) -> None:
        self.writer, self.root = writer, root

    def apply(self, batch: Batch) -> None:
        try:
            shard = save(batch, self.root)
        except OSError as e:  # a full disk or a read-only folder beside the database
            raise StoreError(
                f"cannot write a shard in {self.root}: {e.strerror or e}; "
                "the inputs of this step were not stored and will be done by the next run"
            ) from None
        load(self.writer, shard)
