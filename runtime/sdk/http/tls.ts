/**
 * TLS options → the Node TLS options undici connects with (the Go SDK's
 * GetTLSConfig). Certificates are checked here, once, when the client is
 * built: a bad PEM in the settings fails with the setting's name rather than
 * as an obscure handshake error on the first request.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { checkServerIdentity, type ConnectionOptions } from "node:tls";
import { PluginError } from "../errors.js";
import type { TlsOptions } from "./options.js";

/** Node TLS options for `tls`; `{}` (system roots, full verification) without any. */
export function tlsConnectOptions(tls: TlsOptions | undefined): ConnectionOptions {
  if (!tls) return {};
  const out: ConnectionOptions = {};
  if (tls.insecureSkipVerify) out.rejectUnauthorized = false;
  if (tls.serverName) {
    out.servername = tls.serverName;
    // Node checks the certificate against the URL's host; Go against ServerName. Do as Go does.
    const expected = tls.serverName;
    out.checkServerIdentity = (_host, cert) => checkServerIdentity(expected, cert);
  }
  if (tls.caCertificate) {
    // Replaces the system roots, as Go's RootCAs does.
    out.ca = splitPemCertificates(tls.caCertificate, "TLS CA certificate (tlsCACert)");
  }
  if (tls.clientCertificate && tls.clientKey) {
    checkKeyPair(tls.clientCertificate, tls.clientKey);
    out.cert = tls.clientCertificate;
    out.key = tls.clientKey;
  }
  if (tls.minVersion) out.minVersion = tls.minVersion;
  if (tls.maxVersion) out.maxVersion = tls.maxVersion;
  return out;
}

/** Each certificate of a PEM bundle, parsed to prove it is one. */
export function splitPemCertificates(pem: string, what: string): string[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw invalidSetting(`${what} holds no PEM certificate`);
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw invalidSetting(`${what} is not a valid PEM certificate: ${(error as Error).message}`);
    }
  }
  return blocks;
}

function checkKeyPair(certPem: string, keyPem: string): void {
  const [certBlock] = splitPemCertificates(certPem, "TLS client certificate (tlsClientCert)");
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw invalidSetting(
      `TLS client key (tlsClientKey) is not a valid PEM private key: ${(error as Error).message}`,
    );
  }
  if (!new X509Certificate(certBlock).checkPrivateKey(key))
    throw invalidSetting("TLS client key (tlsClientKey) does not match the client certificate");
}

function invalidSetting(message: string): PluginError {
  return new PluginError(message, { status: 400, source: "plugin" });
}
