import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint on 127.0.0.1 (like Cognito's or Auth0's), counting its fetches. */
export class JwksServer {
  fetches = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(keys: SigningKey[]): Promise<JwksServer> {
    let jwks: JwksServer | undefined;
    const server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') {
        response.writeHead(404).end();
        return;
      }
      jwks!.fetches++;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((key) => key.jwk) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    jwks = new JwksServer(server, `http://127.0.0.1:${port}/.well-known/jwks.json`);
    return jwks;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Signs a JWT; `claims` are set as given (numbers are seconds since the epoch). */
export function signJwt(claims: JWTPayload, key: SigningKey | Uint8Array, alg?: string): Promise<string> {
  const header = key instanceof Uint8Array ? { alg: alg ?? 'HS256', typ: 'JWT' } : { alg: alg ?? key.alg, kid: key.kid, typ: 'JWT' };
  return new SignJWT(claims).setProtectedHeader(header).sign(key instanceof Uint8Array ? key : key.privateKey);
}

/** An unsigned token (`alg: none`), which no verifier may accept. */
export function unsignedJwt(claims: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
