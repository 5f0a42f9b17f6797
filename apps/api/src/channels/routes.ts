import { ChannelList, ChannelParams, Channel, CreateChannelBody, CreatedChannel, PaginationQuery, TeamParams, TestAlertResult, UpdateChannelBody } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import { numericCursor } from '../pagination';
import * as service from './service';

const tags = ['channels'];

/** Notification channels (SPEC 4.4, 7). Reads need channels.read, changes and tests channels.write. */
export const channelRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/channels',
    {
      config: { permission: 'channels.read' },
      schema: { tags, summary: 'Notification channels of the team (secrets masked)', params: TeamParams, querystring: PaginationQuery, response: { 200: ChannelList } },
    },
    async (req) => service.listChannels(contextOf(req), req.query.limit, numericCursor(req.query.cursor)),
  );

  app.post(
    '/teams/:teamId/channels',
    {
      config: { permission: 'channels.write' },
      schema: {
        tags,
        summary: 'Create a channel; a webhook without `secret` gets a generated whsec_ secret, returned once in `secret`',
        params: TeamParams,
        body: CreateChannelBody,
        response: { 201: CreatedChannel },
      },
    },
    async (req, reply) => reply.code(201).send(await service.createChannel(contextOf(req), req.body)),
  );

  app.get(
    '/teams/:teamId/channels/:channelId',
    { config: { permission: 'channels.read' }, schema: { tags, summary: 'A channel (secrets masked)', params: ChannelParams, response: { 200: Channel } } },
    async (req) => service.getChannel(contextOf(req), req.params.channelId),
  );

  app.patch(
    '/teams/:teamId/channels/:channelId',
    {
      config: { permission: 'channels.write' },
      schema: {
        tags,
        summary: 'Change a channel; secret config fields left out keep their value; enabling clears disabled_reason',
        params: ChannelParams,
        body: UpdateChannelBody,
        response: { 200: Channel },
      },
    },
    async (req) => service.updateChannel(contextOf(req), req.params.channelId, req.body),
  );

  app.delete(
    '/teams/:teamId/channels/:channelId',
    { config: { permission: 'channels.write' }, schema: { tags, summary: 'Delete a channel (its routing and delivery log go with it)', params: ChannelParams } },
    async (req, reply) => {
      await service.deleteChannel(contextOf(req), req.params.channelId);
      return reply.code(204).send();
    },
  );

  app.post(
    '/teams/:teamId/channels/:channelId/test',
    {
      config: { permission: 'channels.write' },
      schema: {
        tags,
        summary: 'Send a test message through the channel; the outcome appears in the delivery log under alert_id',
        params: ChannelParams,
        response: { 202: TestAlertResult },
      },
    },
    async (req, reply) => reply.code(202).send(await service.sendTest(contextOf(req), req.params.channelId)),
  );
};
