import { MFA_SETUP_REQUIRED } from '@sentrypulse/shared';
import { AppError } from '../errors';

/** Too many attempts on one credential: a delay (Retry-After), never a permanent lock. */
export class TooManyAttempts extends AppError {
  constructor(detail: string, retryAfterSeconds: number) {
    super(429, 'rate-limited', 'Too many requests', detail, { retry_after: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}

/** A team that requires 2FA, entered by a member who has not set it up. */
export class MfaSetupRequired extends AppError {
  constructor() {
    super(403, MFA_SETUP_REQUIRED, 'Two-factor authentication required', 'This team requires two-factor authentication: set it up under Account → Security first.', {
      setup_url: '/account/security',
    });
  }
}

/** What an unverified account cannot do yet (accept invitations; README "Account security"). */
export class EmailNotVerified extends AppError {
  constructor(what: string) {
    super(403, 'email-not-verified', 'Email address not verified', `Verify your email address before you ${what}: use the link we sent, or send a new one from Account → Security.`);
  }
}
