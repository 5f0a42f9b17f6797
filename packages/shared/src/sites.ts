import { z } from 'zod';
import { Id, IdParam, IsoDateTime, paginated } from './common';

/**
 * A site's domain is a bare hostname ("example.com"). Users paste URLs and "www." hosts, so the
 * input is normalised: scheme, path and port are dropped, a leading "www." too (the collect
 * endpoint accepts the domain and every subdomain of it).
 */
export const SiteDomain = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters')
  .transform((raw) => {
    let host = raw.toLowerCase();
    if (/^[a-z][a-z0-9+.-]*:\/\//.test(host)) {
      try {
        host = new URL(host).hostname;
      } catch {
        return '';
      }
    }
    host = host.split('/')[0]!;
    // host:port is fine (the port is dropped); any other colon (javascript:...) is not a host.
    if (host.includes(':') && !/^[^:]+:\d{1,5}$/.test(host)) return '';
    host = host.split(':')[0]!.replace(/\.$/, '');
    return host.startsWith('www.') ? host.slice(4) : host;
  })
  .pipe(
    z
      .string()
      .regex(
        /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
        'must be a hostname such as example.com',
      ),
  );

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** IANA time zone of the site: its days (stats, rollups) start at local midnight. */
export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin');

export const SiteName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const CreateSiteBody = z.strictObject({
  name: SiteName,
  domain: SiteDomain,
  timezone: TimeZone.default('UTC'),
  respect_dnt: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export type CreateSiteBody = z.infer<typeof CreateSiteBody>;

export const UpdateSiteBody = z
  .strictObject({
    name: SiteName,
    domain: SiteDomain,
    timezone: TimeZone,
    respect_dnt: z.boolean(),
    enabled: z.boolean(),
  })
  .partial();
export type UpdateSiteBody = z.infer<typeof UpdateSiteBody>;

export const SiteParams = z.strictObject({ teamId: IdParam, siteId: IdParam });

export const Site = z.object({
  id: Id,
  name: z.string(),
  domain: z.string(),
  tracking_code: z.string(),
  /** The one line to paste into the page's <head>. */
  snippet: z.string(),
  timezone: z.string(),
  respect_dnt: z.boolean(),
  enabled: z.boolean(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Site = z.infer<typeof Site>;
export const SiteList = paginated(Site);
