"""The shared store with its data files on S3-compatible storage, as dashboards on several machines
use it: an S3 server (moto's, the one that installs from PyPI and runs offline) holds the
Parquet files, PostgreSQL the catalog. Loading, the KPIs, a locked-down dashboard connection and
the upkeep all work there, and the files are in the bucket, not on this machine."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from backends import PREFIX, Lakes

import metrics
from ingest import db, lake
from ingest.sample import load_sample_data
from metrics.filters import Filters

boto3 = pytest.importorskip("boto3", reason="moto[server] (the dev extra) runs the S3 server")
moto_server = pytest.importorskip("moto.server")
BUCKET = "lekgotla-data"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A running S3 server with an empty bucket; the settings and keys pointing at it."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {"AWS_ACCESS_KEY_ID": "lekgotla", "AWS_SECRET_ACCESS_KEY": "test-secret",
                        "AWS_REGION": "us-east-1", "LEKGOTLA_S3_ENDPOINT": f"{host}:{port}",
                        "LEKGOTLA_S3_URL_STYLE": "path", "LEKGOTLA_S3_USE_SSL": "false"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=f"http://{host}:{port}")
    client.create_bucket(Bucket=BUCKET)
    yield client
    server.stop()


def test_the_store_keeps_its_data_files_in_an_s3_bucket(
        s3: object, monkeypatch: pytest.MonkeyPatch) -> None:
    pg = Lakes.cluster()
    name = f"s3lake{os.getpid()}"
    pg.create_database(name)
    target = PREFIX + pg.dsn(name)
    monkeypatch.setenv("LEKGOTLA_DATA_PATH", f"s3://{BUCKET}/{name}")

    con = db.connect(target)
    assert db.lake_data_path(con) == f"s3://{BUCKET}/{name}/"
    load_sample_data(con)  # the bulk load, then the upkeep (merging files on S3)
    org = Filters(period="2025-06")
    kpis = metrics.kpis(con, org)
    con.close()

    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]  # type: ignore[attr-defined]
    assert keys and all(k.startswith(f"{name}/") for k in keys)
    assert any(k.endswith(".parquet") for k in keys)

    # a dashboard's connection, locked down, reads the bucket and gets the same figures
    app = db.connect(target)
    db.lock_down(app)
    assert metrics.kpis(app.cursor(), org) == kpis
    assert kpis["actions"] > 0
    with pytest.raises(Exception, match="(?i)permission|not allowed|disabled"):
        app.execute(f"SELECT * FROM read_parquet('s3://{BUCKET}/elsewhere/*.parquet')")
    app.close()

    con = db.connect(target)
    done = lake.maintain(con)
    assert done["files_after"] <= done["files_before"]
    assert metrics.kpis(con, org) == kpis
    con.close()
