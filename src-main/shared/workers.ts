import { z } from 'zod';

/**
 * Worker configurations and worker VMs as the CLI, the console and the core share them. A worker
 * configuration says where the jobs of one Azure region run: on a VM in the admin's own subnet
 * (with the admin's sizes and tags), or on this computer. A region without one uses the
 * `workerDefault` setting (auto network, or this computer).
 */

export const WORKER_CONFIGURATION_KINDS = ['azure', 'this-computer'] as const;
export type WorkerConfigurationKind = (typeof WORKER_CONFIGURATION_KINDS)[number];

const SUBNET_ID = /^\/subscriptions\/([0-9a-f-]{36})\/resourceGroups\/[-\w._()]{1,90}\/providers\/Microsoft\.Network\/virtualNetworks\/[-\w.]{2,64}\/subnets\/[-\w.]{1,80}$/i;
const RESERVED_TAGS = ['cosmos-backup', 'cosmos-backup-installation', 'cosmos-backup-job'];

/** Azure VM sizes, e.g. Standard_D4s_v5. */
export const vmSizeSchema = z.string().regex(/^(Standard|Basic)_[A-Za-z0-9_]{1,40}$/, 'must be an Azure VM size such as Standard_D4s_v5');

export const workerConfigurationInputSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
    region: z
      .string()
      .trim()
      .transform((value) => value.toLowerCase().replace(/\s+/g, ''))
      .pipe(z.string().regex(/^[a-z][a-z0-9]{2,40}$/, 'must be an Azure region name such as westeurope')),
    kind: z.enum(WORKER_CONFIGURATION_KINDS, { message: 'must be azure or this-computer' }).default('azure'),
    /** The subnet worker VMs use (azure): its VNet must be in `region`. */
    subnetId: z.string().trim().regex(SUBNET_ID, 'must be a subnet id: /subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/…').optional(),
    /** The resource group worker VMs and their NICs are created in (default: the subnet's). */
    resourceGroup: z.string().trim().regex(/^[-\w._()]{1,90}$/, 'must be a resource group name').optional(),
    /** Sizes small to large (default: Standard_D2s_v5, Standard_D4s_v5, Standard_D8s_v5). */
    vmSizes: z.array(vmSizeSchema).max(10, 'at most 10 sizes').default([]),
    /** Tags added to every worker VM, disk and NIC (e.g. cost centre). */
    tags: z
      .record(z.string().min(1).max(512), z.string().max(256))
      .refine((tags) => Object.keys(tags).length <= 15, 'at most 15 tags')
      .refine((tags) => !Object.keys(tags).some((key) => RESERVED_TAGS.includes(key.toLowerCase())), `${RESERVED_TAGS.join(', ')} are set by Cosmos Backup`)
      .default({}),
    /** Keep-warm: minutes a released worker VM stays deallocated for reuse (0: deleted at once). */
    keepWarmMinutes: z.number().int('must be a whole number of minutes').min(0).max(1440, 'must be at most 1440 minutes (a day)').default(0),
  })
  .superRefine((value, ctx) => {
    if (value.kind === 'azure' && !value.subnetId) ctx.addIssue({ code: 'custom', path: ['subnetId'], message: 'is required for workers on Azure (or use auto mode: no worker configuration)' });
    if (value.kind === 'this-computer' && (value.subnetId || value.vmSizes.length)) ctx.addIssue({ code: 'custom', path: ['kind'], message: 'this-computer takes no subnet or VM sizes' });
  });
export type WorkerConfigurationInput = z.input<typeof workerConfigurationInputSchema>;
export type ParsedWorkerConfigurationInput = z.output<typeof workerConfigurationInputSchema>;

/** A stored worker configuration. */
export interface WorkerConfiguration {
  id: string;
  name: string;
  region: string;
  kind: WorkerConfigurationKind;
  subscriptionId: string | null;
  resourceGroup: string | null;
  subnetId: string | null;
  vmSizes: string[];
  tags: Record<string, string>;
  keepWarmMinutes: number;
  createdAt: string;
  updatedAt: string;
}

/** The subscription and resource group of a subnet id. */
export function subnetParts(subnetId: string): { subscriptionId: string; resourceGroup: string } | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(subnetId);
  return match ? { subscriptionId: match[1] as string, resourceGroup: match[2] as string } : undefined;
}

/** A worker configuration as the console shows it (with the sizes it tries). */
export const workerConfigurationViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  kind: z.enum(WORKER_CONFIGURATION_KINDS),
  subscriptionId: z.string().nullable(),
  resourceGroup: z.string().nullable(),
  subnetId: z.string().nullable(),
  vmSizes: z.array(z.string()),
  /** The sizes tried, small to large (the configuration's, else the defaults). */
  effectiveSizes: z.array(z.string()),
  tags: z.record(z.string(), z.string()),
  keepWarmMinutes: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorkerConfigurationView = z.infer<typeof workerConfigurationViewSchema>;

export const WORKER_STATES = ['provisioning', 'running', 'releasing', 'kept-warm', 'released', 'release-failed'] as const;

/** A worker VM as the console shows it. */
export const workerViewSchema = z.object({
  id: z.string(),
  vmId: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  region: z.string(),
  size: z.string().nullable(),
  configurationId: z.string().nullable(),
  jobId: z.string().nullable(),
  sessionId: z.string().nullable(),
  state: z.enum(WORKER_STATES),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  releasedAt: z.string().nullable(),
  note: z.string().nullable(),
  /** USD per hour while it runs (list-price estimate), or null when the size is not in the table. */
  hourlyUsd: z.number().nullable(),
  /** Where that figure comes from, in words (Azure's list price for the worker's region, or the bundled table and why). */
  pricesFrom: z.string().nullable(),
});
export type WorkerView = z.infer<typeof workerViewSchema>;
