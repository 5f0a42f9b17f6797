/**
 * What a public page (and a subscriber notice) may say about an incident (ADR 0073): shared by
 * the API's page model and the worker's notices, so the two can never say different things.
 */
export type PublicIncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';

/** Canned words for updates the system wrote: those may quote check errors, which never go public. */
export const PUBLIC_SYSTEM_MESSAGES: Record<PublicIncidentStatus, string> = {
  investigating: 'We are investigating a problem.',
  identified: 'The cause has been identified and a fix is under way.',
  monitoring: 'A fix has been put in place and we are monitoring the results.',
  resolved: 'This incident has been resolved.',
};

export function joinComponentNames(names: string[]): string {
  if (names.length <= 3) return names.join(', ');
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}

/** Manual incidents keep the team's title; automatic ones are named after the page's components. */
export function publicIncidentTitle(kind: string, title: string, severity: string, components: string[]): string {
  if (kind === 'manual') return title;
  return `${components.length ? `${joinComponentNames(components)}: ` : ''}${severity === 'minor' ? 'degraded performance' : 'outage'}`;
}

/** An update as the page shows it: a person's words as written, the system's as canned text. */
export function publicUpdateMessage(status: PublicIncidentStatus, message: string, byPerson: boolean): string {
  return byPerson ? message : PUBLIC_SYSTEM_MESSAGES[status];
}
