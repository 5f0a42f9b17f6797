import { ApiTokenList, ApiTokenParams, CreateApiTokenBody, CreatedApiToken, TeamParams } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import * as service from './service';

const tags = ['api-tokens'];

/**
 * Team API tokens (SPEC 12/17). Managed with members.manage (owners and admins), which no token
 * can hold, so tokens never manage tokens (ADR 0160).
 */
export const apiTokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const base = '/teams/:teamId/api-tokens';
  app.get(
    base,
    { config: { permission: 'members.manage' }, schema: { tags, summary: "The team's API tokens (never their secrets)", params: TeamParams, response: { 200: ApiTokenList } } },
    async (req) => service.listTokens(contextOf(req)),
  );
  app.post(
    base,
    { config: { permission: 'members.manage' }, schema: { tags, summary: 'Create an API token (the secret is shown only in this answer)', params: TeamParams, body: CreateApiTokenBody, response: { 201: CreatedApiToken } } },
    async (req, reply) => reply.code(201).send(await service.createToken(contextOf(req), req.body)),
  );
  app.delete(
    `${base}/:tokenId`,
    { config: { permission: 'members.manage' }, schema: { tags, summary: 'Revoke an API token (immediately, on every API process)', params: ApiTokenParams } },
    async (req, reply) => {
      await service.revokeToken(contextOf(req), req.params.tokenId);
      return reply.code(204).send();
    },
  );
};
