/**
 * Stand-in bundled only when the context flag `allowMissingSources` is set and a declared handler
 * entry does not exist yet (tests and synth while the handlers are being written). It fails every
 * invocation so that a deployment built with it cannot be mistaken for a working one.
 */
export const handler = async (): Promise<never> => {
  throw new Error(`The handler entry of ${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'this function'} was missing at synth time`);
};
