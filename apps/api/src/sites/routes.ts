import { CreateSiteBody, PaginationQuery, Site, SiteList, SiteParams, TeamParams, UpdateSiteBody } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as sites from './service';

const tags = ['sites'];

export const siteRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/sites',
    { config: { permission: 'sites.read' }, schema: { tags, summary: 'Sites of the team', params: TeamParams, querystring: PaginationQuery, response: { 200: SiteList } } },
    async (req) => sites.listSites(contextOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );

  app.post(
    '/teams/:teamId/sites',
    {
      config: { permission: 'sites.write' },
      schema: { tags, summary: 'Add a site; the response carries the tracking snippet', problems: [409], params: TeamParams, body: CreateSiteBody, response: { 201: Site } },
    },
    async (req, reply) => reply.code(201).send(await sites.createSite(contextOf(req), req.body)),
  );

  app.get(
    '/teams/:teamId/sites/:siteId',
    { config: { permission: 'sites.read' }, schema: { tags, summary: 'One site', params: SiteParams, response: { 200: Site } } },
    async (req) => sites.getSite(contextOf(req), req.params.siteId),
  );

  app.patch(
    '/teams/:teamId/sites/:siteId',
    { config: { permission: 'sites.write' }, schema: { tags, summary: 'Change a site', problems: [409], params: SiteParams, body: UpdateSiteBody, response: { 200: Site } } },
    async (req) => {
      const { site, trackingCode } = await sites.updateSite(contextOf(req), req.params.siteId, req.body);
      // This process sees the change at once; others within the collect cache's 30 s.
      app.analytics.forgetSite(trackingCode);
      return site;
    },
  );

  app.delete(
    '/teams/:teamId/sites/:siteId',
    { config: { permission: 'sites.write' }, schema: { tags, summary: 'Delete the site and its analytics', params: SiteParams } },
    async (req, reply) => {
      app.analytics.forgetSite(await sites.deleteSite(contextOf(req), req.params.siteId));
      return reply.code(204).send();
    },
  );
};
