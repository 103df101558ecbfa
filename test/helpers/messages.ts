// Reading messages in the one shape (core/message.ts) in tests.
import { splitMessage } from '../../server/src/core/message.js';

/** What the message quotes the go command as printing ("go build: …" details line), or else its first line. */
export function toolchainWords(message: string): string {
  const q = splitMessage(message).details.find((l) => /^go (build|test|vet): /.test(l));
  return q ? q.replace(/^go (build|test|vet): /, '') : splitMessage(message).cause;
}

export { splitMessage };
