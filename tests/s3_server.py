"""A real S3-compatible server on 127.0.0.1 for `volunteers publish`: moto's server mode (its S3
backend behind Flask/Werkzeug, speaking the S3 REST API over HTTP) on a free port."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "loopback-test-key",
    "AWS_SECRET_ACCESS_KEY": "loopback-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}
"""Any key works on the loopback server; these are not secrets."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def s3_server() -> Iterator[str]:
    """The server's endpoint URL while the block runs."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def client(endpoint: str) -> Any:
    """A plain boto3 client of the server, for the tests to look at what was published."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )
