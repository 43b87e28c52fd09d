/** Why a database login name cannot be used (it goes into a connection URI), or null. */
export function loginNameProblem(user: string): string | null {
  return /^[^\s/@:]{1,63}$/.test(user.trim()) ? null : 'Enter the login name (1–63 characters, no spaces, slashes, @ or colons).';
}
