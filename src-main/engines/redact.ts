/** Replaces every secret (and URI or key=value passwords) in a text with `***`. */
export type Redactor = (text: string) => string;

const URI_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*@/gi;
const KEY_VALUE_PASSWORD = /\b(password|passwd|pwd|sig|accountkey)\s*=\s*('[^']*'|"[^"]*"|[^\s&;]+)/gi;

/**
 * A redactor for `secrets`. Secrets shorter than 4 characters are not searched for (they would
 * blank out ordinary words); URIs with a password and `password=` pairs are always masked.
 */
export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  const values = [...new Set([...secrets].filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of values) out = out.split(secret).join('***');
    return out.replace(URI_PASSWORD, '$1***@').replace(KEY_VALUE_PASSWORD, '$1=***');
  };
}
