import type { ClientRequest } from 'node:http';
import { request, type Agent } from 'node:https';
import type { Answer, Exchange } from './http-exchange.ts';
import { answerError, readAnswer, transportError } from './http-exchange.ts';
import type { WriterSteps } from './guarded-blob-writer.ts';

/**
 * A writer's steps over one streaming PUT: create sends the headers (with `Expect: 100-continue`,
 * so that an unreachable vault fails create, where it is retried), each write is a piece of the
 * chunked body, commit ends the body and waits for the answer, abort cuts the connection. The
 * server stores the object only when the whole body has arrived, so a cut body stores nothing.
 * A write resolves once its bytes are handed to the socket, never before: the caller may then
 * reuse its buffer. The bytes are not kept, so a failed commit cannot be tried again.
 */
export class HttpWriterSteps implements WriterSteps {
  readonly #call: Exchange;
  readonly #req: ClientRequest;
  /** Settles with the server's whole answer, or rejects when the connection fails. */
  readonly #answer: Promise<Answer>;
  #answered: Answer | undefined;

  private constructor(call: Exchange, req: ClientRequest, answer: Promise<Answer>) {
    this.#call = call;
    this.#req = req;
    this.#answer = answer.then((received) => (this.#answered = received));
    // Marked handled: a refusal or failure is raised by the next step that waits on it.
    this.#answer.catch(() => undefined);
  }

  /** Opens the request and resolves once the server is ready for the body. */
  static open(agent: Agent, timeoutMs: number, call: Exchange): Promise<HttpWriterSteps> {
    return new Promise((resolve, reject) => {
      const req = request(call.url, { method: 'PUT', agent, timeout: timeoutMs, headers: { ...call.headers, expect: '100-continue' } });
      const answer = new Promise<Answer>((settle, fail) => {
        req.on('error', (error) => fail(transportError(call, error)));
        req.on('timeout', () => req.destroy(new Error(`no progress within ${timeoutMs} ms`)));
        req.on('response', (response) => readAnswer(response).then(settle, (error: unknown) => fail(transportError(call, error))));
      });
      const steps = new HttpWriterSteps(call, req, answer);
      req.once('continue', () => resolve(steps));
      // An answer before "continue" is a refusal; a failed connection is unavailability.
      answer.then((received) => reject(answerError(call, received)), reject);
      req.flushHeaders();
    });
  }

  async append(data: Uint8Array): Promise<void> {
    await this.#throwIfAnswered();
    if (data.length === 0) return;
    const written = new Promise<void>((resolve, reject) => this.#req.write(data, (error?: Error | null) => (error ? reject(transportError(this.#call, error)) : resolve())));
    // The server may refuse mid-body (too large); its answer then explains the failed write.
    await Promise.race([written, this.#answer.then((received) => Promise.reject(answerError(this.#call, received)))]);
  }

  async publish(): Promise<void> {
    this.#req.end();
    const received = await this.#answer;
    if (received.status < 200 || received.status > 299) throw answerError(this.#call, received);
  }

  canRetryPublish(): boolean {
    return false;
  }

  async discard(): Promise<void> {
    if (this.#answered === undefined) this.#req.destroy();
  }

  async #throwIfAnswered(): Promise<void> {
    if (this.#answered !== undefined) throw answerError(this.#call, this.#answered);
  }
}
