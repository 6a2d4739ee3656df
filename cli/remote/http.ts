/**
 * Requests to the office server, with its problem documents turned back
 * into the engine's SopErrors: a command prints a refusal, its hint and its
 * exit code the same whether it ran on the file or through the server.
 */
import { ERROR_KINDS, SopError, type ErrorCode, type ErrorData, type Problem } from '../../engine/index.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** The change's request id: sent as Idempotency-Key. */
  requestId?: string;
  /** Another token than the client's (logout, whoami of a fresh login). */
  token?: string | null;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

export class HttpClient {
  constructor(
    readonly server: string,
    private readonly token: string | undefined,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  /** The answer's JSON; a problem document is thrown as the SopError it names. */
  async json<T>(request: HttpRequest): Promise<T> {
    const answer = await this.send(request);
    return JSON.parse(answer.bytes.toString('utf8')) as T;
  }

  /** The answer as it came (2xx only; a problem is thrown). */
  async send(request: HttpRequest): Promise<HttpAnswer> {
    const url = new URL(`${this.server}/api/v1${request.path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const token = request.token === undefined ? this.token : request.token;
    const headers: Record<string, string> = { accept: 'application/json', ...this.extraHeaders };
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.requestId !== undefined) headers['idempotency-key'] = request.requestId;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method: request.method, headers, ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new SopError('server.unreachable', `cannot reach the sop server at ${this.server}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, {
        data: { server: this.server, ...(request.requestId === undefined ? {} : { request: request.requestId }) },
        cause: e,
      });
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.ok) return { status: response.status, headers: response.headers, bytes };
    throw problemError(this.server, response.status, bytes, request.requestId);
  }
}

/** The SopError a problem document names; an answer that is not one (a proxy's page) says what came. */
function problemError(server: string, status: number, bytes: Buffer, requestId: string | undefined): SopError {
  let problem: { code?: unknown; message?: unknown; data?: unknown; problems?: unknown } | undefined;
  try {
    problem = JSON.parse(bytes.toString('utf8')) as typeof problem;
  } catch {
    problem = undefined;
  }
  if (problem && typeof problem.code === 'string' && Object.hasOwn(ERROR_KINDS, problem.code)) {
    return new SopError(problem.code as ErrorCode, typeof problem.message === 'string' ? problem.message : problem.code, {
      data: (problem.data ?? {}) as ErrorData,
      problems: Array.isArray(problem.problems) ? (problem.problems as Problem[]) : [],
    });
  }
  const text = bytes.toString('utf8').slice(0, 200).replace(/\s+/g, ' ');
  return new SopError(status >= 500 ? 'server.internal-error' : 'server.invalid-request', `the sop server at ${server} answered ${status}: ${text}`, {
    data: { server, status, ...(requestId === undefined ? {} : { request: requestId }) },
  });
}
