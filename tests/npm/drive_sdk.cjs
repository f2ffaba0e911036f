#!/usr/bin/env node
/*
 * Drives every function exported by the published @permanentorg/sdk 0.8.0 against a live mock.
 *
 * Environment:
 *   MOCK_BASE_URL   the mock's base URL, e.g. http://127.0.0.1:8000 (the PHP API is served under /api)
 *   MOCK_TOKEN      a bearer token for demo@example.com (owner of "Demo Archive", viewer of "Family Archive")
 *   NPM_SDK_PREFIX  optional: the `npm install --prefix` directory that holds node_modules/@permanentorg/sdk
 *
 * Output: one JSON object per line, {"step", "ok", "detail", "calls"}; `calls` lists the SDK exports the step used.
 * The first line (step "exports") lists the package's exported functions, the last two lines are "coverage" (every
 * exported function was used) and "summary". Exit status: 0 when every step passed, 1 when one failed, 2 on a crash.
 *
 * The package is CommonJS ("main": dist/cjs/index.js), hence this file is .cjs.
 */
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { Readable } = require('node:stream');

const SDK_NAME = '@permanentorg/sdk';
const SDK_VERSION = '0.8.0';
const STEP_TIMEOUT_MS = 30_000;
const MAX_TEXT = 4000;

// ---------------------------------------------------------------------------------------------------------------
// Loading the package and bookkeeping
// ---------------------------------------------------------------------------------------------------------------

const searchPaths = [process.env.NPM_SDK_PREFIX, __dirname].filter(Boolean);
let sdk;
let sdkPackageJson;
try {
  sdk = require(require.resolve(SDK_NAME, { paths: searchPaths }));
  sdkPackageJson = require(require.resolve(`${SDK_NAME}/package.json`, { paths: searchPaths }));
} catch (err) {
  process.stdout.write(`${JSON.stringify({
    step: 'crash', ok: false, detail: { error: 'cannot load the package', message: String(err && err.message), searchPaths }, calls: [],
  })}\n`);
  process.exit(2);
}

const exportedFunctions = Object.keys(sdk).filter((k) => typeof sdk[k] === 'function').sort();
const exportedValues = Object.keys(sdk).filter((k) => typeof sdk[k] !== 'function' && k !== '__esModule').sort();

const baseUrl = (process.env.MOCK_BASE_URL || '').replace(/\/+$/, '');
const token = process.env.MOCK_TOKEN || '';
const config = { bearerToken: token, baseUrl: `${baseUrl}/api` };

const results = [];
const used = new Set(); // every export used during the run
let stepCalls = new Set(); // exports used by the running step

class SkipError extends Error {}

/** Calls the SDK export `name` and records the use. */
function call(name, ...args) {
  stepCalls.add(name);
  used.add(name);
  return sdk[name](...args);
}

/** `value instanceof sdk[className]`, recording the use of the exported class. */
function isA(value, className) {
  stepCalls.add(className);
  used.add(className);
  return value instanceof sdk[className];
}

/** Calls an exported type guard and records the use. */
function guard(name, value) {
  return call(name, value);
}

function truncate(text, limit = MAX_TEXT) {
  const s = typeof text === 'string' ? text : JSON.stringify(text);
  if (s === undefined) return s;
  return s.length > limit ? `${s.slice(0, limit)}… (${s.length} chars)` : s;
}

/** A JSON-friendly description of a failure; SDK ValidationErrors carry the ajv errors and the rejected body. */
function describeError(err) {
  if (err instanceof SkipError) return { skipped: true, reason: err.message };
  if (err instanceof sdk.ValidationError) {
    return {
      error: 'ValidationError',
      message: err.message,
      errors: (err.errors || []).map((e) => ({
        instancePath: e.instancePath,
        schemaPath: e.schemaPath,
        keyword: e.keyword,
        params: e.params,
        message: e.message,
      })).slice(0, 40),
      input: truncate(err.input),
    };
  }
  if (err instanceof sdk.HttpResponseError) {
    return { error: 'HttpResponseError', statusCode: err.statusCode, body: truncate(err.message) };
  }
  if (err && err.name === 'AssertionError') return { error: 'AssertionError', message: truncate(err.message) };
  return {
    error: (err && err.name) || typeof err,
    message: truncate(err && err.message ? err.message : String(err)),
    stack: err && err.stack ? err.stack.split('\n').slice(1, 6).join('\n') : undefined,
  };
}

function emit(record) {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`step ${name} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one step, prints its JSON line, and returns whether it passed. */
async function step(name, fn) {
  stepCalls = new Set();
  let record;
  try {
    const detail = await withTimeout(Promise.resolve().then(fn), STEP_TIMEOUT_MS, name);
    record = { step: name, ok: true, detail: detail === undefined ? null : detail };
  } catch (err) {
    record = { step: name, ok: false, detail: describeError(err) };
  }
  record.calls = [...stepCalls].sort();
  results.push(record);
  emit(record);
  return record.ok;
}

/** Returns ctx[key], or skips the running step when an earlier step could not provide it. */
function need(ctx, ...keys) {
  return keys.map((key) => {
    if (ctx[key] === undefined) throw new SkipError(`needs "${key}" from an earlier step that failed`);
    return ctx[key];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Assertion helpers
// ---------------------------------------------------------------------------------------------------------------

function assertInt(value, what) {
  assert.ok(Number.isInteger(value) && value > 0, `${what} should be a positive integer, got ${JSON.stringify(value)}`);
}

function assertDate(value, what) {
  assert.ok(value instanceof Date && !Number.isNaN(value.getTime()), `${what} should be a valid Date, got ${value}`);
}

function assertNonEmptyString(value, what) {
  assert.ok(typeof value === 'string' && value.length > 0, `${what} should be a non-empty string, got ${JSON.stringify(value)}`);
}

/** Awaits `promise` and asserts it rejects with an HttpResponseError of `status` whose JSON body names `key`. */
async function expectHttpError(promise, status, key) {
  let error;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  assert.ok(error !== undefined, `expected HttpResponseError ${status} ${key}, but the call succeeded`);
  if (!isA(error, 'HttpResponseError')) throw error;
  assert.equal(error.statusCode, status, `expected HTTP ${status}, got ${error.statusCode}: ${truncate(error.message, 500)}`);
  let body;
  try {
    body = JSON.parse(error.message);
  } catch {
    assert.fail(`the ${status} body is not JSON: ${truncate(error.message, 500)}`);
  }
  const keys = Array.isArray(key) ? key : [key];
  assert.ok(keys.includes(body.message), `expected message key ${keys.join(' or ')}, got ${JSON.stringify(body)}`);
  return { statusCode: error.statusCode, message: body.message };
}

function assertFolder(folder, what) {
  assertInt(folder.id, `${what}.id`);
  assertInt(folder.fileSystemId, `${what}.fileSystemId`);
  assertNonEmptyString(folder.name, `${what}.name`);
  assertNonEmptyString(folder.fileSystemCompatibleName, `${what}.fileSystemCompatibleName`);
  assert.ok(Array.isArray(folder.folders), `${what}.folders should be an array`);
  assert.ok(Array.isArray(folder.archiveRecords), `${what}.archiveRecords should be an array`);
  assertDate(folder.createdAt, `${what}.createdAt`);
  assertDate(folder.updatedAt, `${what}.updatedAt`);
  if (folder.displayDate !== undefined) assertDate(folder.displayDate, `${what}.displayDate`);
}

function assertRecordShape(record, what) {
  assertInt(record.id, `${what}.id`);
  assertInt(record.fileSystemId, `${what}.fileSystemId`);
  assertNonEmptyString(record.displayName, `${what}.displayName`);
  assertNonEmptyString(record.fileSystemCompatibleName, `${what}.fileSystemCompatibleName`);
  assert.ok(guard('isArchiveRecordType', record.type), `${what}.type ${record.type} is not an ArchiveRecordType`);
  assert.ok(guard('isStatus', record.status), `${what}.status ${record.status} is not a Status`);
  assert.ok(![sdk.Status.Error, sdk.Status.Deleted].includes(record.status), `${what}.status is ${record.status}`);
  assertDate(record.createdAt, `${what}.createdAt`);
  assertDate(record.updatedAt, `${what}.updatedAt`);
  assertDate(record.displayDate, `${what}.displayDate`);
  assert.ok(Array.isArray(record.files), `${what}.files should be an array`);
}

function md5(bytes) {
  return crypto.createHash('md5').update(bytes).digest('hex');
}

/** Asserts a record carries its original file matching `bytes` and returns that File. */
function assertOriginal(record, bytes, contentTypePattern, what) {
  const original = record.files.find((f) => f.derivativeType === sdk.DerivativeType.Original);
  assert.ok(original, `${what} has no ${sdk.DerivativeType.Original} file; files=${truncate(record.files, 800)}`);
  assert.ok(guard('isDerivativeType', original.derivativeType));
  assert.ok(Number.isInteger(original.id) && original.id > 0, `${what} original.id = ${original.id}`);
  assert.equal(original.size, bytes.length, `${what} original.size`);
  assertNonEmptyString(original.contentType, `${what} original.contentType`);
  if (contentTypePattern) {
    assert.match(original.contentType, contentTypePattern, `${what} original.contentType`);
  }
  assert.equal(original.checksum, md5(bytes), `${what} original.checksum should be the md5 of the uploaded bytes`);
  assertNonEmptyString(original.downloadUrl, `${what} original.downloadUrl`);
  assertNonEmptyString(original.fileUrl, `${what} original.fileUrl`);
  assertDate(original.createdAt, `${what} original.createdAt`);
  assertDate(original.updatedAt, `${what} original.updatedAt`);
  return original;
}

async function download(url, headers = {}) {
  const response = await fetch(url, { headers });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}

/** Deterministic pseudo-random bytes (xorshift32), so the binary payload covers every byte value. */
function pseudoRandomBytes(size, seed) {
  const out = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i += 1) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function names(items) {
  return items.map((i) => i.fileSystemCompatibleName).sort();
}

function shareLinkSummary(link) {
  return {
    id: link.id,
    sharedFileSystemItemId: link.sharedFileSystemItemId,
    urlToken: link.urlToken,
    maxUses: link.maxUses,
    showPreview: link.showPreview,
    autoApprove: link.autoApprove,
    defaultAccessRole: link.defaultAccessRole,
    expiresAt: link.expiresAt ? link.expiresAt.toISOString() : link.expiresAt,
    status: link.status,
  };
}

function assertShareLink(link, what) {
  assertInt(link.id, `${what}.id`);
  assertInt(link.sharedFileSystemItemId, `${what}.sharedFileSystemItemId`);
  assertNonEmptyString(link.urlToken, `${what}.urlToken`);
  assertNonEmptyString(link.url, `${what}.url`);
  assert.ok(link.url.includes(link.urlToken), `${what}.url ${link.url} should contain the urlToken`);
  assertInt(link.byAccountId, `${what}.byAccountId`);
  assert.equal(link.status, sdk.Status.Ok, `${what}.status`);
  assert.equal(typeof link.showPreview, 'boolean', `${what}.showPreview`);
  assert.equal(typeof link.autoApprove, 'boolean', `${what}.autoApprove`);
  if (link.defaultAccessRole !== undefined) {
    assert.ok(guard('isAccessRole', link.defaultAccessRole), `${what}.defaultAccessRole`);
  }
  if (link.uses !== undefined) assert.ok(Number.isInteger(link.uses) && link.uses >= 0, `${what}.uses`);
  if (link.expiresAt !== undefined) assertDate(link.expiresAt, `${what}.expiresAt`);
  assertDate(link.createdAt, `${what}.createdAt`);
  assertDate(link.updatedAt, `${what}.updatedAt`);
}

// ---------------------------------------------------------------------------------------------------------------
// The scenario
// ---------------------------------------------------------------------------------------------------------------

const TEXT_BYTES = Buffer.from('Hello from @permanentorg/sdk 0.8.0 \u2014 \u00fcn\u00efc\u00f6d\u00e9 \u2713\nsecond line\n', 'utf8');
const BINARY_BYTES = pseudoRandomBytes(300 * 1024 + 13, 0x9e3779b9);
const STREAM_BYTES = pseudoRandomBytes(70 * 1024 + 7, 0x12345678);
const EMPTY_BYTES = Buffer.alloc(0);

async function uploadAndRegister(ctx, { displayName, fileName, contentType, bytes, asStream }) {
  const [work] = need(ctx, 'work');
  const fileData = asStream
    ? Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000, 40000), bytes.subarray(40000)])
    : bytes;
  const params = {
    fileData,
    file: { contentType, size: bytes.length },
    item: { displayName, fileSystemCompatibleName: fileName },
    parentFolder: { id: work.id },
  };
  const s3Url = await call('uploadFile', config, params);
  assertNonEmptyString(s3Url, 'uploadFile() result (destinationUrl)');
  const record = await call('createArchiveRecord', config, {
    s3Url,
    file: params.file,
    item: params.item,
    parentFolder: params.parentFolder,
  });
  return { s3Url, record };
}

async function main() {
  const ctx = {};

  await step('exports', async () => {
    assert.equal(sdkPackageJson.version, SDK_VERSION, `installed ${SDK_NAME} version`);
    return { version: sdkPackageJson.version, main: sdkPackageJson.main, functions: exportedFunctions, values: exportedValues };
  });

  await step('environment', async () => {
    assert.ok(baseUrl, 'MOCK_BASE_URL is not set');
    assert.ok(token, 'MOCK_TOKEN is not set');
    return { apiBaseUrl: config.baseUrl, node: process.version };
  });

  // --- error classes, enums and type guards ----------------------------------------------------------------
  await step('errors:classes', async () => {
    stepCalls.add('HttpResponseError'); used.add('HttpResponseError');
    stepCalls.add('ValidationError'); used.add('ValidationError');
    const http = new sdk.HttpResponseError(418, '{"message":"x"}');
    assert.ok(http instanceof Error);
    assert.equal(http.statusCode, 418);
    assert.equal(http.message, '{"message":"x"}');
    const validation = new sdk.ValidationError('bad shape', [], { a: 1 });
    assert.ok(validation instanceof Error);
    assert.equal(validation.message, 'bad shape');
    assert.deepEqual(validation.errors, []);
    assert.deepEqual(validation.input, { a: 1 });
    return null;
  });

  await step('typeguards:enums', async () => {
    assert.equal(sdk.AccessRole.Viewer, 'access.role.viewer');
    assert.equal(sdk.Status.Ok, 'status.generic.ok');
    assert.equal(sdk.DerivativeType.Original, 'file.format.original');
    assert.equal(sdk.ArchiveRecordType.Document, 'type.record.document');
    for (const role of Object.values(sdk.AccessRole)) assert.ok(guard('isAccessRole', role), role);
    assert.equal(guard('isAccessRole', 'access.role.nobody'), false);
    for (const status of Object.values(sdk.Status)) assert.ok(guard('isStatus', status), status);
    assert.equal(guard('isStatus', 'status.record.uploaded'), false);
    for (const type of Object.values(sdk.ArchiveRecordType)) assert.ok(guard('isArchiveRecordType', type), type);
    assert.equal(guard('isArchiveRecordType', 'type.record.web_archive'), false);
    for (const type of Object.values(sdk.DerivativeType)) assert.ok(guard('isDerivativeType', type), type);
    assert.equal(guard('isDerivativeType', 'file.format.archivematica.access'), false);
    return null;
  });

  // --- account and archives ----------------------------------------------------------------------------------
  await step('getAuthenticatedAccount', async () => {
    const account = await call('getAuthenticatedAccount', config);
    assertInt(account.id, 'account.id');
    assert.equal(account.isSftpDeletionEnabled, true, 'demo@example.com is seeded with allowSftpDeletion true');
    assertDate(account.createdAt, 'account.createdAt');
    assertDate(account.updatedAt, 'account.updatedAt');
    ctx.account = account;
    return { id: account.id, isSftpDeletionEnabled: account.isSftpDeletionEnabled };
  });

  await step('getAuthenticatedAccount:bad-token', async () => {
    const result = await expectHttpError(
      call('getAuthenticatedAccount', { ...config, bearerToken: 'not-a-valid-token' }),
      401,
      'warning.auth.token_does_not_match',
    );
    return result;
  });

  await step('getArchives', async () => {
    const archives = await call('getArchives', config);
    assert.ok(Array.isArray(archives), 'getArchives() should return an array');
    for (const a of archives) {
      assertInt(a.id, `archive ${a.name}.id`);
      assert.match(a.slug, /^[0-9a-z]{4}-[0-9a-z]{4}$/, `archive ${a.name}.slug`);
      assertDate(a.createdAt, `archive ${a.name}.createdAt`);
      assertDate(a.updatedAt, `archive ${a.name}.updatedAt`);
    }
    const byName = Object.fromEntries(archives.map((a) => [a.name, a]));
    assert.ok(byName['Demo Archive'], `"Demo Archive" missing from ${JSON.stringify(Object.keys(byName))}`);
    assert.ok(byName['Family Archive'], `"Family Archive" missing from ${JSON.stringify(Object.keys(byName))}`);
    assert.ok(!byName['Other Private Archive'], '"Other Private Archive" belongs to other@example.com only');
    ctx.archive = byName['Demo Archive'];
    ctx.familyArchive = byName['Family Archive'];
    return archives.map((a) => ({ id: a.id, slug: a.slug, name: a.name }));
  });

  await step('getArchiveFolders', async () => {
    const [archive] = need(ctx, 'archive');
    const folders = await call('getArchiveFolders', config, { archiveId: archive.id });
    assert.ok(Array.isArray(folders), 'getArchiveFolders() should return an array');
    assert.deepEqual(folders.map((f) => f.name).sort(), ['Apps', 'My Files', 'Public']);
    for (const f of folders) {
      assertFolder(f, `root child ${f.name}`);
      assert.equal(f.fileSystemCompatibleName, f.name);
    }
    ctx.myFiles = folders.find((f) => f.name === 'My Files');
    return folders.map((f) => ({ id: f.id, fileSystemId: f.fileSystemId, name: f.name }));
  });

  await step('getArchiveFolders:unknown-archive', async () => expectHttpError(
    call('getArchiveFolders', config, { archiveId: 987654321 }),
    404,
    'error.archive.lookup',
  ));

  // --- reading the seeded tree -------------------------------------------------------------------------------
  await step('getFolder:my-files', async () => {
    const [archive, myFiles] = need(ctx, 'archive', 'myFiles');
    const folder = await call('getFolder', config, { folderId: myFiles.id, archiveId: archive.id });
    assertFolder(folder, 'My Files');
    assert.equal(folder.id, myFiles.id);
    assert.equal(folder.fileSystemId, myFiles.fileSystemId);
    assert.equal(folder.name, 'My Files');
    assert.ok(folder.folders.length > 0, 'the seeded My Files should contain folders');
    for (const child of folder.folders) assertFolder(child, `My Files/${child.name}`);
    for (const record of folder.archiveRecords) assertRecordShape(record, `My Files/${record.displayName}`);
    ctx.seededFolders = folder.folders;
    return { folders: names(folder.folders), records: names(folder.archiveRecords) };
  });

  await step('getFolder:seeded-subfolders', async () => {
    const [archive, seededFolders] = need(ctx, 'archive', 'seededFolders');
    const summary = {};
    for (const child of seededFolders) {
      const folder = await call('getFolder', config, { folderId: child.id, archiveId: archive.id });
      assertFolder(folder, child.name);
      assert.equal(folder.fileSystemId, child.fileSystemId);
      for (const record of folder.archiveRecords) {
        assertRecordShape(record, `${child.name}/${record.fileSystemCompatibleName}`);
        if (!ctx.seededRecord || record.fileSystemCompatibleName === 'notes.txt') ctx.seededRecord = record;
      }
      if (child.name === 'Many Files') {
        assert.equal(folder.archiveRecords.length, 150, 'the seeded "Many Files" folder holds 150 records');
        const unique = new Set(folder.archiveRecords.map((r) => r.fileSystemCompatibleName));
        assert.equal(unique.size, folder.archiveRecords.length, 'sibling names should be unique');
      }
      summary[child.name] = { folders: folder.folders.length, records: folder.archiveRecords.length };
    }
    assert.ok(ctx.seededRecord, 'no record found in any folder directly under My Files');
    return summary;
  });

  await step('getArchiveRecord:seeded', async () => {
    const [archive, seeded] = need(ctx, 'archive', 'seededRecord');
    const record = await call('getArchiveRecord', config, { archiveRecordId: seeded.id, archiveId: archive.id });
    assertRecordShape(record, seeded.fileSystemCompatibleName);
    assert.equal(record.id, seeded.id);
    assert.equal(record.fileSystemId, seeded.fileSystemId);
    assert.equal(record.fileSystemCompatibleName, seeded.fileSystemCompatibleName);
    const original = record.files.find((f) => f.derivativeType === sdk.DerivativeType.Original);
    assert.ok(original, `no original file on ${seeded.fileSystemCompatibleName}`);
    const got = await download(original.downloadUrl);
    assert.equal(got.status, 200, `GET downloadUrl answered ${got.status}: ${truncate(got.bytes.toString('utf8'), 300)}`);
    assert.equal(got.bytes.length, original.size, 'downloaded length should equal File.size');
    assert.ok(got.bytes.length > 0, 'seeded records have real bytes');
    if (original.checksum) assert.equal(original.checksum, md5(got.bytes), 'File.checksum should be the md5 of the bytes');
    return { name: record.fileSystemCompatibleName, size: original.size, type: record.type };
  });

  // --- folders -----------------------------------------------------------------------------------------------
  const workName = `npm-sdk-${Date.now().toString(36)}`;
  await step('createFolder', async () => {
    const [myFiles] = need(ctx, 'myFiles');
    const folder = await call('createFolder', config, { folder: { name: workName }, parentFolder: { id: myFiles.id } });
    assertFolder(folder, 'created folder');
    assert.equal(folder.name, workName);
    assert.equal(folder.fileSystemCompatibleName, workName);
    assert.deepEqual(folder.folders, []);
    assert.deepEqual(folder.archiveRecords, []);
    ctx.work = folder;
    return { id: folder.id, fileSystemId: folder.fileSystemId, name: folder.name };
  });

  await step('createFolder:first-of-same-name', async () => {
    const [work] = need(ctx, 'work');
    const folder = await call('createFolder', config, { folder: { name: 'Dup' }, parentFolder: { id: work.id } });
    assertFolder(folder, 'Dup');
    assert.equal(folder.name, 'Dup');
    assert.equal(folder.fileSystemCompatibleName, 'Dup');
    ctx.dup1 = folder;
    return { id: folder.id, fileSystemCompatibleName: folder.fileSystemCompatibleName };
  });

  await step('createFolder:second-of-same-name-is-deduplicated', async () => {
    const [work, dup1] = need(ctx, 'work', 'dup1');
    const folder = await call('createFolder', config, { folder: { name: 'Dup' }, parentFolder: { id: work.id } });
    assertFolder(folder, 'second Dup');
    assert.equal(folder.name, 'Dup', 'the display name is kept');
    assert.equal(folder.fileSystemCompatibleName, 'Dup (1)', 'the second sibling named Dup gets "Dup (1)"');
    assert.notEqual(folder.id, dup1.id);
    assert.notEqual(folder.fileSystemId, dup1.fileSystemId);
    ctx.dup2 = folder;
    return { id: folder.id, fileSystemCompatibleName: folder.fileSystemCompatibleName };
  });

  await step('createFolder:viewer-is-forbidden', async () => {
    const [family] = need(ctx, 'familyArchive');
    const folders = await call('getArchiveFolders', config, { archiveId: family.id });
    assert.deepEqual(folders.map((f) => f.name).sort(), ['Apps', 'My Files', 'Public']);
    const familyFiles = folders.find((f) => f.name === 'My Files');
    const listed = await call('getFolder', config, { folderId: familyFiles.id, archiveId: family.id });
    assertFolder(listed, 'Family Archive/My Files');
    return expectHttpError(
      call('createFolder', config, { folder: { name: workName }, parentFolder: { id: familyFiles.id } }),
      403,
      'error.generic.no_action_permission',
    );
  });

  // --- uploads -----------------------------------------------------------------------------------------------
  await step('uploadFile+createArchiveRecord:text', async () => {
    const { s3Url, record } = await uploadAndRegister(ctx, {
      displayName: 'hello', fileName: 'hello.txt', contentType: 'text/plain', bytes: TEXT_BYTES,
    });
    assertRecordShape(record, 'hello.txt');
    assert.equal(record.displayName, 'hello');
    assert.equal(record.fileSystemCompatibleName, 'hello.txt');
    assert.equal(record.type, sdk.ArchiveRecordType.Document, '.txt records are documents');
    assertOriginal(record, TEXT_BYTES, /^text\/plain/, 'registered hello.txt');
    ctx.textRecord = record;
    return { s3Url, id: record.id, fileSystemId: record.fileSystemId, status: record.status, files: record.files.length };
  });

  await step('uploadFile+createArchiveRecord:binary', async () => {
    const { record } = await uploadAndRegister(ctx, {
      displayName: 'blob', fileName: 'blob.bin', contentType: 'application/octet-stream', bytes: BINARY_BYTES,
    });
    assertRecordShape(record, 'blob.bin');
    assert.equal(record.displayName, 'blob');
    assert.equal(record.fileSystemCompatibleName, 'blob.bin');
    assert.equal(record.type, sdk.ArchiveRecordType.Unknown, '.bin is not a recognised extension');
    assertOriginal(record, BINARY_BYTES, null, 'registered blob.bin');
    ctx.binaryRecord = record;
    return { id: record.id, size: BINARY_BYTES.length };
  });

  await step('uploadFile+createArchiveRecord:readable-stream', async () => {
    const { record } = await uploadAndRegister(ctx, {
      displayName: 'stream', fileName: 'stream.bin', contentType: 'application/octet-stream', bytes: STREAM_BYTES, asStream: true,
    });
    assertRecordShape(record, 'stream.bin');
    assert.equal(record.fileSystemCompatibleName, 'stream.bin');
    assertOriginal(record, STREAM_BYTES, null, 'registered stream.bin');
    ctx.streamRecord = record;
    return { id: record.id, size: STREAM_BYTES.length };
  });

  await step('uploadFile+createArchiveRecord:zero-bytes', async () => {
    const { record } = await uploadAndRegister(ctx, {
      displayName: 'empty', fileName: 'empty.txt', contentType: 'text/plain', bytes: EMPTY_BYTES,
    });
    assertRecordShape(record, 'empty.txt');
    assert.equal(record.fileSystemCompatibleName, 'empty.txt');
    assertOriginal(record, EMPTY_BYTES, /^text\/plain/, 'registered empty.txt');
    ctx.emptyRecord = record;
    return { id: record.id, size: 0 };
  });

  await step('uploadFile+createArchiveRecord:duplicate-name-is-deduplicated', async () => {
    const { record } = await uploadAndRegister(ctx, {
      displayName: 'hello', fileName: 'hello.txt', contentType: 'text/plain', bytes: TEXT_BYTES,
    });
    assertRecordShape(record, 'second hello.txt');
    assert.equal(record.displayName, 'hello', 'the display name is kept');
    assert.equal(record.fileSystemCompatibleName, 'hello (1).txt', 'the suffix goes before the extension');
    assert.notEqual(record.id, need(ctx, 'textRecord')[0].id);
    ctx.textRecord2 = record;
    return { id: record.id, fileSystemCompatibleName: record.fileSystemCompatibleName };
  });

  // --- reading records back ----------------------------------------------------------------------------------
  const readBack = [
    ['text', 'textRecord', TEXT_BYTES, /^text\/plain/],
    ['binary', 'binaryRecord', BINARY_BYTES, null],
    ['readable-stream', 'streamRecord', STREAM_BYTES, null],
    ['zero-bytes', 'emptyRecord', EMPTY_BYTES, /^text\/plain/],
  ];
  for (const [label, key, bytes, contentType] of readBack) {
    await step(`getArchiveRecord+download:${label}`, async () => {
      const [archive, registered] = need(ctx, 'archive', key);
      const record = await call('getArchiveRecord', config, { archiveRecordId: registered.id, archiveId: archive.id });
      assertRecordShape(record, registered.fileSystemCompatibleName);
      assert.equal(record.id, registered.id);
      assert.equal(record.fileSystemId, registered.fileSystemId);
      assert.equal(record.displayName, registered.displayName);
      assert.equal(record.fileSystemCompatibleName, registered.fileSystemCompatibleName);
      assert.equal(record.type, registered.type);
      const original = assertOriginal(record, bytes, contentType, `fetched ${registered.fileSystemCompatibleName}`);
      const viaDownload = await download(original.downloadUrl);
      assert.equal(viaDownload.status, 200, `GET downloadUrl answered ${viaDownload.status}: ${truncate(viaDownload.bytes.toString('utf8'), 300)}`);
      assert.ok(viaDownload.bytes.equals(bytes), `downloadUrl bytes differ (got ${viaDownload.bytes.length}, want ${bytes.length})`);
      const viaFileUrl = await download(original.fileUrl);
      assert.equal(viaFileUrl.status, 200, `GET fileUrl answered ${viaFileUrl.status}`);
      assert.ok(viaFileUrl.bytes.equals(bytes), 'fileUrl bytes differ from the upload');
      ctx[`${key}Original`] = original;
      return { id: record.id, status: record.status, size: original.size, contentType: original.contentType };
    });
  }

  await step('download:range', async () => {
    const [original] = need(ctx, 'binaryRecordOriginal');
    const got = await download(original.downloadUrl, { Range: 'bytes=1000-1999' });
    assert.equal(got.status, 206);
    assert.ok(got.bytes.equals(BINARY_BYTES.subarray(1000, 2000)), `range bytes differ (got ${got.bytes.length} bytes)`);
    assert.equal(got.headers.get('content-range'), `bytes 1000-1999/${BINARY_BYTES.length}`);
    return { status: got.status, length: got.bytes.length };
  });

  await step('download:range-end-clamped', async () => {
    const [original] = need(ctx, 'binaryRecordOriginal');
    const start = BINARY_BYTES.length - 10;
    const got = await download(original.downloadUrl, { Range: `bytes=${start}-${BINARY_BYTES.length + 5000}` });
    assert.equal(got.status, 206);
    assert.ok(got.bytes.equals(BINARY_BYTES.subarray(start)), `clamped range bytes differ (got ${got.bytes.length} bytes)`);
    assert.equal(got.headers.get('content-range'), `bytes ${start}-${BINARY_BYTES.length - 1}/${BINARY_BYTES.length}`);
    return { status: got.status, length: got.bytes.length };
  });

  await step('download:range-unsatisfiable', async () => {
    const [original] = need(ctx, 'binaryRecordOriginal');
    const got = await download(original.downloadUrl, { Range: `bytes=${BINARY_BYTES.length}-` });
    assert.equal(got.status, 416);
    return { status: got.status };
  });

  await step('getFolder:lists-created-items', async () => {
    const [archive, work] = need(ctx, 'archive', 'work');
    const folder = await call('getFolder', config, { folderId: work.id, archiveId: archive.id });
    assertFolder(folder, workName);
    assert.equal(folder.name, workName);
    assert.deepEqual(names(folder.folders), ['Dup', 'Dup (1)']);
    assert.deepEqual(
      names(folder.archiveRecords),
      ['blob.bin', 'empty.txt', 'hello (1).txt', 'hello.txt', 'stream.bin'],
    );
    for (const child of folder.folders) {
      assertFolder(child, child.fileSystemCompatibleName);
      assert.deepEqual(child.folders, []);
      assert.deepEqual(child.archiveRecords, []);
    }
    for (const record of folder.archiveRecords) assertRecordShape(record, record.fileSystemCompatibleName);
    const hello = folder.archiveRecords.find((r) => r.fileSystemCompatibleName === 'hello.txt');
    if (ctx.textRecord) {
      assert.equal(hello.id, ctx.textRecord.id);
      assert.equal(hello.fileSystemId, ctx.textRecord.fileSystemId);
    }
    return { folders: names(folder.folders), records: names(folder.archiveRecords) };
  });

  // --- share links -------------------------------------------------------------------------------------------
  await step('createShareLink', async () => {
    const [record, account] = need(ctx, 'textRecord', 'account');
    const link = await call('createShareLink', config, {
      fileSystemItem: { fileSystemId: record.fileSystemId },
      showPreview: false,
      defaultAccessRole: sdk.AccessRole.Viewer,
    });
    assertShareLink(link, 'share link');
    assert.equal(link.sharedFileSystemItemId, record.fileSystemId);
    assert.equal(link.byAccountId, account.id);
    assert.equal(link.showPreview, false);
    assert.equal(link.autoApprove, false);
    assert.equal(link.defaultAccessRole, sdk.AccessRole.Viewer);
    assert.equal(link.expiresAt, undefined);
    ctx.shareLink = link;
    return shareLinkSummary(link);
  });

  await step('createShareLink:idempotent', async () => {
    const [record, first] = need(ctx, 'textRecord', 'shareLink');
    const again = await call('createShareLink', config, {
      fileSystemItem: { fileSystemId: record.fileSystemId },
      maxUses: 5,
      showPreview: true,
      defaultAccessRole: sdk.AccessRole.Editor,
    });
    assertShareLink(again, 'second share link');
    assert.equal(again.id, first.id, 'a second generateShareLink for the same item returns the same link');
    assert.equal(again.urlToken, first.urlToken);
    assert.equal(again.url, first.url);
    assert.deepEqual(shareLinkSummary(again), shareLinkSummary(first), 'the existing link is returned without edits');
    return shareLinkSummary(again);
  });

  await step('createShareLink:folder', async () => {
    const [dup1, first] = need(ctx, 'dup1', 'shareLink');
    const link = await call('createShareLink', config, { fileSystemItem: { fileSystemId: dup1.fileSystemId } });
    assertShareLink(link, 'folder share link');
    assert.equal(link.sharedFileSystemItemId, dup1.fileSystemId);
    assert.notEqual(link.id, first.id);
    assert.notEqual(link.urlToken, first.urlToken);
    return shareLinkSummary(link);
  });

  const expiresAt = new Date('2031-02-03T04:05:06.000Z');
  await step('updateShareLink', async () => {
    const [link] = need(ctx, 'shareLink');
    const updated = await call('updateShareLink', config, {
      shareLink: {
        ...link,
        maxUses: 10,
        showPreview: true,
        autoApprove: true,
        defaultAccessRole: sdk.AccessRole.Contributor,
        expiresAt,
      },
    });
    assertShareLink(updated, 'updated share link');
    assert.equal(updated.id, link.id);
    assert.equal(updated.urlToken, link.urlToken);
    assert.equal(updated.sharedFileSystemItemId, link.sharedFileSystemItemId);
    assert.equal(updated.maxUses, 10);
    assert.equal(updated.showPreview, true);
    assert.equal(updated.autoApprove, true);
    assert.equal(updated.defaultAccessRole, sdk.AccessRole.Contributor);
    assert.ok(updated.expiresAt, 'expiresAt should be set');
    assert.equal(updated.expiresAt.toISOString(), expiresAt.toISOString());
    assert.ok(updated.updatedAt.getTime() >= link.createdAt.getTime(), 'updatedAt should not precede createdAt');
    ctx.updatedLink = updated;
    return shareLinkSummary(updated);
  });

  await step('updateShareLink:changes-persist', async () => {
    const [record, updated] = need(ctx, 'textRecord', 'updatedLink');
    // 0.8.0 has no "get share link"; generateShareLink returns the existing link unchanged, so it reads it back.
    const current = await call('createShareLink', config, { fileSystemItem: { fileSystemId: record.fileSystemId } });
    assert.deepEqual(shareLinkSummary(current), shareLinkSummary(updated));
    return shareLinkSummary(current);
  });

  await step('updateShareLink:toggles-off', async () => {
    const [record, updated] = need(ctx, 'textRecord', 'updatedLink');
    const off = await call('updateShareLink', config, {
      shareLink: { ...updated, maxUses: 3, showPreview: false, autoApprove: false, defaultAccessRole: sdk.AccessRole.Viewer },
    });
    assertShareLink(off, 'share link with toggles off');
    assert.equal(off.maxUses, 3);
    assert.equal(off.showPreview, false);
    assert.equal(off.autoApprove, false);
    assert.equal(off.defaultAccessRole, sdk.AccessRole.Viewer);
    assert.equal(off.expiresAt && off.expiresAt.toISOString(), expiresAt.toISOString());
    const current = await call('createShareLink', config, { fileSystemItem: { fileSystemId: record.fileSystemId } });
    assert.deepEqual(shareLinkSummary(current), shareLinkSummary(off), 'the second update should persist');
    return shareLinkSummary(current);
  });

  await step('updateShareLink:unknown-link', async () => {
    const [link] = need(ctx, 'shareLink');
    return expectHttpError(
      call('updateShareLink', config, { shareLink: { ...link, id: 987654321 } }),
      404,
      'error.share.lookup',
    );
  });

  // --- deletes -----------------------------------------------------------------------------------------------
  await step('deleteArchiveRecord', async () => {
    const [record] = need(ctx, 'textRecord');
    const result = await call('deleteArchiveRecord', config, { archiveRecordId: record.id });
    assert.equal(result, undefined);
    return { id: record.id };
  });

  await step('deleteArchiveRecord:then-getArchiveRecord-404', async () => {
    const [archive, record] = need(ctx, 'archive', 'textRecord');
    return expectHttpError(
      call('getArchiveRecord', config, { archiveRecordId: record.id, archiveId: archive.id }),
      404,
      'error.record.lookup',
    );
  });

  await step('deleteArchiveRecord:download-url-gone', async () => {
    const [original] = need(ctx, 'textRecordOriginal');
    const got = await download(original.downloadUrl);
    assert.equal(got.status, 404, `GET downloadUrl of a deleted record answered ${got.status}`);
    return { status: got.status };
  });

  await step('deleteArchiveRecord:twice-404', async () => {
    const [record] = need(ctx, 'textRecord');
    return expectHttpError(call('deleteArchiveRecord', config, { archiveRecordId: record.id }), 404, 'error.record.lookup');
  });

  await step('deleteFolder', async () => {
    const [dup2] = need(ctx, 'dup2');
    const result = await call('deleteFolder', config, { folderId: dup2.id });
    assert.equal(result, undefined);
    return { id: dup2.id };
  });

  await step('deleteFolder:then-getFolder-404', async () => {
    const [archive, dup2] = need(ctx, 'archive', 'dup2');
    return expectHttpError(call('getFolder', config, { folderId: dup2.id, archiveId: archive.id }), 404, 'error.folder.lookup');
  });

  await step('getFolder:after-deletes', async () => {
    const [archive, work] = need(ctx, 'archive', 'work');
    const folder = await call('getFolder', config, { folderId: work.id, archiveId: archive.id });
    assert.deepEqual(names(folder.folders), ['Dup']);
    assert.deepEqual(names(folder.archiveRecords), ['blob.bin', 'empty.txt', 'hello (1).txt', 'stream.bin']);
    return { folders: names(folder.folders), records: names(folder.archiveRecords) };
  });

  await step('deleteFolder:non-empty-subtree', async () => {
    const [archive, work, myFiles] = need(ctx, 'archive', 'work', 'myFiles');
    await call('deleteFolder', config, { folderId: work.id });
    const gone = await expectHttpError(call('getFolder', config, { folderId: work.id, archiveId: archive.id }), 404, 'error.folder.lookup');
    const parent = await call('getFolder', config, { folderId: myFiles.id, archiveId: archive.id });
    assert.ok(!parent.folders.some((f) => f.id === work.id), 'the deleted folder is still listed in My Files');
    return gone;
  });

  await step('deleteFolder:subtree-items-gone', async () => {
    const [archive, dup1, binary] = need(ctx, 'archive', 'dup1', 'binaryRecord');
    const folder = await expectHttpError(call('getFolder', config, { folderId: dup1.id, archiveId: archive.id }), 404, 'error.folder.lookup');
    const record = await expectHttpError(
      call('getArchiveRecord', config, { archiveRecordId: binary.id, archiveId: archive.id }),
      404,
      'error.record.lookup',
    );
    return { folder, record };
  });

  await step('deleteFolder:root-folder-forbidden', async () => {
    const [archive, myFiles] = need(ctx, 'archive', 'myFiles');
    const result = await expectHttpError(call('deleteFolder', config, { folderId: myFiles.id }), 403, 'error.folder.no_unlink_root');
    const still = await call('getFolder', config, { folderId: myFiles.id, archiveId: archive.id });
    assert.equal(still.name, 'My Files');
    return result;
  });

  // --- coverage and summary ------------------------------------------------------------------------------------
  const calledByPassingSteps = new Set(results.filter((r) => r.ok).flatMap((r) => r.calls));
  const notCalled = exportedFunctions.filter((name) => !used.has(name));
  const coverage = {
    step: 'coverage',
    ok: notCalled.length === 0,
    detail: {
      exported_functions: exportedFunctions,
      called: [...used].sort(),
      called_by_passing_steps: [...calledByPassingSteps].sort(),
      not_called: notCalled,
    },
    calls: [],
  };
  results.push(coverage);
  emit(coverage);

  const failed = results.filter((r) => !r.ok).map((r) => r.step);
  emit({ step: 'summary', ok: failed.length === 0, detail: { steps: results.length, failed }, calls: [] });
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => {
    emit({ step: 'crash', ok: false, detail: describeError(err), calls: [] });
    process.exitCode = 2;
  },
);
