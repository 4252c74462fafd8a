"""A local RFC 3161 time-stamping authority made with `openssl ts`, served over HTTP on 127.0.0.1.

A CA, a TSA certificate it issues (``extendedKeyUsage = critical,timeStamping``) and an `openssl ts` configuration
without a ``certs =`` line (with it OpenSSL writes the SignedData certificate SET out of DER order, which
rfc3161-client refuses; the TSA's own certificate is still embedded because our requests ask for it). The HTTP
server is a ``http.server`` thread that pipes each POSTed query to ``openssl ts -reply``.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tests.support.tools import runs_tools, tool

EXTENSIONS = """[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_tsa]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

TSA_CONFIG = """[tsa]
default_tsa = tsa_config
[tsa_config]
serial = {dir}/serial
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_alg = sha256
ess_cert_id_chain = no
"""


@dataclass(frozen=True)
class LocalTsa:
    """One CA and its TSA, in ``directory``; ``ca`` is the root certificate a verifier trusts."""

    openssl: str
    directory: Path
    name: str

    @property
    def ca(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def cert(self) -> Path:
        return self.directory / "tsa.pem"

    @classmethod
    def create(cls, openssl: str, directory: Path, name: str) -> LocalTsa:
        """Make the CA, the TSA key and certificate, and the `openssl ts` configuration in ``directory``."""
        d = directory
        d.mkdir(parents=True)
        (d / "ext.cnf").write_text(EXTENSIONS, encoding="ascii")
        (d / "tsa.cnf").write_text(TSA_CONFIG.format(dir=d), encoding="ascii")
        (d / "serial").write_text("01\n", encoding="ascii")
        days, ca_name, ca_ext = ["-days", "3650"], ["-subj", f"/CN={name} Root CA"], ["-extensions", "v3_ca"]
        issue = ["-CAcreateserial", "-out", d / "tsa.pem", *days]
        tsa_ext = ["-extfile", d / "ext.cnf", "-extensions", "v3_tsa"]
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-config", d / "ext.cnf"]
        for command in (
            ["req", "-x509", "-new", *ec, "-keyout", d / "ca.key", "-out", d / "ca.pem", *days, *ca_name, *ca_ext],
            ["req", "-new", *ec, "-keyout", d / "tsa.key", "-out", d / "tsa.csr", "-subj", f"/CN={name} TSA"],
            ["x509", "-req", "-in", d / "tsa.csr", "-CA", d / "ca.pem", "-CAkey", d / "ca.key", *issue, *tsa_ext],
        ):
            subprocess.run([openssl, *command], check=True, capture_output=True)
        return cls(openssl, d, name)

    def reply(self, query: bytes) -> bytes:
        """``openssl ts -reply`` to one DER query."""
        done = subprocess.run(
            [self.openssl, "ts", "-reply", "-config", self.directory / "tsa.cnf", "-queryfile", "/dev/stdin"],
            input=query,
            check=True,
            capture_output=True,
        )
        return done.stdout

    def verify_with_openssl(self, data: Path, reply: Path) -> subprocess.CompletedProcess[bytes]:
        """``openssl ts -verify -data DATA -in REPLY -CAfile CA -untrusted TSA``: the independent check."""
        return subprocess.run(
            [self.openssl, "ts", "-verify", "-data", data, "-in", reply, "-CAfile", self.ca, "-untrusted", self.cert],
            capture_output=True,
        )

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve the TSA on 127.0.0.1 (a free port) while the block runs; yields its URL."""
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_error(415, "expected application/timestamp-query")
                    return
                try:
                    body = tsa.reply(query)
                except subprocess.CalledProcessError:
                    self.send_error(400, "openssl ts -reply refused the query")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/tsa"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


@pytest.fixture(scope="module", name="tsas")
@runs_tools
def tsas_fixture(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LocalTsa]:
    """Two local TSAs under two unrelated CAs: ``trusted`` (its root is given to verify) and ``rogue``."""
    openssl = tool("openssl")
    base = tmp_path_factory.mktemp("tsa")
    return {name: LocalTsa.create(openssl, base / name, name.title()) for name in ("trusted", "rogue")}
