import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

/** GetTokenOptions plus the one thing core-auth has no word for: "do not give me a cached token". */
export interface RefreshTokenOptions extends GetTokenOptions {
  /**
   * Bypass the msal cache and ask Entra ID for a new access token (a refresh-token grant for people,
   * a new client-credential grant for apps). Used once after ARM refused a cached token.
   */
  forceRefresh?: boolean;
}

/** A TokenCredential whose `getToken` honours `forceRefresh` (all of the app's credentials do). */
export interface RefreshableCredential extends TokenCredential {
  getToken(scopes: string | string[], options?: RefreshTokenOptions): Promise<AccessToken | null>;
}
