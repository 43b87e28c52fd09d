import type { ChannelInput } from '../../../src-main/shared/contract.ts';
import { formatTimestamp } from './format.ts';
import { childNoun, type PitrSource, type RestoreKind } from './pitr-source.ts';
import { effectiveWindow, fromLocalInput, SAFETY_MARGIN_MS } from './pitr-window.ts';

/**
 * The point-in-time restore wizard's form: its steps, field-level validation that mirrors what
 * the core checks (account and cluster names, resource group, region among the restorable
 * locations, timestamp inside the window with the safety margin, a selection from the record, a
 * reason), the `azure.restorePitr` request, and the core's refusals mapped back to fields.
 */

export type PitrStep = 'source' | 'time' | 'target' | 'selection' | 'review';

export interface PitrFormValues {
  kind: RestoreKind;
  /** A `datetime-local` value, local time. */
  timestamp: string;
  targetName: string;
  targetResourceGroup: string;
  region: string;
  /** New account: everything, or the databases / containers / tables chosen below. */
  scope: 'all' | 'selected';
  /** Whole databases chosen. */
  databases: string[];
  /** Single containers chosen, as "database/container" (Cosmos DB names cannot hold "/"). */
  children: string[];
  tables: string[];
  disableTtl: boolean;
  disablePublicNetworkAccess: boolean;
  /** In-account: the deleted database, and optionally the deleted container in it. */
  database: string;
  child: string;
  reason: string;
}

export type PitrField = 'kind' | 'timestamp' | 'targetName' | 'targetResourceGroup' | 'region' | 'selection' | 'database' | 'child' | 'reason';
export type PitrErrors = Partial<Record<PitrField, string>>;

export const STEP_LABELS: Record<PitrStep, string> = {
  source: 'Source and kind',
  time: 'Point in time',
  target: 'Target',
  selection: 'What to restore',
  review: 'Reason and review',
};

/** The field each error belongs to lives on this step (the wizard goes there when the core refuses). */
export const FIELD_STEP: Record<PitrField, PitrStep> = {
  kind: 'source',
  timestamp: 'time',
  targetName: 'target',
  targetResourceGroup: 'target',
  region: 'target',
  database: 'target',
  child: 'target',
  selection: 'selection',
  reason: 'review',
};

/** Fields in the order they appear (the first with an error gets the focus). */
export const FIELD_ORDER: PitrField[] = ['kind', 'timestamp', 'targetName', 'targetResourceGroup', 'region', 'database', 'child', 'selection', 'reason'];

export function stepsFor(kind: RestoreKind): PitrStep[] {
  return kind === 'new-account' ? ['source', 'time', 'target', 'selection', 'review'] : ['source', 'time', 'target', 'review'];
}

/** Initial values for a source: same resource group, the source's own region when it is restorable. */
export function initialValues(source: Pick<PitrSource, 'resourceGroup' | 'location' | 'restorableLocations'>, kind: RestoreKind): PitrFormValues {
  const region = source.restorableLocations.find((l) => sameRegion(l, source.location)) ?? source.restorableLocations[0] ?? '';
  return {
    kind,
    timestamp: '',
    targetName: '',
    targetResourceGroup: source.resourceGroup,
    region,
    scope: 'all',
    databases: [],
    children: [],
    tables: [],
    disableTtl: false,
    disablePublicNetworkAccess: false,
    database: '',
    child: '',
    reason: '',
  };
}

/** "West US" and "westus" are the same region to ARM. */
export function sameRegion(a: string, b: string): boolean {
  return a.replace(/\s+/g, '').toLowerCase() === b.replace(/\s+/g, '').toLowerCase();
}

/** Why a new account name is not valid (Cosmos DB: 3–44 lower-case letters, digits, hyphens, no hyphen at the ends), or null. */
export function accountNameProblem(name: string, maxLength = 44): string | null {
  if (!name) return 'Enter a name for the new account.';
  if (name.length < 3 || name.length > maxLength) return `Use 3 to ${maxLength} characters (this one has ${name.length}).`;
  if (/[A-Z]/.test(name)) return 'Use lower-case letters only.';
  if (/[^a-z0-9-]/.test(name)) return 'Use only lower-case letters, digits and hyphens.';
  if (name.startsWith('-') || name.endsWith('-')) return 'Do not start or end the name with a hyphen.';
  return null;
}

/** Why a resource group name is not valid (1–90 letters, digits, _ - . ( ), not ending with a period), or null. */
export function resourceGroupProblem(name: string): string | null {
  if (!name) return 'Enter the resource group of the new resource.';
  if (name.length > 90) return 'Use at most 90 characters.';
  if (!/^[-\w.()]+$/.test(name)) return 'Use only letters, digits, underscores, hyphens, periods and parentheses.';
  if (name.endsWith('.')) return 'Do not end the name with a period.';
  return null;
}

/** Why the chosen time cannot be restored to, or null; the messages name the accepted range. */
export function timestampProblem(value: string, source: PitrSource, nowMs: number, marginMs = SAFETY_MARGIN_MS): string | null {
  if (!value.trim()) return 'Choose the date and time to restore to.';
  const ms = fromLocalInput(value);
  if (ms === null) return 'Enter a complete date and time.';
  const window = effectiveWindow(source, nowMs, marginMs);
  if (!window) return 'No restorable window is known for this source: synchronize with Azure first.';
  const range = `${formatTimestamp(new Date(window.earliestMs).toISOString())} and ${formatTimestamp(new Date(window.latestMs).toISOString())}`;
  const minutes = Math.round(marginMs / 60_000);
  if (ms < window.startMs || ms > window.endMs) return `This time is outside the restorable window: choose between ${range}.`;
  if (ms < window.earliestMs) return `This time is within ${minutes} min of the oldest restorable time, which moves forward: choose between ${range}.`;
  if (ms > window.latestMs) return `This time is within ${minutes} min of the latest restorable time, which lags behind now: choose between ${range}.`;
  return null;
}

/** The field errors of one step; `knownNames` are account and cluster names already in the inventory. */
export function validateStep(step: PitrStep, values: PitrFormValues, source: PitrSource, nowMs: number, knownNames: readonly string[] = []): PitrErrors {
  const errors: PitrErrors = {};
  if (step === 'time') {
    const problem = timestampProblem(values.timestamp, source, nowMs);
    if (problem) errors.timestamp = problem;
  } else if (step === 'target' && values.kind === 'in-account') {
    validateInAccountTarget(values, source, errors);
  } else if (step === 'target') {
    const name = values.targetName.trim();
    const cluster = values.kind === 'cluster';
    const nameProblem = accountNameProblem(name, cluster ? 40 : 44);
    if (nameProblem) errors.targetName = nameProblem;
    else if (knownNames.some((n) => n.toLowerCase() === name)) errors.targetName = `"${name}" is already taken: names are unique across Azure. Choose another.`;
    const groupProblem = resourceGroupProblem(values.targetResourceGroup.trim());
    if (groupProblem) errors.targetResourceGroup = groupProblem;
    if (!cluster) {
      if (!values.region) errors.region = 'Choose the region of the new account.';
      else if (!source.restorableLocations.some((l) => sameRegion(l, values.region))) errors.region = `The account can only be restored to ${source.restorableLocations.join(', ')}.`;
    }
  } else if (step === 'selection' && values.scope === 'selected') {
    const chosen = values.databases.length + values.children.length + values.tables.length;
    if (!chosen) errors.selection = source.api === 'Table' ? 'Choose at least one table, or restore the whole account.' : `Choose at least one database or ${childNoun(source.api)}, or restore the whole account.`;
  } else if (step === 'review' && !values.reason.trim()) {
    errors.reason = 'Say why you restore: the reason is recorded with the restore.';
  } else if (step === 'review' && values.reason.trim().length > 2000) {
    errors.reason = 'Use at most 2000 characters.';
  }
  return errors;
}

function validateInAccountTarget(values: PitrFormValues, source: PitrSource, errors: PitrErrors): void {
  const database = values.database.trim();
  const child = values.child.trim();
  const noun = childNoun(source.api);
  if (!database) {
    errors.database = source.listedAt ? `Choose the deleted database or ${noun} to restore.` : 'Enter the deleted database to restore, or the database of the deleted ' + noun + '.';
    return;
  }
  if (source.listedAt) {
    // Azure's own list of what existed at the chosen time and is deleted now: nothing else can be restored.
    if (!source.deletedCandidates.some((c) => c.database === database && (c.child ?? '') === child)) {
      errors.database = `${child ? `${database}/${child}` : database} is not among what existed at the chosen time and is deleted now: choose one of the list.`;
    }
    return;
  }
  // Azure only recreates deleted resources in place: one that exists now cannot be restored over.
  const existing = source.databases.find((db) => db.name === database);
  if (!child && existing) errors.database = `Database "${database}" exists now: only deleted databases can be restored inside the account. Name a deleted ${noun} in it, or restore into a new account.`;
  if (child && existing?.children.includes(child)) errors.child = `The ${noun} "${database}/${child}" exists now: only deleted ones can be restored inside the account.`;
}

/** Errors of every step of the chosen kind. */
export function validateAll(values: PitrFormValues, source: PitrSource, nowMs: number, knownNames: readonly string[] = []): PitrErrors {
  return Object.assign({}, ...stepsFor(values.kind).map((step) => validateStep(step, values, source, nowMs, knownNames))) as PitrErrors;
}

export function hasErrors(errors: PitrErrors): boolean {
  return Object.keys(errors).length > 0;
}

/** The selection as the contract wants it; undefined for the whole account. Whole databases win over their containers. */
export function buildSelection(values: PitrFormValues, source: PitrSource): { databases?: { name: string; children?: string[] }[]; tables?: string[] } | undefined {
  if (values.scope === 'all') return undefined;
  if (source.api === 'Table') return { tables: [...values.tables] };
  const whole = new Set(values.databases);
  const databases: { name: string; children?: string[] }[] = [];
  for (const db of source.databases) {
    if (whole.has(db.name)) databases.push({ name: db.name });
    else {
      const children = db.children.filter((c) => values.children.includes(`${db.name}/${c}`));
      if (children.length) databases.push({ name: db.name, children });
    }
  }
  return { databases };
}

/** The `azure.restorePitr` request for valid values. */
export function buildRestoreInput(values: PitrFormValues, source: PitrSource): ChannelInput<'azure.restorePitr'> {
  const timestamp = new Date(fromLocalInput(values.timestamp) ?? NaN).toISOString();
  const reason = values.reason.trim();
  if (values.kind === 'in-account') {
    const child = values.child.trim();
    return { kind: 'in-account', accountId: source.resourceId, database: values.database.trim(), ...(child ? { child } : {}), timestamp, reason };
  }
  if (values.kind === 'cluster') return { kind: 'cluster', sourceResourceId: source.resourceId, targetName: values.targetName.trim(), targetResourceGroup: values.targetResourceGroup.trim(), timestamp, reason };
  const selection = buildSelection(values, source);
  return {
    kind: 'new-account',
    sourceResourceId: source.resourceId,
    ...(source.restorePointId ? { restorePointId: source.restorePointId } : {}),
    targetName: values.targetName.trim(),
    targetResourceGroup: values.targetResourceGroup.trim(),
    region: values.region,
    timestamp,
    ...(selection ? { selection } : {}),
    disableTtl: values.disableTtl,
    disablePublicNetworkAccess: values.disablePublicNetworkAccess,
    reason,
  };
}

const CORE_FIELDS: Record<string, PitrField> = {
  timestamp: 'timestamp',
  targetName: 'targetName',
  targetResourceGroup: 'targetResourceGroup',
  region: 'region',
  selection: 'selection',
  reason: 'reason',
  database: 'database',
  child: 'child',
};

/**
 * The wizard field a refusal of the core belongs to: its `details.field`, or the path of the
 * first contract issue (`invalid_payload`). In-account restores check their target as a selection.
 */
export function fieldOfError(details: unknown, kind: RestoreKind): PitrField | null {
  let name: unknown;
  if (Array.isArray(details)) name = (details[0] as { path?: unknown[] } | undefined)?.path?.[0];
  else if (details && typeof details === 'object') name = (details as { field?: unknown }).field;
  if (typeof name !== 'string') return null;
  const field = CORE_FIELDS[name] ?? null;
  if (field === 'selection' && kind === 'in-account') return 'database';
  return field;
}
