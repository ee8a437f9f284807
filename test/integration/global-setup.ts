/**
 * Starts one DynamoDB Local for the integration suite (each test file creates its own fresh table) and
 * stops it afterwards, java included.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../cli/local/dynamo-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
