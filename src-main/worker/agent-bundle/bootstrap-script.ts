import { AGENT_NODE_FLAGS } from '../../repository/data-path-node-flags.ts';
import { MAILBOX_ENV } from '../mailbox/mailbox-layout.ts';

/**
 * Run Command parameters of the bootstrap. Azure passes a Linux script's parameters as environment
 * variables; protected ones are encrypted by ARM and never returned by a read of the Run Command.
 */
export const BOOTSTRAP_PARAMETERS = {
  /** Plain: the job id, the bundle's checksum, the engine (nothing secret). */
  jobId: MAILBOX_ENV.jobId,
  bundleSha256: 'CB_BUNDLE_SHA256',
  engine: 'CB_ENGINE',
  /** Protected: the bundle's read SAS URL, the mailbox's SAS URL and the job token. */
  bundleUrl: 'CB_BUNDLE_URL',
  mailboxUrl: MAILBOX_ENV.url,
  jobToken: MAILBOX_ENV.token,
} as const;

/**
 * The script a managed Run Command starts on a worker VM: fetch the agent bundle with its SAS,
 * refuse it unless its SHA-256 matches, unpack it in a private temporary folder, and run the agent
 * in mailbox mode in the foreground (so the Run Command's state is the agent's). The job's secrets
 * never touch the disk: they arrive sealed in the mailbox and stay in the agent's memory. Exit 90:
 * the bundle did not match its checksum.
 */
export const BOOTSTRAP_SCRIPT = `#!/bin/bash
set -euo pipefail
umask 077
work="$(mktemp -d "\${TMPDIR:-/tmp}/cosmos-backup-agent.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [ "\${${BOOTSTRAP_PARAMETERS.engine}:-}" = postgres ] && ! command -v pg_dump >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_dump >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null) || echo "cosmos-backup: the PostgreSQL client tools could not be installed" >&2
  fi
fi
curl -fsS --retry 5 --retry-delay 2 --connect-timeout 20 -o "$work/bundle.tar.gz" "$${BOOTSTRAP_PARAMETERS.bundleUrl}"
unset ${BOOTSTRAP_PARAMETERS.bundleUrl}
if ! echo "$${BOOTSTRAP_PARAMETERS.bundleSha256}  $work/bundle.tar.gz" | sha256sum -c --status; then
  echo "cosmos-backup: the agent bundle does not match its checksum; refused" >&2
  exit 90
fi
tar -xzf "$work/bundle.tar.gz" -C "$work"
rm -f "$work/bundle.tar.gz"
"$work/node" ${AGENT_NODE_FLAGS.join(' ')} "$work/worker-agent.js" --mailbox
`;
