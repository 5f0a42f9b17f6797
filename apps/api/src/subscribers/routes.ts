import {
  ManageSubscription,
  NoticeSettings,
  NoticeSettingsBody,
  PublicSlugParams,
  StatusPageParams,
  TeamParams,
  SubscribeAccepted,
  SubscribeBody,
  SubscriberDeliveryList,
  SubscriberDeliveryQuery,
  SubscriberList,
  SubscriberListQuery,
  SubscriberParams,
  SubscriptionConfirmed,
  SubscriptionTokenBody,
  Unsubscribed,
  UpdateSubscriptionBody,
} from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../context';
import { BadRequest } from '../errors';
import * as service from './service';

const tags = ['status page subscribers'];

/**
 * Status-page subscribers (SPEC 10, 17; ADR 0130). Public routes are keyed by the page slug and
 * a token; team routes need status_pages.read / status_pages.write.
 */
export const subscriberRoutes: FastifyPluginAsyncZod = async (app) => {
  // RFC 8058 one-click unsubscribe: mail providers POST `List-Unsubscribe=One-Click` as a form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.post(
    '/public/status-pages/:slug/subscribers',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Subscribe to a status page (email double opt-in; webhook verified by a challenge; Slack, Discord)',
        security: [],
        // 403: the page's subscriber limit of its plan is reached.
        problems: [403],
        params: PublicSlugParams,
        body: SubscribeBody,
        response: { 202: SubscribeAccepted },
      },
    },
    async (req, reply) => reply.code(202).send(await service.subscribe(contextOf(req), req.params.slug, req.body, req.ip)),
  );

  app.post(
    '/public/subscriptions/confirm',
    {
      config: { public: true },
      schema: { tags, summary: 'Confirm an email subscription with the token of the confirmation link', security: [], problems: [410], body: SubscriptionTokenBody, response: { 200: SubscriptionConfirmed } },
    },
    async (req) => service.confirm(contextOf(req), req.body.token),
  );

  app.post(
    '/public/status-pages/:slug/unsubscribe',
    {
      config: { public: true, acceptForm: true },
      schema: {
        tags,
        summary: 'Unsubscribe at once: JSON {token}, or the RFC 8058 one-click form body with ?token=',
        security: [],
        params: PublicSlugParams,
        querystring: z.strictObject({ token: z.string().max(200).optional() }),
        body: z.union([SubscriptionTokenBody, z.object({ 'List-Unsubscribe': z.literal('One-Click') }).loose()]),
        response: { 200: Unsubscribed },
      },
    },
    async (req) => {
      const body = req.body as { token?: unknown };
      const token = typeof body.token === 'string' ? body.token : req.query.token;
      if (!token) throw new BadRequest('token is required (in the body or the query string).', { errors: [{ path: 'token', message: 'required' }] });
      return service.unsubscribe(contextOf(req), req.params.slug, token);
    },
  );

  app.get(
    '/public/status-pages/:slug/subscription',
    {
      config: { public: true },
      schema: { tags, summary: 'The subscription a manage token belongs to', security: [], params: PublicSlugParams, querystring: SubscriptionTokenBody, response: { 200: ManageSubscription } },
    },
    async (req, reply) => reply.header('cache-control', 'no-store').send(await service.manageView(contextOf(req), req.params.slug, req.query.token)),
  );

  app.put(
    '/public/status-pages/:slug/subscription',
    {
      config: { public: true },
      schema: { tags, summary: 'Change the components of a subscription (null = all)', security: [], params: PublicSlugParams, body: UpdateSubscriptionBody, response: { 200: ManageSubscription } },
    },
    async (req) => service.updateComponents(contextOf(req), req.params.slug, req.body.token, req.body.component_ids),
  );

  app.get(
    '/teams/:teamId/status-pages/:statusPageId/subscribers',
    {
      config: { permission: 'status_pages.read' },
      schema: { tags, summary: 'Subscribers of a page (search with q, newest first)', params: StatusPageParams, querystring: SubscriberListQuery, response: { 200: SubscriberList } },
    },
    async (req) => service.listSubscribers(contextOf(req), req.params.statusPageId, req.query),
  );

  app.get(
    '/teams/:teamId/status-pages/:statusPageId/subscribers.csv',
    { config: { permission: 'status_pages.read' }, schema: { tags, summary: 'Every subscriber of a page as CSV', params: StatusPageParams, produces: ['text/csv'] } },
    async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="subscribers-${req.params.statusPageId}.csv"`)
        .header('cache-control', 'no-store')
        .send(await service.exportSubscribers(contextOf(req), req.params.statusPageId)),
  );

  app.delete(
    '/teams/:teamId/status-pages/:statusPageId/subscribers/:subscriberId',
    { config: { permission: 'status_pages.write' }, schema: { tags, summary: 'Remove a subscriber (their address is erased)', params: SubscriberParams } },
    async (req, reply) => {
      await service.removeSubscriber(contextOf(req), req.params.statusPageId, req.params.subscriberId);
      return reply.code(204).send();
    },
  );

  app.get(
    '/teams/:teamId/status-pages/:statusPageId/notices',
    { config: { permission: 'status_pages.read' }, schema: { tags, summary: 'Subscriber counts and whether notices are paused', params: StatusPageParams, response: { 200: NoticeSettings } } },
    async (req) => service.noticeSettings(contextOf(req), req.params.statusPageId),
  );

  app.put(
    '/teams/:teamId/status-pages/:statusPageId/notices',
    {
      config: { permission: 'status_pages.write' },
      schema: { tags, summary: 'Pause or resume subscriber notices of a page', params: StatusPageParams, body: NoticeSettingsBody, response: { 200: NoticeSettings } },
    },
    async (req) => service.setNoticesPaused(contextOf(req), req.params.statusPageId, req.body.notices_paused),
  );

  app.get(
    '/teams/:teamId/subscriber-deliveries',
    {
      config: { permission: 'status_pages.read' },
      schema: { tags, summary: 'Delivery log of subscriber messages (notices, confirmations), newest first', params: TeamParams, querystring: SubscriberDeliveryQuery, response: { 200: SubscriberDeliveryList } },
    },
    async (req) => service.listDeliveries(contextOf(req), req.query),
  );
};
