import type { SecureContextOptions } from 'node:tls';

/** Certificate and key of a TLS or WSS listener (node:tls SecureContextOptions: key, cert, ca, ...). */
export interface TlsServerOptions extends SecureContextOptions {
  /** Ask clients for a certificate (mutual TLS). Default false. */
  readonly requestCert?: boolean;
  /** With requestCert: refuse clients without a valid certificate. Default true when requestCert is set. */
  readonly rejectUnauthorized?: boolean;
}

/** How outbound TLS and WSS connections check the server (and present a client certificate). */
export interface TlsClientOptions extends SecureContextOptions {
  /** Refuse servers whose certificate does not verify. Default true. */
  readonly rejectUnauthorized?: boolean;
}
