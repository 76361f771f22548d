// clients.test.mjs — the official OpenAI and Anthropic clients against sluiced
// Copyright 2026 The Sluice authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Run by ../run-node-clients.sh, which starts sluiced and sets SLUICE_URL and
// SLUICE_KEY. The config has one user (the key), chains "main" and "small",
// the alias "fast" and a per-request token cap of 2000.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const url = process.env.SLUICE_URL;
const key = process.env.SLUICE_KEY;

assert.ok(url, 'SLUICE_URL must name the running sluiced');
assert.ok(key, 'SLUICE_KEY must be a virtual key of its config');

const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
const anthropic = new Anthropic({ baseURL: url, apiKey: key, maxRetries: 0 });
const user = (content) => [{ role: 'user', content }];

test('openai: chat completion', async () => {
  const { data, response } = await openai.chat.completions
    .create({ model: 'main', messages: user('hello from node') })
    .withResponse();

  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices[0].message.role, 'assistant');
  assert.equal(data.choices[0].message.content, 'Echo: hello from node');
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.ok(data.usage.total_tokens > 0);
  assert.equal(response.headers.get('x-sluice-request-id'), data.id);
  assert.equal(response.headers.get('x-sluice-route'), 'main');
});

test('openai: streamed chat completion', async () => {
  const stream = await openai.chat.completions.create({
    model: 'fast',
    messages: user('stream from node'),
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;

  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice?.delta?.content) text += choice.delta.content;
    if (choice?.finish_reason) finish = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, 'Echo: stream from node');
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.completion_tokens > 0);
});

test('openai: model list', async () => {
  const ids = [];
  for await (const model of openai.models.list()) ids.push(model.id);

  for (const id of ['alpha-large', 'beta-small', 'main', 'small', 'fast'])
    assert.ok(ids.includes(id), `${id} is listed`);
});

test('openai: 400 is a BadRequestError', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: 'main', messages: [{ role: 'robot', content: 'x' }] }),
    (error) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.status, 400);
      assert.match(error.message, /messages\[0\]\.role/);
      return true;
    });
});

test('openai: embeddings', async () => {
  // The client asks for base64 by default and decodes it to numbers.
  const { data, response } = await openai.embeddings
    .create({ model: 'embed-small', input: ['reset my password', 'opening hours'], dimensions: 16 })
    .withResponse();

  assert.equal(data.object, 'list');
  assert.equal(data.model, 'embed-small');
  assert.equal(data.data.length, 2);
  assert.equal(data.data[1].index, 1);
  assert.equal(data.data[0].embedding.length, 16);
  const norm = data.data[0].embedding.reduce((sum, x) => sum + x * x, 0);
  assert.ok(Math.abs(norm - 1) < 1e-4, `unit vector (norm² ${norm})`);
  assert.ok(data.usage.prompt_tokens > 0);
  assert.equal(response.headers.get('x-sluice-model'), 'embed-small');

  const floats = await openai.embeddings.create({
    model: 'embed-small', input: 'reset my password', dimensions: 16, encoding_format: 'float',
  });
  assert.deepEqual(floats.data[0].embedding.map((x) => Math.fround(x)),
                   data.data[0].embedding.map((x) => Math.fround(x)));
});

test('openai: embeddings of a chat model are a BadRequestError', async () => {
  await assert.rejects(
    openai.embeddings.create({ model: 'main', input: 'x' }),
    (error) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.match(error.message, /not an embedding model/);
      return true;
    });
});

test('openai: 401 is an AuthenticationError', async () => {
  const stranger = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-not-a-key', maxRetries: 0 });

  await assert.rejects(
    stranger.chat.completions.create({ model: 'main', messages: user('x') }),
    (error) => error instanceof OpenAI.AuthenticationError && error.status === 401);
});

test('openai: 404 for an unknown model is a NotFoundError', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: 'no-such-model', messages: user('x') }),
    (error) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found');
});

test('openai: a refusal for limits is a RateLimitError', async () => {
  await assert.rejects(
    openai.chat.completions.create({ model: 'main', max_tokens: 100000, messages: user('x') }),
    (error) => {
      assert.ok(error instanceof OpenAI.RateLimitError);
      assert.equal(error.status, 429);
      assert.ok(error.headers.get('retry-after'));
      return true;
    });
});

test('anthropic: message', async () => {
  const message = await anthropic.messages.create({
    model: 'main',
    max_tokens: 200,
    system: 'be brief',
    messages: user('hello claude from node'),
  });

  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.equal(message.content[0].type, 'text');
  assert.equal(message.content[0].text, 'Echo: hello claude from node');
  assert.equal(message.stop_reason, 'end_turn');
  assert.ok(message.usage.output_tokens > 0);
});

test('anthropic: streamed message', async () => {
  const stream = anthropic.messages.stream({
    model: 'fast',
    max_tokens: 200,
    messages: user('stream claude from node'),
  });
  let text = '';

  stream.on('text', (piece) => { text += piece; });
  const final = await stream.finalMessage();
  assert.equal(text, 'Echo: stream claude from node');
  assert.equal(final.content[0].text, text);
  assert.equal(final.stop_reason, 'end_turn');
  assert.ok(final.usage.output_tokens > 0);
});

test('anthropic: 401 is an AuthenticationError', async () => {
  const stranger = new Anthropic({ baseURL: url, apiKey: 'sk-not-a-key', maxRetries: 0 });

  await assert.rejects(
    stranger.messages.create({ model: 'main', max_tokens: 10, messages: user('x') }),
    (error) => error instanceof Anthropic.AuthenticationError && error.status === 401);
});
