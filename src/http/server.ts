import { createServer, type RequestListener, type Server } from 'node:http';
import { PROBLEM_BASE } from './problem.js';

// A 10,000-character pasted quote percent-encodes to up to ~90 KB of URL: allow it, and answer anything
// larger with a problem document rather than Node's bare 431.
export const MAX_HEADER_BYTES = 256 * 1024;

export function createHttpServer(app: RequestListener): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({
      type: PROBLEM_BASE + (tooLarge ? 'headers-too-large' : 'bad-request'),
      title: tooLarge ? 'Request header fields too large' : 'Bad request',
      status,
      code: tooLarge ? 'headers-too-large' : 'bad-request',
      detail: tooLarge
        ? `The request line and headers exceed ${MAX_HEADER_BYTES} bytes; send a shorter query.`
        : 'The request could not be parsed as HTTP.',
    });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
