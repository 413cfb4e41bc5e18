/**
 * Types of the aws-sdk-client-mock-vitest matchers that `test/setup/sdk-matchers.ts` registers
 * (`expect(mock).toHaveReceivedCommandWith(...)`).
 */
import 'aws-sdk-client-mock-vitest/extend';
