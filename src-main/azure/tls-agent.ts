import { Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { CloudProfile } from './cloud-profiles.ts';

const agents = new Map<string, Agent>();

/**
 * The HTTPS agent for a cloud: the system's roots plus the profile's extra CA, if any. TLS is never
 * switched off; a custom CA is added to what is trusted, not substituted for it.
 */
export function httpsAgentFor(profile: CloudProfile): Agent | undefined {
  if (!profile.caCertFile) return undefined;
  const existing = agents.get(profile.caCertFile);
  if (existing) return existing;
  const agent = new Agent({ keepAlive: true, ca: [...rootCertificates, readFileSync(profile.caCertFile, 'utf8')] });
  agents.set(profile.caCertFile, agent);
  return agent;
}
