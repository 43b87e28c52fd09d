import type { Settings } from '../../shared/settings.ts';

/** An e-mail to the configured recipients. */
export interface MailMessage {
  subject: string;
  text: string;
}

/** Sends e-mail; the SMTP implementation below, a recording one in tests. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Where the secret store keeps the SMTP login's password. */
export const SMTP_PASSWORD_REF = 'smtp-password';

/**
 * E-mail over SMTP with nodemailer, from the current settings at each send (a change applies
 * without a restart). The password comes from the secret store and goes only to the server.
 */
export class SmtpMailer implements Mailer {
  private readonly settings: () => Settings;
  private readonly password: () => Promise<string | undefined>;

  constructor(settings: () => Settings, password: () => Promise<string | undefined>) {
    this.settings = settings;
    this.password = password;
  }

  /** Whether enough is configured to send anything. */
  configured(): boolean {
    const s = this.settings();
    return Boolean(s.smtpHost && s.emailFrom && s.emailTo);
  }

  /** Sends a test e-mail with the current settings; resolves with the recipients. */
  async sendTest(dataDir: string): Promise<string> {
    const s = this.settings();
    await this.send({ subject: 'Cosmos Backup: test e-mail', text: `This is a test e-mail from Cosmos Backup (data folder ${dataDir}). Notifications: ${s.emailNotifications}.` });
    return s.emailTo;
  }

  async send(message: MailMessage): Promise<void> {
    const s = this.settings();
    if (!this.configured()) throw new Error('E-mail is not configured: set smtpHost, emailFrom and emailTo (cosmos-backup settings set …).');
    const password = s.smtpUser ? await this.password() : undefined;
    // Loaded here, not at start-up: every CLI command opens the app, few of them send mail (~60 ms).
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: s.smtpHost,
      port: s.smtpPort,
      secure: s.smtpSecurity === 'tls',
      requireTLS: s.smtpSecurity === 'starttls',
      ignoreTLS: s.smtpSecurity === 'none',
      ...(s.smtpUser ? { auth: { user: s.smtpUser, pass: password ?? '' } } : {}),
      connectionTimeout: 20_000,
      greetingTimeout: 20_000,
      socketTimeout: 60_000,
    });
    try {
      await transport.sendMail({ from: s.emailFrom, to: s.emailTo, subject: message.subject, text: message.text });
    } finally {
      transport.close();
    }
  }
}
