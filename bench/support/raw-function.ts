/**
 * Baseline for `bench/function-bundle.ts`: the least any function that
 * publishes over AMQP and reads DynamoDB must load, amqplib and a DynamoDB
 * document client, constructed at module scope like warren's functions do, and
 * nothing of warren's. Bundled with the same options as the real functions.
 * Never deployed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { connect } from 'amqplib';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));

/** Reads the registry table and publishes one message with a confirm, so neither client is tree-shaken away. */
export const handler = async (event: { url: string; tableName: string; queue: string }) => {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: event.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'node' },
    }),
  );
  const connection = await connect(event.url);
  const channel = await connection.createConfirmChannel();
  channel.sendToQueue(event.queue, Buffer.from(JSON.stringify(Items ?? [])), { persistent: true });
  await channel.waitForConfirms();
  await connection.close();
};
