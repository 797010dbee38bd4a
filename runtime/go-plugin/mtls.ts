/**
 * AutoMTLS certificates like go-plugin's (mtls.go `generateCert`): an
 * ephemeral ECDSA P-521 key and a self-signed CA certificate for "localhost",
 * valid for client and server auth. Both sides use it: the host sends its PEM
 * in PLUGIN_CLIENT_CERT, the plugin sends its DER (base64, no padding) as the
 * sixth handshake field, and each trusts only the other's certificate.
 */
import { webcrypto } from "node:crypto";

export interface Certificate {
  certPem: string;
  keyPem: string;
  /** DER bytes of the certificate. */
  der: Uint8Array;
}

const algorithm = { name: "ECDSA", namedCurve: "P-521", hash: "SHA-512" } as const;

/**
 * The x509 library, ready to sign with Node's WebCrypto. Loaded only when
 * certificates are made (AutoMTLS is on): it needs a reflect polyfill first.
 */
export async function loadX509() {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

export async function generateCertificate(): Promise<Certificate> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: "CN=localhost, O=HashiCorp",
    notBefore: new Date(now - 30_000),
    // go-plugin: 262980 hours (30 years); the key dies with the process anyway.
    notAfter: new Date(now + 262_980 * 3_600_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment |
          x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.clientAuth,
        x509.ExtendedKeyUsage.serverAuth,
      ]),
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "localhost" }]),
    ],
  });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return {
    certPem: cert.toString("pem"),
    keyPem: pem("PRIVATE KEY", pkcs8),
    der: new Uint8Array(cert.rawData),
  };
}

/** go-plugin encodes the DER with base64.RawStdEncoding: standard alphabet, no padding. */
export function encodeHandshakeCert(der: Uint8Array): string {
  return Buffer.from(der).toString("base64").replace(/=+$/, "");
}

export function decodeHandshakeCert(field: string): string {
  return pem("CERTIFICATE", Buffer.from(field, "base64"));
}

function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f; // positive
  return Buffer.from(bytes).toString("hex");
}
