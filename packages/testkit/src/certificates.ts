/**
 * Certificates for mutual-TLS tests: the local CA's (scripts/certs.sh, CN = service name, in
 * IVR_CERTS_DIR) and, to prove they are refused, certificates of a CA nobody trusts.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChannelCredentials, credentials } from '@grpc/grpc-js';

export function certsDir(): string {
  const dir = process.env.IVR_CERTS_DIR;
  if (!dir) throw new Error('IVR_CERTS_DIR is not set: run make up-infra (it writes .var/env.json)');
  return dir;
}

/**
 * A folder holding `<name>.crt/.key` from a CA nobody trusts (CN and DNS name = `name`), and the real
 * CA's `ca.crt`, so that a client trusts the server but presents a foreign certificate.
 */
export function foreignCertificateDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivr-foreign-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-days',
    '1',
    '-subj',
    '/CN=foreign-ca',
    '-keyout',
    'foreign-ca.key',
    '-out',
    'foreign-ca.crt',
  );
  openssl('req', ...ec, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
  const ext = join(dir, 'ext.cnf');
  execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:${name}\\n' > ${ext}`]);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'foreign-ca.crt',
    '-CAkey',
    'foreign-ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    ext,
    '-out',
    `${name}.crt`,
  );
  copyFileSync(join(certsDir(), 'ca.crt'), join(dir, 'ca.crt'));
  return dir;
}

/** gRPC channel credentials presenting `identity`'s certificate from `dir` and trusting `dir`'s ca.crt. */
export function clientCredentials(identity: string, dir = certsDir()): ChannelCredentials {
  const read = (f: string) => readFileSync(join(dir, f));
  return credentials.createSsl(read('ca.crt'), read(`${identity}.key`), read(`${identity}.crt`));
}
