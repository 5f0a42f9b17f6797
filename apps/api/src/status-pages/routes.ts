import {
  CreateStatusPageBody,
  PaginationQuery,
  PublicStatusPage,
  StatusPage,
  StatusPageList,
  StatusPageParams,
  TeamParams,
  UpdateStatusPageBody,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as service from './service';

const tags = ['status pages'];

/** Team-side CRUD of status pages (SPEC 4.5, 7). Reads need status_pages.read, changes status_pages.write. */
export const statusPageRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/status-pages',
    {
      config: { permission: 'status_pages.read' },
      schema: { tags, summary: 'Status pages of the team', params: TeamParams, querystring: PaginationQuery, response: { 200: StatusPageList } },
    },
    async (req) => service.listStatusPages(contextOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );

  app.post(
    '/teams/:teamId/status-pages',
    {
      config: { permission: 'status_pages.write' },
      schema: { tags, summary: 'Create a status page', problems: [409], params: TeamParams, body: CreateStatusPageBody, response: { 201: StatusPage } },
    },
    async (req, reply) => reply.code(201).send(await service.createStatusPage(contextOf(req), req.body)),
  );

  app.get(
    '/teams/:teamId/status-pages/:statusPageId',
    { config: { permission: 'status_pages.read' }, schema: { tags, summary: 'One status page', params: StatusPageParams, response: { 200: StatusPage } } },
    async (req) => service.getStatusPage(contextOf(req), req.params.statusPageId),
  );

  app.patch(
    '/teams/:teamId/status-pages/:statusPageId',
    {
      config: { permission: 'status_pages.write' },
      schema: {
        tags,
        summary: 'Change a status page; `components`, when given, replaces the list',
        problems: [409],
        params: StatusPageParams,
        body: UpdateStatusPageBody,
        response: { 200: StatusPage },
      },
    },
    async (req) => service.updateStatusPage(contextOf(req), req.params.statusPageId, req.body),
  );

  app.delete(
    '/teams/:teamId/status-pages/:statusPageId',
    { config: { permission: 'status_pages.write' }, schema: { tags, summary: 'Delete a status page', params: StatusPageParams } },
    async (req, reply) => {
      await service.deleteStatusPage(contextOf(req), req.params.statusPageId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/teams/:teamId/status-pages/:statusPageId/preview',
    {
      config: { permission: 'status_pages.read' },
      schema: {
        tags,
        summary: 'The public JSON of the page as visitors would see it, also for private pages (never cached)',
        params: StatusPageParams,
        response: { 200: PublicStatusPage },
      },
    },
    async (req, reply) => {
      const page = await service.previewStatusPage(contextOf(req), req.params.statusPageId);
      reply.header('cache-control', 'private, no-store');
      return page;
    },
  );
};
