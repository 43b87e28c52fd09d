import { AppError, describeZodIssues, validationError, type ValidationIssue } from '../../shared/errors.ts';
import { policyInputSchema, type Policy, type PolicyDraft } from '../../shared/policy.ts';
import type { Clock } from '../clock.ts';
import type { PoliciesStore } from '../config-db/policies-store.ts';
import type { RepositoriesStore } from '../config-db/repositories-store.ts';

/** Validation result: the draft when valid, else every issue naming its field. */
export type PolicyValidation = { ok: true; draft: PolicyDraft; issues: [] } | { ok: false; issues: ValidationIssue[] };

/** Policies: validation (shape and references), storage, import and export. */
export class PolicyService {
  private readonly store: PoliciesStore;
  private readonly repositories: RepositoriesStore;
  private readonly clock: Clock;

  constructor(deps: { store: PoliciesStore; repositories: RepositoriesStore; clock: Clock }) {
    this.store = deps.store;
    this.repositories = deps.repositories;
    this.clock = deps.clock;
  }

  validate(input: unknown): PolicyValidation {
    const parsed = policyInputSchema.safeParse(input);
    if (!parsed.success) return { ok: false, issues: describeZodIssues(parsed.error) };
    const issues: ValidationIssue[] = [];
    const draft = parsed.data;
    const checkRepository = (path: string, id: string | undefined) => {
      if (id && !this.repositories.get(id)) issues.push({ path, message: `no repository with id "${id}" is configured` });
    };
    checkRepository('repositoryBackup.repositoryId', draft.repositoryBackup?.repositoryId);
    checkRepository('archive.repositoryId', draft.archive?.repositoryId);
    return issues.length ? { ok: false, issues } : { ok: true, draft, issues: [] };
  }

  list(): Policy[] {
    return this.store.list();
  }

  get(idOrName: string): Policy {
    const policy = this.store.get(idOrName) ?? this.store.findByName(idOrName);
    if (!policy) throw new AppError('not_found', `No policy with id or name "${idOrName}".`);
    return policy;
  }

  save(input: unknown): Policy {
    const result = this.validate(input);
    if (!result.ok) throw validationError('The policy', result.issues);
    return this.store.save(result.draft, this.clock.now().toISOString());
  }

  /** Turns a policy's schedules on or off (a disabled policy keeps its settings and runs only by hand). */
  setEnabled(idOrName: string, enabled: boolean): Policy {
    const { createdAt: _c, updatedAt: _u, ...draft } = this.get(idOrName);
    return this.save({ ...draft, enabled });
  }

  delete(idOrName: string): void {
    const policy = this.get(idOrName);
    this.store.delete(policy.id);
  }

  /**
   * Imports one policy or an array of them, all or nothing: if any is invalid, none is saved and
   * the error names the policy (by index) and field. A policy with the id or name of an existing
   * one replaces it.
   */
  importMany(input: unknown, runInTransaction: <T>(fn: () => T) => T): Policy[] {
    const items = Array.isArray(input) ? input : [input];
    const issues: ValidationIssue[] = [];
    const drafts: PolicyDraft[] = [];
    items.forEach((item, index) => {
      const result = this.validate(item);
      const prefix = Array.isArray(input) ? `[${index}].` : '';
      if (result.ok) drafts.push(result.draft);
      else issues.push(...result.issues.map((i) => ({ path: prefix + i.path, message: i.message })));
    });
    if (issues.length) throw validationError('The policy file', issues);
    const now = this.clock.now().toISOString();
    return runInTransaction(() =>
      drafts.map((draft) => {
        const sameName = this.store.findByName(draft.name);
        return this.store.save(draft.id ? draft : { ...draft, id: sameName?.id }, now);
      }),
    );
  }

  /** The export form: stored policies without the store-owned timestamps, ready to import elsewhere. */
  exportAll(ids?: string[]): PolicyDraft[] {
    const selected = ids?.length ? ids.map((id) => this.get(id)) : this.list();
    return selected.map(({ createdAt: _c, updatedAt: _u, ...draft }) => draft);
  }
}
