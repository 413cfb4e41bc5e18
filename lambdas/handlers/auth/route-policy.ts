/**
 * The IAM policy the authorizer answers with, built from the route table, and its evaluation as
 * API Gateway does it (the local gateway uses the same {@link policyAllows}).
 *
 * An execute-api resource names a route as `<stage ARN>/<METHOD>/<path>`, a path parameter as `*`.
 * IAM's `*` also matches `/`, so `GET/orders/*` (for `GET /orders/{orderId}`) alone would also let
 * the caller reach `GET /orders/{orderId}/execution`. The policy therefore allows exactly the
 * role's routes and explicitly denies every route the role may not call that one of those
 * patterns reaches (an explicit deny wins over any allow). One answer covers all of the role's
 * routes, so API Gateway may cache it per key.
 */
import { routes as declaredRoutes, type RouteDefinition, type Role } from '../../../lib/definitions/routes';

export interface PolicyStatement {
  readonly Action: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Resource: string | string[];
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: PolicyStatement[];
}

/** `arn:aws:execute-api:region:account:apiId/stage/GET/orders/x` -> `arn:...:apiId/stage`. */
export function stageArn(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  return `${apiArn}/${stage}`;
}

/** The execute-api resource of a route: `<stage ARN>/<METHOD><path>` with `*` for each path parameter. */
export function routeResource(base: string, route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${base}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}`;
}

/** A request path of the route (each parameter `x`): what the route's resource is checked against. */
function samplePath(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method}${route.path.replace(/\{[^}]+\}/g, 'x')}`;
}

/** IAM-style match of an execute-api ARN pattern (`*` any characters, `/` included; `?` one character). */
export function arnMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`).test(arn);
}

/** The resources the role may call: exactly its routes. */
export function allowedResources(methodArn: string, role: Role, table: readonly RouteDefinition[] = declaredRoutes): string[] {
  const base = stageArn(methodArn);
  return table.filter((r) => r.access.includes(role)).map((r) => routeResource(base, r));
}

/**
 * The resources denied explicitly: every route the role may not call that one of its allowed
 * resources would reach (a sub-route of a route it may call, such as `GET /orders/{orderId}/execution`
 * under `GET /orders/{orderId}`).
 */
export function deniedResources(methodArn: string, role: Role, table: readonly RouteDefinition[] = declaredRoutes): string[] {
  const base = stageArn(methodArn);
  const allowed = allowedResources(methodArn, role, table);
  return table
    .filter((r) => !r.access.includes(role))
    .filter((r) => allowed.some((pattern) => arnMatches(pattern, `${base}/${samplePath(r)}`)))
    .map((r) => routeResource(base, r));
}

/** The policy for a caller of `role`: allow its routes, deny the other routes those would reach. */
export function policyFor(methodArn: string, role: Role, table: readonly RouteDefinition[] = declaredRoutes): PolicyDocument {
  const statements: PolicyStatement[] = [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allowedResources(methodArn, role, table) }];
  const denied = deniedResources(methodArn, role, table);
  if (denied.length > 0) statements.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: denied });
  return { Version: '2012-10-17', Statement: statements };
}

/** Whether the policy lets the caller invoke `methodArn`, as IAM decides: an explicit deny wins, then an allow. */
export function policyAllows(policy: { readonly Statement: readonly unknown[] }, methodArn: string): boolean {
  const matching = (effect: 'Allow' | 'Deny') =>
    policy.Statement.some((statement) => {
      const s = statement as { Effect?: string; Action?: string | string[]; Resource?: string | string[] };
      const actions = s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action];
      const resources = s.Resource === undefined ? [] : Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      return s.Effect === effect && actions.some((a) => arnMatches(a, 'execute-api:Invoke')) && resources.some((r) => arnMatches(r, methodArn));
    });
  return !matching('Deny') && matching('Allow');
}
