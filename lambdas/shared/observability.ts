/**
 * The one wrapper every Lambda goes through: middy with the Powertools logger (level and service
 * from the environment, Lambda context in every line, state cleared between invocations).
 * Never log customer emails, IBANs or request bodies.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';

export const logger = new Logger();

export function wrapHandler<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler).use(injectLambdaContext(logger, { clearState: true }));
}
