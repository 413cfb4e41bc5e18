import { describe, expect, it } from 'vitest';
import { DYNAMODB_LOCAL_JIT_OPTIONS, dynamoDbLocalArgs } from '../../../local-aws/dynamodb';

describe("DynamoDB Local's command line", () => {
  const args = dynamoDbLocalArgs({ dir: '/opt/ddb', dbPath: '/data/db', port: 8123, allowOrigin: 'http://127.0.0.1:3000' });

  it("gives the JVM its compiler limits before -jar (after it they would be DynamoDB Local's own arguments)", () => {
    const jar = args.indexOf('-jar');
    expect(jar).toBeGreaterThan(0);
    for (const option of DYNAMODB_LOCAL_JIT_OPTIONS) {
      expect(option).toMatch(/^-XX:\w+=\d+$/);
      expect(args.indexOf(option)).toBeGreaterThanOrEqual(0);
      expect(args.indexOf(option)).toBeLessThan(jar);
    }
  });

  it('keeps the data folder, the port, one shared database, CORS for the gateway only and no telemetry', () => {
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect(args[args.indexOf('-jar') + 1]).toBe('/opt/ddb/DynamoDBLocal.jar');
    expect(after('-dbPath')).toBe('/data/db');
    expect(after('-port')).toBe('8123');
    expect(after('-cors')).toBe('http://127.0.0.1:3000');
    expect(args).toContain('-sharedDb');
    expect(args).toContain('-disableTelemetry');
    expect(args).not.toContain('-inMemory');
  });
});
