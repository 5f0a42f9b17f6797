import { CreateGoalBody, Goal, GoalList, GoalParams, GoalsQuery, SiteStatsParams } from '@sentrypulse/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../context';
import * as goals from './service';

const tags = ['analytics'];

export const goalRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/teams/:teamId/sites/:siteId/goals',
    {
      config: { permission: 'sites.read' },
      schema: {
        tags,
        summary: 'Goals with visitors, conversions, conversion rate and change vs the previous period',
        params: SiteStatsParams,
        querystring: GoalsQuery,
        response: { 200: GoalList },
      },
    },
    async (req) => goals.listGoals(contextOf(req), req.params.siteId, req.query),
  );

  app.post(
    '/teams/:teamId/sites/:siteId/goals',
    {
      config: { permission: 'sites.write' },
      schema: { tags, summary: 'Add a goal: a page path pattern (`*` matches anything) or a custom event, optionally with property values', problems: [409], params: SiteStatsParams, body: CreateGoalBody, response: { 201: Goal } },
    },
    async (req, reply) => reply.code(201).send(await goals.createGoal(contextOf(req), req.params.siteId, req.body)),
  );

  app.delete(
    '/teams/:teamId/sites/:siteId/goals/:goalId',
    { config: { permission: 'sites.write' }, schema: { tags, summary: 'Delete a goal and its rollups', params: GoalParams } },
    async (req, reply) => {
      await goals.deleteGoal(contextOf(req), req.params.siteId, req.params.goalId);
      return reply.code(204).send();
    },
  );
};
