import { DomainStatus, StatusPageParams } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import * as service from './service';

const tags = ['status pages'];

/** Custom-domain verification status and "check now" (ADR 0137). */
export const customDomainRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/status-pages/:statusPageId/domain',
    { config: { permission: 'status_pages.read' }, schema: { tags, summary: 'Custom domain verification: the TXT record to add and its state', params: StatusPageParams, response: { 200: DomainStatus } } },
    async (req) => service.domainStatus(contextOf(req), req.params.statusPageId),
  );
  app.post(
    '/teams/:teamId/status-pages/:statusPageId/domain/verify',
    { config: { permission: 'status_pages.write' }, schema: { tags, summary: 'Look for the TXT record now: 200 verified, 400 saying what was found', params: StatusPageParams, response: { 200: DomainStatus } } },
    async (req) => service.checkNow(contextOf(req), req.params.statusPageId),
  );
};
