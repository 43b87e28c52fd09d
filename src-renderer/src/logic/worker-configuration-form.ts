import { workerConfigurationInputSchema, type WorkerConfigurationInput, type WorkerConfigurationView } from '../../../src-main/shared/workers.ts';

/** The worker configuration form as typed: sizes and tags as text, keep-warm as a string. */
export interface WorkerConfigurationForm {
  name: string;
  region: string;
  kind: 'azure' | 'this-computer';
  subnetId: string;
  resourceGroup: string;
  /** VM sizes, small to large, separated by commas or new lines (empty: the defaults). */
  vmSizes: string;
  /** Tags, one `name=value` per line. */
  tags: string;
  keepWarmMinutes: string;
}

export function emptyWorkerConfigurationForm(): WorkerConfigurationForm {
  return { name: '', region: '', kind: 'azure', subnetId: '', resourceGroup: '', vmSizes: '', tags: '', keepWarmMinutes: '0' };
}

export function formOfConfiguration(config: WorkerConfigurationView): WorkerConfigurationForm {
  return {
    name: config.name,
    region: config.region,
    kind: config.kind,
    subnetId: config.subnetId ?? '',
    resourceGroup: config.resourceGroup ?? '',
    vmSizes: config.vmSizes.join(', '),
    tags: Object.entries(config.tags)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n'),
    keepWarmMinutes: String(config.keepWarmMinutes),
  };
}

/** The input the core takes (the same schema checks it on both sides). */
export function inputOfForm(form: WorkerConfigurationForm): WorkerConfigurationInput {
  const azure = form.kind === 'azure';
  const tags: Record<string, string> = {};
  for (const line of form.tags.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const at = trimmed.indexOf('=');
    tags[at < 0 ? trimmed : trimmed.slice(0, at).trim()] = at < 0 ? '' : trimmed.slice(at + 1).trim();
  }
  return {
    name: form.name,
    region: form.region,
    kind: form.kind,
    ...(azure && form.subnetId.trim() ? { subnetId: form.subnetId.trim() } : {}),
    ...(azure && form.resourceGroup.trim() ? { resourceGroup: form.resourceGroup.trim() } : {}),
    vmSizes: azure
      ? form.vmSizes
          .split(/[\s,]+/)
          .map((size) => size.trim())
          .filter(Boolean)
      : [],
    tags: azure ? tags : {},
    keepWarmMinutes: azure && /^\d+$/.test(form.keepWarmMinutes.trim()) ? Number(form.keepWarmMinutes.trim()) : azure ? Number.NaN : 0,
  };
}

/** Field → first message, from the core's own schema. */
export function validateWorkerConfigurationForm(form: WorkerConfigurationForm): Record<string, string> {
  const parsed = workerConfigurationInputSchema.safeParse(inputOfForm(form));
  if (parsed.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'name')] ??= issue.message;
  if (errors.keepWarmMinutes && !/^\d+$/.test(form.keepWarmMinutes.trim())) errors.keepWarmMinutes = 'must be a whole number of minutes';
  return errors;
}

/** A subnet id in words: "subnet workers of VNet admin-vnet (resource group rg-net)". */
export function describeSubnet(subnetId: string | null): string {
  if (!subnetId) return '—';
  const match = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i.exec(subnetId);
  return match ? `subnet ${match[3]} of VNet ${match[2]} (resource group ${match[1]})` : subnetId;
}
