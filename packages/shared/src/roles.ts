import { z } from 'zod';

export const Role = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof Role>;

export const Permission = z.enum([
  'team.read',
  'team.update',
  'team.delete',
  'team.plan',
  'team.transfer',
  'team.security',
  'members.read',
  'members.manage',
  'monitors.read',
  'monitors.write',
  'incidents.read',
  'incidents.write',
  'incidents.respond',
  'channels.read',
  'channels.write',
  'status_pages.read',
  'status_pages.write',
  'sites.read',
  'sites.write',
]);
export type Permission = z.infer<typeof Permission>;

const readAll: Permission[] = [
  'team.read',
  'members.read',
  'monitors.read',
  'incidents.read',
  'channels.read',
  'status_pages.read',
  'sites.read',
];
const manage: Permission[] = [
  'team.update',
  'members.manage',
  'monitors.write',
  'incidents.write',
  'channels.write',
  'status_pages.write',
  'sites.write',
];

/**
 * The one permission table. Every team-scoped route names the permission it needs and the API
 * consults this table; the dashboard uses it to hide what a role cannot do.
 * - owner: everything, including plan, deleting the team and transferring ownership
 * - admin: manage everything in the team, members except owners
 * - member: read everything, respond to incidents (post updates, acknowledge)
 */
export const PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(Permission.options),
  admin: new Set<Permission>([...readAll, ...manage, 'incidents.respond']),
  member: new Set<Permission>([...readAll, 'incidents.respond']),
};

export function can(role: Role, permission: Permission): boolean {
  return PERMISSIONS[role].has(permission);
}

/** Which roles `actor` may hand out or take away (owners only change through transfer). */
export function canAssignRole(actor: Role, target: Role): boolean {
  if (target === 'owner') return false;
  return actor === 'owner' || actor === 'admin';
}
