import { z } from 'zod';
import { Email, Id, IdParam, IsoDateTime, paginated } from './common';
import { Plan, PlanLimits } from './plans';
import { Role } from './roles';

export const TeamName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const TeamParams = z.strictObject({ teamId: IdParam });
export const MemberParams = z.strictObject({ teamId: IdParam, userId: IdParam });
export const InvitationParams = z.strictObject({ teamId: IdParam, invitationId: IdParam });
export const InvitationTokenParams = z.strictObject({ token: z.string().min(20).max(100) });

export const CreateTeamBody = z.strictObject({ name: TeamName });
export const UpdateTeamBody = z.strictObject({ name: TeamName });
export const ChangePlanBody = z.strictObject({ plan: Plan });
export const TransferOwnershipBody = z.strictObject({ user_id: Id });

export const Team = z.object({
  id: Id,
  name: z.string(),
  plan: Plan,
  role: Role,
  owner_id: Id,
  limits: PlanLimits,
  created_at: IsoDateTime,
});
export type Team = z.infer<typeof Team>;
export const TeamList = z.object({ items: z.array(Team) });

export const Member = z.object({
  user_id: Id,
  name: z.string(),
  email: z.string(),
  role: Role,
  joined_at: IsoDateTime,
});
export type Member = z.infer<typeof Member>;
export const MemberList = paginated(Member);

export const ChangeRoleBody = z.strictObject({ role: Role });

export const InviteRole = Role.exclude(['owner']);
export const CreateInvitationBody = z.strictObject({ email: Email, role: InviteRole });
export type CreateInvitationBody = z.infer<typeof CreateInvitationBody>;

export const Invitation = z.object({
  id: Id,
  email: z.string(),
  role: Role,
  invited_by: Id,
  expires_at: IsoDateTime,
  created_at: IsoDateTime,
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationList = paginated(Invitation);

/** Returned once, on creation: the link carries the secret token. */
export const CreatedInvitation = Invitation.extend({ token: z.string(), accept_url: z.string() });

export const InvitationPreview = z.object({
  team_name: z.string(),
  email: z.string(),
  role: Role,
  invited_by_name: z.string(),
  expires_at: IsoDateTime,
});
