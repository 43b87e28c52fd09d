import type { App, Session, WebContents } from 'electron';
import { CONSOLE_CSP } from '../core/transport/content-security-policy.ts';

/**
 * Hardening applied to every web contents the app creates: no navigation away from the console,
 * no new windows, no <webview>, no permission grants, and the strict CSP on every response.
 */
export function hardenApp(app: App, session: Session, isTrustedUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, isTrustedUrl));
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONSOLE_CSP] } });
  });
}

export function hardenWebContents(contents: WebContents, isTrustedUrl: (url: string) => boolean): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The console is trusted only at its own file (or the dev server during `npm run dev`). */
export function makeTrustedUrlCheck(rendererFileUrl: string, devServerUrl: string | undefined): (url: string) => boolean {
  return (url: string) => {
    if (devServerUrl && url.startsWith(devServerUrl)) return true;
    return url.split(/[?#]/)[0] === rendererFileUrl;
  };
}
