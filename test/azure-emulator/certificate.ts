import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** A throwaway CA and the server certificate it signed (SAN IP:127.0.0.1, DNS:localhost). */
export interface EmulatorCertificate {
  caCertPem: string;
  /** Where the CA PEM was written (for NODE_EXTRA_CA_CERTS or a cloud profile's CA setting). */
  caCertFile: string;
  serverKeyPem: string;
  serverCertPem: string;
  /** Removes the temp folder holding the CA file. */
  dispose(): Promise<void>;
}

/** Generates the certificates at start; nothing is reused between runs. */
export async function createEmulatorCertificate(): Promise<EmulatorCertificate> {
  const notAfterDate = new Date(Date.now() + 30 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'Cosmos Backup Azure Emulator CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'azure-emulator-'));
  const caCertFile = join(dir, 'emulator-ca.pem');
  await writeFile(caCertFile, ca.cert, { mode: 0o644 });
  return {
    caCertPem: ca.cert,
    caCertFile,
    serverKeyPem: server.private,
    serverCertPem: server.cert,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
