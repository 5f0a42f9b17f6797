import { CreateSiteBody, PaginationQuery, Site, SiteList, SiteParams, TeamParams, UpdateSiteBody } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { teamOf } from '../plugins/access';
import { numericCursor } from '../teams/routes';
import * as sites from './service';

const tags = ['sites'];

export const siteRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.db;
  const base = app.config.apiPublicUrl;

  app.get(
    '/teams/:teamId/sites',
    { config: { permission: 'sites.read' }, schema: { tags, params: TeamParams, querystring: PaginationQuery, response: { 200: SiteList } } },
    async (req) => sites.listSites(db, teamOf(req), req.query.limit, numericCursor(req.query.cursor), base),
  );

  app.post(
    '/teams/:teamId/sites',
    {
      config: { permission: 'sites.write' },
      schema: { tags, summary: 'Add a site; the response carries the tracking snippet', params: TeamParams, body: CreateSiteBody, response: { 201: Site } },
    },
    async (req, reply) => reply.code(201).send(await sites.createSite(db, teamOf(req), req.body, base)),
  );

  app.get(
    '/teams/:teamId/sites/:siteId',
    { config: { permission: 'sites.read' }, schema: { tags, params: SiteParams, response: { 200: Site } } },
    async (req) => sites.getSite(db, teamOf(req), req.params.siteId, base),
  );

  app.patch(
    '/teams/:teamId/sites/:siteId',
    { config: { permission: 'sites.write' }, schema: { tags, params: SiteParams, body: UpdateSiteBody, response: { 200: Site } } },
    async (req) => {
      const { site, trackingCode } = await sites.updateSite(db, teamOf(req), req.params.siteId, req.body, base);
      // This process sees the change at once; others within the collect cache's 30 s.
      app.analytics.forgetSite(trackingCode);
      return site;
    },
  );

  app.delete(
    '/teams/:teamId/sites/:siteId',
    { config: { permission: 'sites.write' }, schema: { tags, summary: 'Delete the site and its analytics', params: SiteParams } },
    async (req, reply) => {
      app.analytics.forgetSite(await sites.deleteSite(db, teamOf(req), req.params.siteId));
      return reply.code(204).send();
    },
  );
};
