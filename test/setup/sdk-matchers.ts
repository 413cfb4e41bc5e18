/** Registers the aws-sdk-client-mock matchers (`toHaveReceivedCommandWith`, ...) for every unit test. */
import { expect } from 'vitest';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';

expect.extend(allCustomMatcher);
