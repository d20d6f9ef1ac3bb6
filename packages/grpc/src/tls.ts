import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { type ChannelCredentials, credentials, ServerCredentials } from '@grpc/grpc-js';

/** One service's certificate, key and the CA, as credentials for its server and for its clients. */
export interface TlsMaterial {
  /** The service the certificate belongs to (its CN). */
  readonly service: string;
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Server side: presents the service certificate and REQUIRES a client certificate signed by the CA. */
  readonly serverCredentials: ServerCredentials;
  /** Client side: presents the service certificate and trusts only the CA. */
  readonly clientCredentials: ChannelCredentials;
}

/**
 * Reads `ca.crt`, `<service>.crt` and `<service>.key` from certsDir (made by scripts/certs.sh, CN = service
 * name). Every missing file is named in one error.
 */
export function loadTls(certsDir: string, service: string): TlsMaterial {
  const files = { ca: 'ca.crt', cert: `${service}.crt`, key: `${service}.key` };
  const missing = Object.values(files).filter((file) => !existsSync(join(certsDir, file)));
  if (missing.length > 0) {
    throw new Error(
      `TLS files for ${service} missing in ${certsDir}: ${missing.join(', ')} (make them with scripts/certs.sh)`,
    );
  }
  const ca = readFileSync(join(certsDir, files.ca));
  const cert = readFileSync(join(certsDir, files.cert));
  const key = readFileSync(join(certsDir, files.key));
  return {
    service,
    ca,
    cert,
    key,
    serverCredentials: ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], true),
    clientCredentials: credentials.createSsl(ca, key, cert),
  };
}

/** The names a peer certificate vouches for: subject CN and every DNS subjectAltName. */
export function peerIdentities(certificate: PeerCertificate | undefined): string[] {
  if (!certificate?.subject) return [];
  const names: string[] = [];
  const cn: unknown = certificate.subject.CN;
  if (typeof cn === 'string') names.push(cn);
  else if (Array.isArray(cn)) names.push(...cn.filter((n): n is string => typeof n === 'string'));
  for (const entry of (certificate.subjectaltname ?? '').split(',')) {
    const dns = /^\s*DNS:(.+)$/.exec(entry);
    if (dns?.[1]) names.push(dns[1].trim());
  }
  return names;
}
