import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../../src-main/shared/settings.ts';
import { choicesOf, controlOf, draftOf, settingsChange } from '../../../src-renderer/src/logic/settings-form.ts';

describe('the settings forms', () => {
  it('edits numbers as decimal text, choices with a select, the rest as text', () => {
    expect(controlOf('smtpPort')).toEqual({ kind: 'number' });
    expect(controlOf('smtpHost')).toEqual({ kind: 'text' });
    expect(controlOf('smtpSecurity').kind).toBe('choice');
    expect(choicesOf('emailNotifications')).toEqual(['off', 'failures', 'warnings', 'all']);
    expect(draftOf(['smtpPort', 'smtpHost'], settingsSchema.parse({}))).toEqual({ smtpPort: '587', smtpHost: '' });
  });

  it('refuses what the core would refuse, on the setting concerned, and sends only the group it edits', () => {
    const bad = settingsChange(['smtpPort', 'emailTo', 'dailyReportTime'], { smtpPort: '0x19', emailTo: 'ops@example.test; dba', dailyReportTime: '25:00' });
    expect(bad.update).toBeNull();
    expect(bad.errors).toEqual({ smtpPort: 'Enter a number.', emailTo: 'E-mail to must be e-mail addresses separated by commas.', dailyReportTime: 'Daily report must be a time of day as HH:MM, or empty.' });
    const good = settingsChange(['smtpPort', 'emailTo', 'dailyReportTime'], { smtpPort: ' 465 ', emailTo: 'ops@example.test', dailyReportTime: '' });
    expect(good).toEqual({ update: { smtpPort: 465, emailTo: 'ops@example.test', dailyReportTime: '' }, errors: {} });
  });
});
