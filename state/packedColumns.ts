// Column encodings the log-structured stores share: msgpack pays per object and per value, so
// they write numbers as raw typed-array bytes and many strings as one concatenation.

/** Strings as one concatenation and their lengths: msgpack packs one long string far faster than many. */
export function joinStrings(strings: string[]): { keys: string; keyLengths: Uint8Array } {
  const lengths = new Uint32Array(strings.length);
  for (let i = 0; i < strings.length; i++) lengths[i] = strings[i].length;
  return { keys: strings.join(''), keyLengths: new Uint8Array(lengths.buffer) };
}

export function splitStrings(joined: string, lengthBytes: Uint8Array): string[] {
  const lengths = new Uint32Array(copyOf(lengthBytes));
  const strings = new Array<string>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) strings[i] = joined.slice(at, (at += lengths[i]));
  return strings;
}

/** The bytes as their own buffer: LMDB's may sit at an offset typed arrays cannot align to. */
export function copyOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
