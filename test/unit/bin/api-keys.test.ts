import { describe, expect, it } from 'vitest';
import { runApiKeys, targetOf, type CommandIo } from '../../../bin/api-keys';
import { UnknownClientError, type ApiClientRecord } from '../../../lambdas/adapters/dynamodb/api-client-store';

/** A store in memory, as the command uses it; it remembers the targets it was built for. */
function fakeIo() {
  const clients: ({ -readonly [K in keyof ApiClientRecord]: ApiClientRecord[K] } & { key: string })[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const targets: unknown[] = [];
  let n = 0;
  const io: CommandIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    clock: { now: () => new Date('2026-03-02T09:00:00Z') },
    store: (target) => {
      targets.push(target);
      return {
        async create(request, at) {
          n += 1;
          const record = { clientId: `${request.role}-${n}`, clientName: request.name ?? `${request.role}-${n}`, role: request.role, createdAt: at, revokedAt: null, key: `otc_key${n}` };
          clients.push(record);
          const { key: _key, ...client } = record;
          return { apiKey: record.key, client };
        },
        async list() {
          return clients.map(({ key: _key, ...client }) => client);
        },
        async revoke(clientId, at) {
          const client = clients.find((c) => c.clientId === clientId);
          if (!client) throw new UnknownClientError(clientId);
          client.revokedAt ??= at;
          const { key: _key, ...rest } = client;
          return rest;
        },
      };
    },
  };
  return { io, out, err, clients, targets };
}

describe('npm run api-keys', () => {
  it('creates a client and prints its key once; list shows id, name, role, created and revoked, never a key', async () => {
    const { io, out, targets } = fakeIo();
    expect(await runApiKeys(['create', '--role', 'storefront', '--name', 'Shop A'], io)).toBe(0);
    expect(out.join('\n')).toContain('Created storefront client storefront-1 ("Shop A")');
    expect(out.filter((l) => l.includes('otc_key1'))).toHaveLength(1);
    expect(targets[0]).toEqual({ tableName: 'local-ApiClients', endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1', local: true });

    out.length = 0;
    expect(await runApiKeys(['revoke', 'storefront-1'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/Revoked storefront client storefront-1 \("Shop A"\) at 2026-03-02T09:00:00.000Z; its key is refused within 60 s/);

    out.length = 0;
    expect(await runApiKeys(['list'], io)).toBe(0);
    expect(out[1]).toMatch(/^storefront-1\s+Shop A\s+storefront\s+2026-03-02T09:00:00.000Z\s+2026-03-02T09:00:00.000Z$/);
    expect(out.join('\n')).not.toContain('otc_key1');
    out.length = 0;
    expect(await runApiKeys(['list', '--json'], io)).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual([{ clientId: 'storefront-1', clientName: 'Shop A', role: 'storefront', createdAt: '2026-03-02T09:00:00.000Z', revokedAt: '2026-03-02T09:00:00.000Z' }]);
  });

  it('works on a stage with --stage (the stack names the table), or on a table and endpoint given', () => {
    expect(targetOf({ stage: 'prod', region: 'eu-central-1' })).toEqual({ tableName: 'order-to-cash-prod-ApiClients', region: 'eu-central-1', local: false });
    expect(targetOf({ stage: 'prod' }, { AWS_REGION: 'us-east-1' })).toEqual({ tableName: 'order-to-cash-prod-ApiClients', region: 'us-east-1', local: false });
    expect(targetOf({}, { DYNAMODB_PORT: '8123' })).toMatchObject({ tableName: 'local-ApiClients', endpoint: 'http://127.0.0.1:8123', local: true });
    expect(targetOf({ table: 'T', endpoint: 'http://127.0.0.1:9' })).toMatchObject({ tableName: 'T', endpoint: 'http://127.0.0.1:9' });
  });

  it.each([
    [[], 'Usage:'],
    [['create'], 'create needs --role storefront or --role finance'],
    [['create', '--role', 'admin'], 'create needs --role storefront or --role finance'],
    [['create', '--role', 'finance', '--name', ''], '--name must be 1-100 characters'],
    [['revoke'], 'revoke needs exactly one client id'],
    [['rotate'], 'unknown command "rotate"'],
    [['list', '--stage', 'Prod!'], '--stage must be a stage name'],
    [['list', '--colour'], "Unknown option '--colour'"],
  ])('refuses %j with exit code 1, saying why', async (args, message) => {
    const { io, err, clients } = fakeIo();
    expect(await runApiKeys(args, io)).toBe(1);
    expect(err.join('\n')).toContain(message);
    expect(clients).toHaveLength(0);
  });

  it('says an unknown client id is unknown (exit 1), and a table it cannot reach (exit 2)', async () => {
    const { io, err } = fakeIo();
    expect(await runApiKeys(['revoke', 'storefront-404'], io)).toBe(1);
    expect(err.join('\n')).toContain('No client storefront-404 in the local stack');
    const unreachable: CommandIo = { ...io, store: () => ({ create: async () => Promise.reject(new Error('connect ECONNREFUSED')), list: async () => [], revoke: async () => Promise.reject(new Error('x')) }) };
    expect(await runApiKeys(['create', '--role', 'finance'], unreachable)).toBe(2);
    expect(err.join('\n')).toContain('Is the local stack running (npm start)?');
  });
});
