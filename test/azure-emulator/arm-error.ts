/**
 * An error that the ARM pipeline turns into `{ error: { code, message } }` with `status`.
 * Handlers throw it; the server renders it.
 */
export class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ArmError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export function badRequest(message: string, code = 'BadRequest'): ArmError {
  return new ArmError(400, code, message);
}

export function resourceNotFound(type: string, name: string, resourceGroup?: string): ArmError {
  const where = resourceGroup ? ` under resource group '${resourceGroup}'` : '';
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}'${where} was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}
