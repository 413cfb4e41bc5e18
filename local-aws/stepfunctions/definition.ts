/**
 * Prepares an ASL definition (JSONPath) for `aws-local-stepfunctions`, so that the parts the library
 * does not do the AWS way are done by this service's task handlers:
 *
 * - every Task state is answered by a local handler (the library's `taskResourceLocalHandlers`,
 *   keyed by state name, so state names must be unique in the whole definition, as on AWS);
 *   its `Parameters` are wrapped as `{ localsfn_parameters: <Parameters>, localsfn_timeoutSeconds.$: <TimeoutSecondsPath>, ... }`
 *   so the handler also gets the dynamic timeouts; the library's own 60 s default timeout is
 *   replaced by the largest one its `setTimeout` can hold (the service times tasks on the local clock);
 * - Wait states become Tasks of the internal resource {@link INTERNAL_WAIT_RESOURCE}, so they wait
 *   on the local clock (the library sleeps in real time); their output is their input, as a Wait's;
 * - `$$.Task.*`, `$$.State.*` and a bare `$$` in the Parameters of Task (and Pass) states become
 *   placeholders that the handler substitutes (Pass states that use them become internal Tasks);
 * - `$$.Execution.*` is read from a context member the library does not overwrite inside Map and
 *   Parallel branches (`$$.LocalExecution`), so it is the execution's everywhere;
 * - the top-level `TimeoutSeconds` is taken out (the service times executions on the local clock).
 *
 * Not supported (refused here with a clear error): JSONata, variables (`Assign`), distributed Map
 * with `ItemReader`/`ItemBatcher`/`ResultWriter`.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { parseTaskResource, isJsonObject, type TaskResource } from './integrations';
import type { JsonObject, JsonValue } from './types';

/** Resource of the Tasks that stand for Wait states (answered by the engine, waiting on the local clock). */
export const INTERNAL_WAIT_RESOURCE = 'arn:aws:states:::localsfn:wait';
/** Resource of the Tasks that stand for Pass states reading `$$.State`/`$$.Task` (answered by the engine). */
export const INTERNAL_PASS_RESOURCE = 'arn:aws:states:::localsfn:pass';
/** Members of the wrapped input the handlers receive. */
export const WRAP = {
  parameters: 'localsfn_parameters',
  timeoutSeconds: 'localsfn_timeoutSeconds',
  heartbeatSeconds: 'localsfn_heartbeatSeconds',
  seconds: 'localsfn_seconds',
  timestamp: 'localsfn_timestamp',
} as const;
/** The largest whole number of seconds the library's `setTimeout` can hold (2^31-1 ms). */
const LIBRARY_TASK_TIMEOUT_SECONDS = 2_147_483;

/** The ASL state types. */
export type AslStateType = 'Task' | 'Parallel' | 'Map' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';

/** One `Retry` entry of a state. */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** A state of the original definition and how the service runs it. */
export interface PreparedState {
  readonly name: string;
  /** The type in the original definition (a Wait stays `Wait` even though the library sees a Task). */
  readonly type: AslStateType;
  /** The state as written in the original definition. */
  readonly definition: JsonObject;
  /** Which local handler answers it, if any. */
  readonly handler?: 'task' | 'wait' | 'pass';
  readonly resource?: TaskResource;
  readonly retriers: readonly Retrier[];
}

/** A definition ready to run. */
export interface PreparedDefinition {
  /** The definition as given, serialised (what DescribeStateMachine returns). */
  readonly text: string;
  /** The library state machine over the rewritten definition. */
  readonly machine: StateMachine;
  /** Every state, nested ones included, by name. */
  readonly states: ReadonlyMap<string, PreparedState>;
  /** Top-level `TimeoutSeconds`, if any. */
  readonly timeoutSeconds?: number;
  /** States answered by a local handler. */
  readonly handlerStates: readonly string[];
  /** States with a `Retry` field. */
  readonly retryStates: readonly string[];
}

/** Rewrites `$$.Execution` to the context member that Map/Parallel branches do not overwrite. */
export function rewriteContextPath(expression: string): string {
  return expression.replace(/\$\$\.Execution(?=$|[.[\s,)])/g, () => '$$.LocalExecution');
}

/** Paths the handlers resolve: a bare `$$`, `$$.State...`, `$$.Task...`. */
const DYNAMIC_PATH = /^\$\$(?:\.(?:State|Task)(?:[.[].*)?)?$/;
const DYNAMIC_IN_INTRINSIC = /\$\$(?:\.(?:State|Task)(?:\.[A-Za-z]+)*)?(?=\s*[,)])/g;
/** Placeholder text the handlers replace with the context value (see `substituteContext` in the engine). */
export const PLACEHOLDER = /@@localsfn:(\$\$[^@]*)@@/g;

function placeholderFor(path: string): string {
  return `@@localsfn:${path}@@`;
}

function hasDynamicReferences(template: JsonValue): boolean {
  if (Array.isArray(template)) return template.some(hasDynamicReferences);
  if (!isJsonObject(template)) return false;
  return Object.entries(template).some(([key, value]) => {
    if (key.endsWith('.$') && typeof value === 'string') {
      if (DYNAMIC_PATH.test(value)) return true;
      return !value.startsWith('$') && new RegExp(DYNAMIC_IN_INTRINSIC.source).test(value);
    }
    return hasDynamicReferences(value);
  });
}

/** Rewrites the paths of a payload template; with `placeholders`, dynamic context paths become placeholders. */
function transformTemplate(template: JsonValue, placeholders: boolean): JsonValue {
  if (Array.isArray(template)) return template.map((item) => transformTemplate(item, placeholders));
  if (!isJsonObject(template)) return template;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      if (placeholders && DYNAMIC_PATH.test(value)) {
        result[key.slice(0, -2)] = placeholderFor(value);
        continue;
      }
      const expression =
        placeholders && !value.startsWith('$') ? value.replace(DYNAMIC_IN_INTRINSIC, (ref) => `'${placeholderFor(ref)}'`) : value;
      result[key] = rewriteContextPath(expression);
    } else {
      result[key] = transformTemplate(value, placeholders);
    }
  }
  return result;
}

function rewriteChoiceRule(rule: JsonValue): JsonValue {
  if (!isJsonObject(rule)) return rule;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(rule)) {
    if ((key === 'And' || key === 'Or') && Array.isArray(value)) result[key] = value.map(rewriteChoiceRule);
    else if (key === 'Not') result[key] = rewriteChoiceRule(value);
    else if ((key === 'Variable' || key.endsWith('Path')) && typeof value === 'string') result[key] = rewriteContextPath(value);
    else result[key] = value;
  }
  return result;
}

interface PrepareContext {
  readonly machineName: string;
  readonly states: Map<string, PreparedState>;
  readonly handlerStates: string[];
  readonly retryStates: string[];
}

function fail(context: PrepareContext, message: string): never {
  throw new Error(`State machine ${context.machineName}: ${message}`);
}

function stringField(state: JsonObject, field: string): string | undefined {
  const value = state[field];
  return typeof value === 'string' ? value : undefined;
}

/** Copies the fields that keep a state's place in the graph and its input/output paths. */
function flowFields(state: JsonObject, fields: readonly string[]): JsonObject {
  const result: JsonObject = {};
  for (const field of ['Comment', 'Next', 'End', ...fields]) {
    const value = state[field];
    if (value === undefined) continue;
    result[field] = typeof value === 'string' && field.endsWith('Path') ? rewriteContextPath(value) : value;
  }
  return result;
}

function rewriteStates(states: JsonValue, context: PrepareContext): JsonObject {
  if (!isJsonObject(states)) fail(context, 'States must be an object');
  const result: JsonObject = {};
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) fail(context, `state ${name} must be an object`);
    result[name] = rewriteState(name, state, context);
  }
  return result;
}

function rewriteSubMachine(machine: JsonValue, context: PrepareContext, where: string): JsonObject {
  if (!isJsonObject(machine)) fail(context, `${where} must be an object`);
  return { ...machine, States: rewriteStates(machine['States'] ?? null, context) };
}

function rewriteState(name: string, state: JsonObject, context: PrepareContext): JsonObject {
  if (context.states.has(name)) fail(context, `the state name ${name} is used twice; state names must be unique in the whole definition`);
  if (state['QueryLanguage'] === 'JSONata') fail(context, `state ${name} uses JSONata, which the local Step Functions service does not run`);
  for (const unsupported of ['Assign', 'Arguments', 'Output']) {
    if (unsupported in state) fail(context, `state ${name} uses ${unsupported} (variables/JSONata), which the local Step Functions service does not run`);
  }
  const type = state['Type'] as AslStateType;
  const retriers = Array.isArray(state['Retry']) ? (state['Retry'] as unknown as Retrier[]) : [];
  if (retriers.length > 0) context.retryStates.push(name);
  const register = (extra: Partial<PreparedState> = {}): void => {
    context.states.set(name, { name, type, definition: state, retriers, ...extra });
  };

  switch (type) {
    case 'Task': {
      const resource = parseTaskResource(stringField(state, 'Resource') ?? '');
      register({ handler: 'task', resource });
      context.handlerStates.push(name);
      const parameters: JsonObject =
        state['Parameters'] === undefined
          ? { [`${WRAP.parameters}.$`]: '$' }
          : { [WRAP.parameters]: transformTemplate(state['Parameters'], true) };
      const timeoutPath = stringField(state, 'TimeoutSecondsPath');
      const heartbeatPath = stringField(state, 'HeartbeatSecondsPath');
      if (timeoutPath) parameters[`${WRAP.timeoutSeconds}.$`] = rewriteContextPath(timeoutPath);
      if (heartbeatPath) parameters[`${WRAP.heartbeatSeconds}.$`] = rewriteContextPath(heartbeatPath);
      const rewritten: JsonObject = {
        ...flowFields(state, ['InputPath', 'ResultPath', 'OutputPath']),
        Type: 'Task',
        Resource: stringField(state, 'Resource') ?? '',
        Parameters: parameters,
        TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
      };
      if (state['ResultSelector'] !== undefined) rewritten['ResultSelector'] = transformTemplate(state['ResultSelector'], false);
      if (state['Retry'] !== undefined) rewritten['Retry'] = state['Retry'];
      if (state['Catch'] !== undefined) rewritten['Catch'] = state['Catch'];
      return rewritten;
    }
    case 'Wait': {
      register({ handler: 'wait' });
      context.handlerStates.push(name);
      const parameters: JsonObject = { [`${WRAP.parameters}.$`]: '$' };
      const secondsPath = stringField(state, 'SecondsPath');
      const timestampPath = stringField(state, 'TimestampPath');
      if (secondsPath) parameters[`${WRAP.seconds}.$`] = rewriteContextPath(secondsPath);
      if (timestampPath) parameters[`${WRAP.timestamp}.$`] = rewriteContextPath(timestampPath);
      return {
        ...flowFields(state, ['InputPath', 'OutputPath']),
        Type: 'Task',
        Resource: INTERNAL_WAIT_RESOURCE,
        Parameters: parameters,
        TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
      };
    }
    case 'Pass': {
      if (state['Parameters'] !== undefined && hasDynamicReferences(state['Parameters'])) {
        register({ handler: 'pass' });
        context.handlerStates.push(name);
        return {
          ...flowFields(state, ['InputPath', 'ResultPath', 'OutputPath']),
          Type: 'Task',
          Resource: INTERNAL_PASS_RESOURCE,
          Parameters: { [WRAP.parameters]: transformTemplate(state['Parameters'], true) },
          TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
        };
      }
      register();
      const rewritten: JsonObject = { ...state, ...flowFields(state, ['InputPath', 'OutputPath']) };
      if (state['Parameters'] !== undefined) rewritten['Parameters'] = transformTemplate(state['Parameters'], false);
      return rewritten;
    }
    case 'Map': {
      register();
      for (const unsupported of ['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailurePercentage', 'ToleratedFailureCount']) {
        if (unsupported in state) fail(context, `Map state ${name} uses ${unsupported} (distributed Map), which the local Step Functions service does not run`);
      }
      const rewritten: JsonObject = { ...state, ...flowFields(state, ['InputPath', 'OutputPath', 'ItemsPath', 'MaxConcurrencyPath']) };
      for (const field of ['ItemSelector', 'Parameters', 'ResultSelector']) {
        if (state[field] !== undefined) rewritten[field] = transformTemplate(state[field], false);
      }
      const processorField = state['ItemProcessor'] !== undefined ? 'ItemProcessor' : 'Iterator';
      rewritten[processorField] = rewriteSubMachine(state[processorField] ?? null, context, `${processorField} of Map state ${name}`);
      return rewritten;
    }
    case 'Parallel': {
      register();
      const rewritten: JsonObject = { ...state, ...flowFields(state, ['InputPath', 'OutputPath']) };
      for (const field of ['Parameters', 'ResultSelector']) {
        if (state[field] !== undefined) rewritten[field] = transformTemplate(state[field], false);
      }
      const branches = state['Branches'];
      if (!Array.isArray(branches)) fail(context, `Parallel state ${name} needs Branches`);
      rewritten['Branches'] = branches.map((branch, index) => rewriteSubMachine(branch, context, `branch ${index} of Parallel state ${name}`));
      return rewritten;
    }
    case 'Choice': {
      register();
      const choices = state['Choices'];
      return {
        ...state,
        ...flowFields(state, ['InputPath', 'OutputPath']),
        Choices: Array.isArray(choices) ? choices.map(rewriteChoiceRule) : [],
      };
    }
    case 'Fail': {
      register();
      return { ...state, ...flowFields(state, ['ErrorPath', 'CausePath']) };
    }
    case 'Succeed': {
      register();
      return { ...state, ...flowFields(state, ['InputPath', 'OutputPath']) };
    }
    default:
      return fail(context, `state ${name} has the unknown Type ${String(state['Type'])}`);
  }
}

/** Definitions the ASL validator accepted (it takes a few hundred ms per definition). */
const VALID_DEFINITIONS = new Set<string>();

/**
 * Validates the definition (the library's ASL validator) and prepares it. Throws an `Error` naming
 * the state machine when the definition is invalid or uses what the service does not run.
 */
export function prepareDefinition(machineName: string, definition: JsonObject): PreparedDefinition {
  const context: PrepareContext = { machineName, states: new Map(), handlerStates: [], retryStates: [] };
  // Copies: the caller's object stays untouched, and the validator adds members to what it validates.
  const text = JSON.stringify(definition, null, 2);
  definition = JSON.parse(text) as JsonObject;
  if (definition['QueryLanguage'] === 'JSONata') fail(context, 'JSONata definitions are not run by the local Step Functions service');
  if (!VALID_DEFINITIONS.has(text)) {
    try {
      new StateMachine(JSON.parse(text) as StateMachineDefinition);
    } catch (error) {
      fail(context, error instanceof Error ? error.message : String(error));
    }
    VALID_DEFINITIONS.add(text);
  }
  const rewritten: JsonObject = {
    StartAt: definition['StartAt'] ?? null,
    States: rewriteStates(definition['States'] ?? null, context),
  };
  const timeoutSeconds = definition['TimeoutSeconds'];
  const machine = new StateMachine(rewritten as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
  return {
    text,
    machine,
    states: context.states,
    ...(typeof timeoutSeconds === 'number' ? { timeoutSeconds } : {}),
    handlerStates: context.handlerStates,
    retryStates: context.retryStates,
  };
}
