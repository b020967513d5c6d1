/**
 * Where `POST /api/directline/token` gets the page its token: from the bot's own Direct Line in
 * local mode, or, with a Direct Line secret configured, by exchanging the secret with the Azure
 * Direct Line service (`POST <domain>/tokens/generate`). The secret never leaves the server.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { LocalDirectLine } from './LocalDirectLine.js';

export interface IssuedToken {
  token: string;
  conversationId: string;
  expires_in: number;
  /** The Direct Line base URL the page must use with this token. */
  domain: string;
}

export interface DirectLineTokenSource {
  readonly mode: 'local' | 'azure';
  /** The Direct Line base URL the page talks to (its origin goes into the page's connect-src). */
  domain(): string;
  issue(): Promise<IssuedToken>;
}

/** The upstream service could not give a token; the route answers 502 without details. */
export class TokenUnavailableError extends Error {
  override readonly name = 'TokenUnavailableError';
}

export class LocalTokenSource implements DirectLineTokenSource {
  readonly mode = 'local';
  constructor(
    private readonly directLine: LocalDirectLine,
    /** `<public base URL>/v3/directline`, known once the server listens. */
    private readonly domainUrl: () => string,
  ) {}

  domain(): string {
    return this.domainUrl();
  }

  async issue(): Promise<IssuedToken> {
    return { ...this.directLine.newConversation(), domain: this.domain() };
  }
}

/** The answer of the Direct Line service's `tokens/generate`. */
const GeneratedToken = z.object({ conversationId: z.string().min(1), token: z.string().min(1), expires_in: z.number().int().positive() });

export class AzureTokenSource implements DirectLineTokenSource {
  readonly mode = 'azure';
  private readonly domainUrl: string;

  constructor(
    private readonly options: { secret: string; domain: string; timeoutMs?: number; fetch?: typeof fetch },
  ) {
    this.domainUrl = options.domain.replace(/\/+$/, '');
  }

  domain(): string {
    return this.domainUrl;
  }

  async issue(): Promise<IssuedToken> {
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(`${this.domainUrl}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.secret}`, 'content-type': 'application/json' },
        // A user id embedded in the token ("dl_" ids are reserved for that): the visitor cannot pose as someone else.
        body: JSON.stringify({ user: { id: `dl_${randomBytes(12).toString('base64url')}` } }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new TokenUnavailableError('The Direct Line service could not be reached.', { cause: error });
    }
    if (!response.ok) {
      await response.arrayBuffer().catch(() => undefined);
      throw new TokenUnavailableError(`The Direct Line service refused the token request (HTTP ${response.status}).`);
    }
    const parsed = GeneratedToken.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new TokenUnavailableError('The Direct Line service answered with an unexpected body.');
    return { token: parsed.data.token, conversationId: parsed.data.conversationId, expires_in: parsed.data.expires_in, domain: this.domainUrl };
  }
}
